"""Deployment constants: one place for the numbers and names scripts/deploy.py uses."""

from pathlib import Path

from offchain.protocol.constants import STANDARD_CATEGORIES

# Chains where we also create the short demo categories and keep the address file out of git.
DEV_CHAIN_IDS = (1337, 31337)

# (name, workClockTimeRef in seconds); created after the standard ones, so their ids start at 5.
DEV_CATEGORIES = [("DEV-5S", 5), ("DEV-30S", 30)]

# The category description is free JSON in PoCo; clients display it.
CATEGORY_DESCRIPTION = '{{"description": "{name} category, {seconds} s per task"}}'

# Where deploy() writes the addresses, one file per chain id (read by the off-chain programs).
DEPLOYMENTS_DIR = Path(__file__).resolve().parent.parent / "deployments"

# Module contracts under this source folder are test-only and never registered on a production hub.
TESTING_SOURCES = "contracts/testing/"

# The hub's user-facing ABI.
HUB_INTERFACE = "IIexecHub"

__all__ = [
    "CATEGORY_DESCRIPTION",
    "DEPLOYMENTS_DIR",
    "DEV_CATEGORIES",
    "DEV_CHAIN_IDS",
    "HUB_INTERFACE",
    "STANDARD_CATEGORIES",
    "TESTING_SOURCES",
]
