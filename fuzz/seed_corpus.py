#!/usr/bin/env python3
"""Writes every message of ../shared/vectors into fuzz/corpus/<target>/ as seed inputs.

Usage: python3 fuzz/seed_corpus.py [--vectors DIR] [TARGET ...]
Every target gets every seed (default target: decode_message).
"""
import hashlib
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent
args = sys.argv[1:]
vectors = root.parent.parent / "shared" / "vectors"
if args[:1] == ["--vectors"]:
    vectors = pathlib.Path(args[1])
    args = args[2:]

def hexes(node):
    """Every 'hex' string anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("hex", "wholeMsg_with_zeroed_authParams", "authenticated") and isinstance(v, str):
                yield v
            else:
                yield from hexes(v)
    elif isinstance(node, list):
        for v in node:
            yield from hexes(v)

seeds = set()
for name in ["packets_v1_v2c.json", "packets_v3.json", "malformed_inputs.json",
             "usm_hmac_vectors.json", "usm_priv_vectors.json"]:
    doc = json.loads((vectors / name).read_text())
    for h in hexes(doc):
        if not isinstance(h, str):
            continue
        try:
            seeds.add(bytes.fromhex(h))
        except ValueError:
            pass

# MIB targets start from real modules: the small ones of the corpus, whole and cut short.
mib_seeds = set()
mibs = root.parent.parent / "shared" / "mibs"
if mibs.is_dir():
    files = sorted(p for p in mibs.rglob("*.mib") if p.stat().st_size < 12000)
    for p in files[:40]:
        text = p.read_bytes()
        mib_seeds.add(text)
        mib_seeds.add(text[: len(text) // 2])

# The DISPLAY-HINT target: the hints of the standard set's conventions over some octets
# (first byte: the hint's length).
hint_seeds = set()
for hint in ["1x:", "255a", "1d.1d.1d.1d", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d", "1x", "*1x:",
             "d-2", "x", "o", "b", "4d.4d", "1d.1d.1d.1d/1d", "2x:", "1a"]:
    h = hint.encode()
    hint_seeds.add(bytes([len(h)]) + h + bytes(range(0, 40, 3)))

# generator.yml / snmp.yml seeds: the project's own configuration files.
yaml_seeds = set()
for pattern in ["snmp-exporter/*.yml", "snmp-exporter/tests/data/*.yml", "snmp-generator/tests/data/*.yml"]:
    for f in sorted(root.parent.glob(pattern)):
        yaml_seeds.add(f.read_bytes())

# Index decoding: a column selector, then arcs (marker byte 4 + 4 little-endian bytes), for
# real instance suffixes: an ifIndex, an IPv4 InetAddress, a length-prefixed string.
index_seeds = set()
def arcs(sel, values):
    return bytes([sel]) + b"".join(b"\x04" + v.to_bytes(4, "little") for v in values)
for sel, values in [(0, [1]), (1, [1, 4, 192, 0, 2, 1]), (2, [2, 1, 4, 10, 0, 0, 1]),
                    (3, [1, 4, 127, 0, 0, 1, 161, 1, 4, 127, 0, 0, 1, 40000]),
                    (5, [6, 112, 117, 98, 108, 105, 99, 2, 1, 3]), (9, [42])]:
    index_seeds.add(arcs(sel, values))

targets = args or ["decode_message"]
for target in targets:
    out = root / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    chosen = (mib_seeds if target.startswith("mib_") else hint_seeds if target == "display_hint"
              else yaml_seeds if target == "generator_config"
              else index_seeds if target == "index_decode" else seeds)
    for s in chosen:
        (out / hashlib.sha1(s).hexdigest()).write_bytes(s)
print(f"{len(seeds)} seeds for {', '.join(targets)}")
