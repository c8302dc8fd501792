"""Every folder's README lists exactly the folder's tracked files and subfolders, one entry each.

Rules, kept simple on purpose:
- Folders checked: every folder holding tracked files (directly or below), except the repository root (its README
  has a layout table), hidden folders (`.ci`), `build/`, `node_modules/`, and the one-file app folders `apps/<app>/`.
- A README entry is a line that starts a Markdown table row or list item with a backticked name:
  "| `name` | what |" or "- `name` - what". A file is named as is (`engine.py`), a subfolder with a slash
  (`Boost/`). Only names that look like a file or folder (containing "." or ending with "/") count as entries, so
  backticked options or values in other tables are ignored.
- Expected entries: the folder's tracked files except `README.md` and `__init__.py`, and its subfolders holding
  tracked files. Each must be listed exactly once, and every entry must exist.
"""

import re
import subprocess
from collections import Counter
from pathlib import PurePosixPath

import pytest

ROOT = PurePosixPath(__file__).parents[1]
IGNORED_FILES = {"README.md", "__init__.py"}
ENTRY = re.compile(r"^\s*(?:\|\s*|[-*]\s+)`([^`\s]+)`")


def _tracked() -> list[PurePosixPath]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=str(ROOT), capture_output=True, check=True).stdout
    return [PurePosixPath(name) for name in out.decode().split("\0") if name]


def _skipped(folder: PurePosixPath) -> bool:
    parts = folder.parts
    return (
        not parts
        or parts[0] in {"build", "node_modules"}
        or any(part.startswith(".") for part in parts)
        or (parts[0] == "apps" and len(parts) > 1)
    )


def _folders() -> dict[PurePosixPath, set[str]]:
    """folder -> the entries its README must have."""
    expected: dict[PurePosixPath, set[str]] = {}
    for path in _tracked():
        # the file belongs to its folder; each folder above it gets the subfolder that leads to it
        child, folder = path.name, path.parent
        while True:
            if not _skipped(folder) and child not in IGNORED_FILES:
                expected.setdefault(folder, set()).add(child)
            if folder == PurePosixPath("."):
                break
            child, folder = folder.name + "/", folder.parent
    return {folder: entries for folder, entries in expected.items() if not _skipped(folder)}


def _listed(readme: str) -> list[str]:
    names = []
    for line in readme.splitlines():
        match = ENTRY.match(line)
        if match and ("." in match.group(1) or match.group(1).endswith("/")):
            names.append(match.group(1))
    return names


FOLDERS = _folders()


@pytest.mark.parametrize("folder", sorted(FOLDERS), ids=str)
def test_readme_lists_the_folder(folder):
    readme = ROOT / folder / "README.md"
    assert PurePosixPath(folder / "README.md") in set(_tracked()), f"{folder}/ has no README.md"
    listed = _listed(open(readme, encoding="utf-8").read())
    twice = sorted(name for name, count in Counter(listed).items() if count > 1)
    missing = sorted(FOLDERS[folder] - set(listed))
    unknown = sorted(set(listed) - FOLDERS[folder])
    assert not (twice or missing or unknown), (
        f"{folder}/README.md: not listed {missing}; listed but not tracked here {unknown}; listed twice {twice}"
    )
