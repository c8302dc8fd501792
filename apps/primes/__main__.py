"""Numeric app: counts and sums the primes of one range; task i of n takes range i of [0, LIMIT).

Usage: python3 primes.zip [LIMIT]. Writes result.json (the deterministic output) and computed.json.
"""

import json
import os
import sys


def primes_in(lo, hi):
    """Segmented sieve of [lo, hi)."""
    lo = max(lo, 2)
    if hi <= lo:
        return []
    root = int(hi**0.5) + 1
    base = bytearray([1]) * (root + 1)
    base[0:2] = b"\x00\x00"
    for i in range(2, int(root**0.5) + 1):
        if base[i]:
            base[i * i :: i] = bytearray(len(base[i * i :: i]))
    seg = bytearray([1]) * (hi - lo)
    for p in (i for i in range(2, root + 1) if base[i]):
        start = max(p * p, (lo + p - 1) // p * p)
        seg[start - lo :: p] = bytearray(len(seg[start - lo :: p]))
    return [lo + i for i, v in enumerate(seg) if v]


def main(argv):
    limit = int(argv[0]) if argv else 1_000_000
    tasks = max(1, int(os.environ.get("IEXEC_BOT_SIZE", "1")))
    index = int(os.environ.get("IEXEC_BOT_TASK_INDEX", "0")) - int(
        os.environ.get("IEXEC_BOT_FIRST_INDEX", "0")
    )
    lo, hi = index * limit // tasks, (index + 1) * limit // tasks
    found = primes_in(lo, hi)
    result = {
        "range": [lo, hi],
        "count": len(found),
        "sum": sum(found),
        "largest": found[-1] if found else None,
    }
    out = os.environ.get("IEXEC_OUT", "/iexec_out")
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump(result, f, sort_keys=True)
    with open(os.path.join(out, "computed.json"), "w") as f:
        json.dump({"deterministic-output-path": "/iexec_out/result.json"}, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
