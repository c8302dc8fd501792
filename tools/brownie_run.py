"""Run a project script's main() like `brownie run`, from any checkout path.

`brownie run` imports a script by turning its absolute path into a dotted module name, so it fails when a parent
folder has a dot in its name (e.g. a CI clone under /tmp/ci.x1y2/). This loads the project and the network, then
imports the script as a normal module of the repository.

Usage: python tools/brownie_run.py scripts/deploy.py [--network development]
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("script", help="path of the script, e.g. scripts/deploy.py")
    parser.add_argument("--network", default="development")
    args = parser.parse_args()

    script = (ROOT / args.script).resolve()
    if not script.is_file() or script.suffix != ".py":
        print(f"brownie_run: no such script: {args.script}", file=sys.stderr)
        return 2
    module_name = ".".join(script.relative_to(ROOT).with_suffix("").parts)

    from brownie import network, project
    from brownie.network import rpc

    loaded = project.load(ROOT)
    loaded.load_config()
    network.connect(args.network)
    sys.path.insert(0, str(ROOT))
    try:
        # expose the project's contract containers the way `brownie run` does (scripts may import them)
        sys.modules["brownie"].__dict__.update(loaded.dict())
        importlib.import_module(module_name).main()
    finally:
        if network.is_connected():
            # stop the chain only if we launched it (the devnet's own anvil keeps running)
            network.disconnect(kill_rpc=rpc.is_child())
    return 0


if __name__ == "__main__":
    sys.exit(main())
