"""The repository's documentation is self-contained, and every section reference in it points at a real section.

Rules (tracked files only; build output, node_modules and the benchmarks' data files are not read):
- no file sends a reader outside the repository: no path into a shared folder and no reference to the external
  reference documents by section (their knowledge lives in docs/SPECIFICATION.md, docs/OFFCHAIN.md and
  docs/SDK_COMPAT.md);
- every "SPECIFICATION §N.M" (or "docs/SPECIFICATION.md §N.M") names a numbered heading of docs/SPECIFICATION.md, and
  every "docs/OFFCHAIN.md §N.M" one of docs/OFFCHAIN.md; for a range "§4.2-4.10" both ends must exist. The old
  forms of these references, still present until they are retargeted, are held to the same numbers.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKIPPED = ("build/", "node_modules/")

# Written in two halves so that this file does not match its own patterns.
FORBIDDEN = ["PROTOCOL" + " §", "OFFCHAIN" + " §", "STYLE" + " §", "../" + "shared", "/work/" + "shared"]
SECTION = r"§\s?(\d+(?:\.\d+)*)(?:\s?-\s?(\d+(?:\.\d+)*))?"
# The old reference forms (until they are retargeted) must resolve too: the docs keep their section numbers.
REFERENCES = {
    "SPECIFICATION.md": re.compile(rf"(?:(?:docs/)?SPECIFICATION|(?<![/\w])PROTOCOL)(?:\.md)? {SECTION}"),
    "OFFCHAIN.md": re.compile(rf"(?:docs/|(?<![/\w]))OFFCHAIN(?:\.md)? {SECTION}"),
}


def tracked_text_files():
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in names.split("\0"):
        if not name or name.startswith(SKIPPED):
            continue
        if name.startswith("benchmarks/") and name.endswith(".json"):
            continue
        path = ROOT / name
        try:
            yield name, path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue


def sections_of(document: str) -> set[str]:
    """Numbers of the headings of a docs/ file: '## 4. Task lifecycle' -> '4', '### 4.11 Boost' -> '4.11'."""
    text = (DOCS / document).read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", text, flags=re.M))


# EXPECTED TO FAIL until the reference retargeting (retarget_refs.py, run by the integrator on the merged tree) has
# rewritten every old reference; after that it guards against new ones.
def test_no_reference_outside_the_repository():
    this_file = Path(__file__).resolve().relative_to(ROOT).as_posix()
    offenders = [
        f"{name}:{number}: {line.strip()[:100]}"
        for name, text in tracked_text_files()
        if name != this_file
        for number, line in enumerate(text.splitlines(), 1)
        if any(pattern in line for pattern in FORBIDDEN)
    ]
    assert not offenders, "references outside the repository:\n" + "\n".join(offenders)


def test_section_references_resolve():
    known = {document: sections_of(document) for document in REFERENCES}
    broken = []
    for name, text in tracked_text_files():
        for document, pattern in REFERENCES.items():
            for match in pattern.finditer(text):
                for number in filter(None, match.groups()):
                    if number not in known[document]:
                        broken.append(f"{name}: {match.group(0)} (no section {number} in docs/{document})")
    assert not broken, "\n".join(broken)


def test_specification_numbers_every_section_the_code_uses():
    # the sections the contracts and tests lean on most; renumbering them would silently orphan references
    required = {"1.3", "3.3", "3.7", "4.1", "4.4", "4.6", "4.11", "5", "8.5", "9", "12.5", "12.7"}
    assert required <= sections_of("SPECIFICATION.md")
    assert {"1.8", "1.9", "1.14", "2.3", "2.4", "8", "8.3"} <= sections_of("OFFCHAIN.md")
