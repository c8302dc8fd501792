"""Non-deterministic output made verifiable: a Monte-Carlo estimate of pi whose samples differ on every run.

The full output (samples, timing, host noise) is kept in iexec_out/run/ for the requester, while the consensus only
covers determinism.iexec, which holds what every honest run agrees on: the estimate rounded to 1 decimal (5 sigma away from a rounding edge at the default sample count).
Usage: python3 noisy.zip [SAMPLES].
"""

import json
import os
import random
import sys
import time


def main(argv):
    samples = int(argv[0]) if argv else 1_000_000
    rng = random.SystemRandom()  # different on every run, on purpose
    started = time.time()
    inside = sum(1 for _ in range(samples) if rng.random() ** 2 + rng.random() ** 2 <= 1.0)
    estimate = 4 * inside / samples
    out = os.environ.get("IEXEC_OUT", "/iexec_out")
    os.makedirs(os.path.join(out, "run"), exist_ok=True)
    with open(os.path.join(out, "run", "raw.json"), "w") as f:
        json.dump(
            {"samples": samples, "inside": inside, "estimate": estimate, "seconds": time.time() - started}, f
        )
    with open(os.path.join(out, "determinism.iexec"), "w") as f:
        f.write(f"pi~{estimate:.1f}\n")
    with open(os.path.join(out, "computed.json"), "w") as f:
        json.dump({"deterministic-output-path": "/iexec_out/determinism.iexec"}, f)
    print(f"pi ~ {estimate} ({samples} samples)")


if __name__ == "__main__":
    main(sys.argv[1:])
