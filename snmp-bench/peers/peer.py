"""The Python peers for snmp-bench: gufo-snmp and snmpkit, driven as their documentation shows.

usage: peer.py CLIENT CASE SECS PORT COUNT   (prints one JSON line; see snmp-bench/src/main.rs)
"""

import asyncio
import json
import resource
import sys
import time

GET_OID = "1.3.6.1.2.1.1.5.0"
NEXT_ROOT = "1.3.6.1.2.1.2.2.1.2"
BULK_ROOT = "1.3.6.1.2.1.2.2"
DEVICE_ROOT = "1.3.6.1"
POLL_OID = "1.3.6.1.2.1.1.3.0"
BULK_REPS = 25
POLL_ROUNDS = 20
V3 = ("bench", "bench-auth-pass", "bench-priv-pass")


def hwm_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class Meter:
    def __init__(self):
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = (r.ru_utime, r.ru_stime)
        self.t0 = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.t0

    def finish(self, ops, vbs, errors):
        wall = self.elapsed()
        r = resource.getrusage(resource.RUSAGE_SELF)
        return {"ops": ops, "varbinds": vbs, "errors": errors, "wall": wall,
                "user": r.ru_utime - self.cpu[0], "sys": r.ru_stime - self.cpu[1],
                "maxrss_kb": hwm_kb()}


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))


async def poll_rounds(sessions, case, secs):
    """Rounds of one GET of POLL_OID on every session at once (`.get` of gufo's and
    snmpkit's sessions alike), for at least `secs`."""
    rounds = 1 if case == "poll_10k" else POLL_ROUNDS
    ops = vbs = errors = 0
    m = Meter()
    while ops == 0 or m.elapsed() < secs:
        for _ in range(rounds):
            res = await asyncio.gather(*(s.get(POLL_OID) for s in sessions),
                                       return_exceptions=True)
            for r in res:
                if isinstance(r, Exception):
                    errors += 1
                else:
                    vbs += 1
                ops += 1
    return m.finish(ops, vbs, errors)


# ---------------------------------------------------------------- gufo-snmp
def gufo_user():
    from gufo.snmp import User, Sha256Key, Aes128Key
    return User(V3[0], auth_key=Sha256Key(V3[1].encode()), priv_key=Aes128Key(V3[2].encode()))


def gufo_sync(case, secs, port, reps=None):
    from gufo.snmp import SnmpVersion
    from gufo.snmp.sync import SnmpSession
    v3 = case.endswith("_v3")
    kw = dict(addr="127.0.0.1", port=port, timeout=2.0)
    if v3:
        kw.update(version=SnmpVersion.v3, user=gufo_user())
    else:
        kw.update(community="public", version=SnmpVersion.v2c)
    ops = vbs = errors = 0
    with SnmpSession(**kw) as s:
        if v3:
            s.get(GET_OID)
        m = Meter()
        if case.startswith("get"):
            while ops == 0 or m.elapsed() < secs:
                for _ in range(100):
                    try:
                        s.get(GET_OID)
                        vbs += 1
                    except Exception:
                        errors += 1
                    ops += 1
        else:
            while ops == 0 or m.elapsed() < secs:
                try:
                    if case.startswith("device_"):
                        # The latency cases: gufo-snmp's bulk walk with its defaults, or
                        # with 150 repetitions (gufo-snmp-r150).
                        it = (s.getbulk(DEVICE_ROOT) if reps is None
                              else s.getbulk(DEVICE_ROOT, max_repetitions=reps))
                    elif case == "walk_next_1k":
                        it = s.getnext(NEXT_ROOT)
                    else:
                        it = s.getbulk(BULK_ROOT, max_repetitions=BULK_REPS)
                    for _ in it:
                        vbs += 1
                except Exception:
                    errors += 1
                ops += 1
        return m.finish(ops, vbs, errors)


async def gufo_poll(case, secs, port, count):
    from gufo.snmp import SnmpVersion
    from gufo.snmp.aio import SnmpSession
    from contextlib import AsyncExitStack
    raise_fd_limit(count + 64)
    async with AsyncExitStack() as stack:
        sessions = [await stack.enter_async_context(
            SnmpSession(addr="127.0.0.1", port=port + i, community="public",
                        version=SnmpVersion.v2c, timeout=2.0)) for i in range(count)]
        return await poll_rounds(sessions, case, secs)


# ---------------------------------------------------------------- snmpkit
def snmpkit_manager(port, v3):
    from snmpkit.manager import Manager
    if v3:
        return Manager("127.0.0.1", port, version=3, user=V3[0], auth_protocol="SHA256",
                       auth_password=V3[1], priv_protocol="AES", priv_password=V3[2],
                       timeout=2.0, retries=1)
    # The same 2 s timeout and 1 retry as every client (gufo-snmp has no retries).
    return Manager("127.0.0.1", port, community="public", version=2, timeout=2.0, retries=1)


async def snmpkit_case(case, secs, port, count, reps=None):
    ops = vbs = errors = 0
    if case.startswith("poll"):
        raise_fd_limit(count + 64)
        managers = [snmpkit_manager(port + i, False) for i in range(count)]
        for mgr in managers:
            await mgr.connect()
        result = await poll_rounds(managers, case, secs)
        for mgr in managers:
            await mgr.close()
        return result
    v3 = case.endswith("_v3")
    async with snmpkit_manager(port, v3) as mgr:
        if v3:
            await mgr.get(GET_OID)
        m = Meter()
        if case.startswith("get"):
            while ops == 0 or m.elapsed() < secs:
                for _ in range(100):
                    try:
                        await mgr.get(GET_OID)
                        vbs += 1
                    except Exception:
                        errors += 1
                    ops += 1
        else:
            while ops == 0 or m.elapsed() < secs:
                try:
                    if case.startswith("device_"):
                        # The latency cases: snmpkit's bulk walk with its defaults, or with
                        # 256 repetitions (snmpkit-r256).
                        it = (mgr.bulk_walk(DEVICE_ROOT) if reps is None
                              else mgr.bulk_walk(DEVICE_ROOT, bulk_size=reps))
                    elif case == "walk_next_1k":
                        it = mgr.walk(NEXT_ROOT)
                    else:
                        it = mgr.bulk_walk(BULK_ROOT, bulk_size=BULK_REPS)
                    async for _ in it:
                        vbs += 1
                except Exception:
                    errors += 1
                ops += 1
        return m.finish(ops, vbs, errors)


def main():
    client, case, secs, port, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(
        sys.argv[4]), int(sys.argv[5])
    try:
        if client == "gufo-snmp":
            if case.startswith("poll"):
                out = asyncio.run(gufo_poll(case, secs, port, count))
            else:
                out = gufo_sync(case, secs, port)
        elif client == "gufo-snmp-r150":
            # 150: the most gufo-snmp decodes here (at 180 and more: "incomplete").
            out = gufo_sync(case, secs, port, reps=150)
        elif client == "snmpkit":
            out = asyncio.run(snmpkit_case(case, secs, port, count))
        elif client == "snmpkit-r256":
            out = asyncio.run(snmpkit_case(case, secs, port, count, reps=256))
        else:
            out = {"unsupported": f"unknown client {client}"}
    except ImportError as e:
        out = {"unsupported": f"not installed: {e}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
