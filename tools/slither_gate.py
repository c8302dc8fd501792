"""Run slither on the project's Solidity and fail on any finding that is not triaged.

Usage: python tools/slither_gate.py [--framework solc-json|brownie] [--triage F] [--report F]

slither-triage.json maps a finding's stable key ("<check>:<hash of the names of the elements involved>", printed
below for new findings; unlike slither's own id it does not change when source lines move) to the reason it is
accepted, e.g.
    {"timestamp:3f1c...": "deadlines are minutes long, a validator's drift is harmless"}
Slither ids are still accepted; `--rekey` rewrites the file with stable keys.
Findings in node_modules (OpenZeppelin) are filtered out. Triaged ids no longer reported are listed as stale.

Frameworks:
  solc-json (default): a standard-JSON input built from contracts/ + interfaces/ and brownie-config.yaml's
      compiler settings, compiled by the same solc brownie uses (.solcx/solc-v0.8.30, native or solc-js).
  brownie: `slither . --compile-force-framework brownie`. crytic-compile 0.4.2 only reads build/contracts/,
      so it fails ("interfaces/X.sol does not exist") once a contract imports a file from interfaces/.
"""

import argparse
import hashlib
import json
import os
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("contracts", "interfaces")


def solidity_sources() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.sol"))


def standard_json_input(sources: list[str]) -> dict:
    """The compiler input brownie would build, for every Solidity file of the project."""
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]
    solc = config["solc"]
    settings = {
        "remappings": list(solc.get("remappings") or []),
        "optimizer": solc.get("optimizer", {"enabled": True, "runs": 200}),
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"], "": ["ast"]}},
    }
    if config.get("evm_version"):
        settings["evmVersion"] = config["evm_version"]
    if solc.get("viaIR") is not None:
        settings["viaIR"] = solc["viaIR"]
    return {
        "language": "Solidity",
        "sources": {path: {"content": (ROOT / path).read_text()} for path in sources},
        "settings": settings,
    }


def solc_binary() -> str:
    version = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]["solc"]["version"]
    folder = os.environ.get("SOLCX_BINARY_PATH") or str(pathlib.Path.home() / ".solcx")
    return str(pathlib.Path(folder) / f"solc-v{version}")


def load_triage(path: pathlib.Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {k: (v["reason"] if isinstance(v, dict) else v) for k, v in data.items() if not k.startswith("_")}


def _element_name(element: dict) -> str:
    """An element as "type:Parent.name", without source lines (slither's own ids change when lines move)."""
    parent = element.get("type_specific_fields", {}).get("parent", {})
    owner = parent.get("name", "")
    grand = parent.get("type_specific_fields", {}).get("parent", {}).get("name", "")
    scope = ".".join(x for x in (grand, owner) if x)
    return f"{element.get('type', '')}:{scope}.{element.get('name', '')}"


def stable_key(finding: dict) -> str:
    """A finding's identity that survives unrelated edits: its check plus the names of the elements involved."""
    names = sorted(_element_name(e) for e in finding.get("elements", []))
    digest = hashlib.sha256("|".join([finding["check"], *names]).encode()).hexdigest()[:16]
    return f"{finding['check']}:{digest}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--framework", choices=["solc-json", "brownie"], default="solc-json")
    parser.add_argument("--triage", default=str(ROOT / "slither-triage.json"))
    parser.add_argument("--report", default=str(ROOT / "reports" / "slither.json"))
    parser.add_argument(
        "--rekey", action="store_true", help="rewrite the triage file keyed by stable keys, keeping reasons"
    )
    args = parser.parse_args()

    sources = solidity_sources()
    if not sources:
        print("slither: no Solidity sources in contracts/ or interfaces/ yet; nothing to analyse")
        return 0

    report = pathlib.Path(args.report)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    if args.framework == "brownie":
        cmd = ["slither", ".", "--compile-force-framework", "brownie"]
    else:
        input_path = report.parent / "slither-input.json"
        input_path.write_text(json.dumps(standard_json_input(sources)))
        cmd = ["slither", str(input_path.relative_to(ROOT)), "--compile-force-framework", "solc-json"]
        cmd += ["--solc", solc_binary()]
    cmd += [
        "--config-file",
        "slither.config.json",
        "--filter-paths",
        "node_modules",
        "--exclude-dependencies",
    ]
    cmd += ["--json", str(report)]
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if not report.exists():
        sys.stderr.write(proc.stdout + proc.stderr)
        print(f"slither: failed (exit {proc.returncode}) without writing {report}", file=sys.stderr)
        return 1
    result = json.loads(report.read_text())
    if not result.get("success"):
        sys.stderr.write(proc.stderr)
        print(f"slither: analysis failed: {result.get('error')}", file=sys.stderr)
        return 1

    findings = result.get("results", {}).get("detectors", [])
    triage = load_triage(pathlib.Path(args.triage))
    # Accept slither's id (line-dependent) or our stable key; --rekey migrates the file to stable keys.
    new = [f for f in findings if f["id"] not in triage and stable_key(f) not in triage]
    seen = {f["id"] for f in findings} | {stable_key(f) for f in findings}
    stale = sorted(set(triage) - seen)
    if args.rekey:
        path = pathlib.Path(args.triage)
        data = json.loads(path.read_text()) if path.exists() else {}
        rekeyed = {k: v for k, v in data.items() if k.startswith("_")}
        for f in findings:
            reason = triage.get(f["id"]) or triage.get(stable_key(f))
            if reason:
                rekeyed[stable_key(f)] = reason
        path.write_text(json.dumps(rekeyed, indent=2, sort_keys=False) + "\n")
        print(f"slither: triage file rekeyed ({len(rekeyed)} entries)")

    print(
        f"slither: {len(sources)} files, {len(findings)} finding(s), {len(findings) - len(new)} triaged, {len(new)} new"
    )
    for fid in stale:
        print(f"  note: triaged id no longer reported (remove it?): {fid}")
    for f in new:
        where = f.get("first_markdown_element", "")
        first_line = f["description"].strip().splitlines()[0]
        print(
            f"  NEW {stable_key(f)}  [{f['impact']}/{f['confidence']}] {f['check']}  {where}\n      {first_line}"
        )
    if new:
        print(f"slither: {len(new)} untriaged finding(s): fix them, or add key -> reason to {args.triage}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
