#!/usr/bin/env python3
"""Writes every message of ../shared/vectors into fuzz/corpus/<target>/ as seed inputs.

Usage: python3 fuzz/seed_corpus.py [vectors_dir]   (run from the workspace root)
"""
import hashlib
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent
vectors = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent.parent / "shared" / "vectors"

def hexes(node):
    """Every 'hex' string anywhere in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "hex" and isinstance(v, str):
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
        try:
            seeds.add(bytes.fromhex(h))
        except ValueError:
            pass

targets = sys.argv[2:] or ["decode_message"]
for target in targets:
    out = root / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        (out / hashlib.sha1(s).hexdigest()).write_bytes(s)
print(f"{len(seeds)} seeds for {', '.join(targets)}")
