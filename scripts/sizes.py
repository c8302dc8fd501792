"""Print the deployed bytecode size of every contract; fail if one reaches the EIP-170 limit (24,576 bytes)."""

import sys

from brownie import project

EIP170_LIMIT = 24_576


def sizes() -> dict[str, int]:
    p = project.get_loaded_projects()[0]
    return {
        name: len(container._build["deployedBytecode"]) // 2
        for name, container in sorted(p.dict().items())
        if container._build.get("deployedBytecode")
    }


def main():
    too_big = []
    for name, size in sizes().items():
        flag = "  TOO BIG" if size >= EIP170_LIMIT else ""
        print(f"{name:<28} {size:>6} bytes  ({size * 100 // EIP170_LIMIT:>3} % of limit){flag}")
        if size >= EIP170_LIMIT:
            too_big.append(name)
    if too_big:
        print(f"over the EIP-170 limit: {', '.join(too_big)}")
        sys.exit(1)
