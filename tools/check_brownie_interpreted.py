"""Exit 1 if the installed eth-brownie is the mypyc-compiled build (broken here, see README.md, Toolchain notes)."""

import sys
from importlib import metadata

try:
    files = metadata.files("eth-brownie") or []
except metadata.PackageNotFoundError:
    sys.exit("eth-brownie is not installed")
compiled = [str(f) for f in files if str(f).endswith((".so", ".pyd"))]
if compiled:
    print(f"compiled eth-brownie modules found: {compiled[:5]}", file=sys.stderr)
    sys.exit(1)
