"""Build the sample apps of apps/ into deterministic zip bundles (python3 runs a zip's __main__.py directly).

The bundle's sha256 is the app's on-chain checksum, so the zip must be byte-identical on every build: sorted names,
fixed timestamps and permissions.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"


def app_names() -> list[str]:
    return sorted(p.parent.name for p in APPS_DIR.glob("*/__main__.py"))


def build_bundle(name: str, dest_dir: Path) -> tuple[Path, str]:
    """Zip apps/<name>/ into dest_dir/<name>.zip; returns (path, "0x" + sha256 of the bundle)."""
    src = APPS_DIR / name
    if not (src / "__main__.py").is_file():
        raise ValueError(f"no app named {name!r} in {APPS_DIR} (known: {', '.join(app_names())})")
    dest = Path(dest_dir) / f"{name}.zip"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in src.rglob("*.py") if "__pycache__" not in p.parts):
            info = zipfile.ZipInfo(str(path.relative_to(src)), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return dest, "0x" + hashlib.sha256(dest.read_bytes()).hexdigest()
