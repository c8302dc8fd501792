"""One task's compute stage: fetch the app (and dataset) with checksum checks, run it sandboxed, digest the output.

Folder of a task: ``<workdir>/tasks/<taskId>/`` with ``app/`` (bundle), ``iexec_in/`` (dataset), ``iexec_out/``
(the app's output), ``output/iexec_out.zip`` (what gets uploaded) and ``app.log`` (the app's stdout+stderr).
A download or checksum failure does not abort the task: the worker writes the error result (digest.py), so honest
workers still agree (docs/OFFCHAIN.md §2.4).

Where the app runs is the worker's `Runtime` (runtimes/): this stage builds one `Job` and hands it over.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shlex
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from . import digest as dg
from .runtimes import BwrapRuntime, ImageError, Job, Runtime
from .runtimes.docker import image_of

log = logging.getLogger(__name__)
ZERO32 = "0x" + "00" * 32
MAX_DOWNLOAD = 256 * 1024 * 1024


class DownloadError(Exception):
    """A bundle or dataset could not be fetched or failed its checksum."""


@dataclass
class ComputeOutcome:
    digest: bytes  # 32 bytes
    callback: bytes | None
    zip_path: Path
    error: str | None  # why the output is an error result (None when the app produced its own)
    sandboxed: bool
    runtime: str = (
        "none"  # the runtime that ran the app: "docker", "bwrap", "none" (unsandboxed or never ran)
    )


def fetch(multiaddr: str, dest: Path, checksum: str | None = None, base_url: str | None = None) -> Path:
    """Copy a bundle from a local path, file:// URL or http(s) URL to dest and check sha256 against checksum."""
    parsed = urlparse(multiaddr)
    try:
        if parsed.scheme in ("http", "https") or (
            base_url and multiaddr.startswith("/") and parsed.scheme == "" and not Path(multiaddr).exists()
        ):
            url = multiaddr if parsed.scheme else base_url.rstrip("/") + multiaddr
            with httpx.stream("GET", url, timeout=30, follow_redirects=True) as resp:
                if resp.status_code != 200:
                    raise DownloadError(f"GET {url} answered {resp.status_code}")
                data = b""
                for chunk in resp.iter_bytes():
                    data += chunk
                    if len(data) > MAX_DOWNLOAD:
                        raise DownloadError(f"{url} is larger than {MAX_DOWNLOAD} bytes")
        else:
            path = Path(parsed.path if parsed.scheme == "file" else multiaddr)
            data = path.read_bytes()
    except (OSError, httpx.HTTPError) as exc:
        raise DownloadError(f"cannot fetch {multiaddr}: {exc}") from exc
    if checksum and int(checksum, 16) != 0:
        got = "0x" + hashlib.sha256(data).hexdigest()
        if got.lower() != checksum.lower():
            raise DownloadError(f"checksum mismatch for {multiaddr}: expected {checksum}, got {got}")
    elif checksum is not None:
        log.warning("no checksum given for %s: content not verified", multiaddr)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return dest


def app_args(params: str) -> list[str]:
    """Command-line arguments from the deal params: {"iexec_args": "..."} or a plain string."""
    if not params:
        return []
    try:
        parsed = json.loads(params)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return shlex.split(str(parsed.get("iexec_args", "")))
    return shlex.split(params)


def zip_folder(folder: Path, dest: Path) -> Path:
    """Deterministic zip (sorted names, fixed timestamps) so identical outputs give identical archives."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(path.relative_to(folder)), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return dest


def task_dir(workdir: Path, task_id: str) -> Path:
    return Path(workdir) / "tasks" / task_id.lower()


def compute(
    workdir: Path, task: dict, runtime: Runtime | None = None, base_url: str | None = None
) -> ComputeOutcome:
    """Run the whole compute stage of one replicate (the dict is the work offer as sent by the scheduler) in
    `runtime` (default: bubblewrap, falling back to an unsandboxed run).

    Raises (no digest: the worker reports COMPUTE_FAILED and contributes nothing) when this worker cannot run the
    app at all: an image app on a runtime without images, the runtime failing, no sandbox while one is required."""
    runtime = runtime or BwrapRuntime()
    tdir = task_dir(workdir, task["taskId"])
    in_dir, out_dir = tdir / "iexec_in", tdir / "iexec_out"
    for d in (in_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    has_callback = int(task.get("callback") or "0x0", 16) != 0
    env = {
        "IEXEC_TASK_ID": task["taskId"],
        "IEXEC_DEAL_ID": task.get("dealId", ""),
        "IEXEC_BOT_FIRST_INDEX": str(task.get("botFirst", 0)),
        "IEXEC_BOT_SIZE": str(task.get("botSize", 1)),
        "IEXEC_BOT_TASK_INDEX": str(task.get("taskIndex", 0)),
        "IEXEC_INPUT_FILES_FOLDER": "/iexec_in",
        "IEXEC_INPUT_FILES_NUMBER": "0",
    }
    # `causes` are fixed codes (they end up in the error digest, so they must not depend on the worker); `detail`
    # is the readable reason for the logs.
    error, causes, detail, sandboxed, ran_in = None, [], "", False, "none"
    app = task["app"]
    image, image_id, bundle = image_of(app), None, None
    try:
        if image is not None:
            image_id = runtime.fetch_image(image, app.get("checksum") or ZERO32)
        else:
            bundle = fetch(
                app["multiaddr"], tdir / "app" / "app.zip", app.get("checksum") or ZERO32, base_url
            )
    except (ImageError, DownloadError) as exc:
        error, causes, detail = "download failed", ["APP_DOWNLOAD_FAILED"], str(exc)
    dataset = task.get("dataset")
    if error is None and dataset:
        name = dataset["address"].lower()
        env.update({"IEXEC_DATASET_ADDRESS": dataset["address"], "IEXEC_DATASET_FILENAME": name})
        try:
            fetch(dataset["multiaddr"], in_dir / name, dataset.get("checksum") or ZERO32, base_url)
        except DownloadError as exc:
            error, causes, detail = "download failed", ["DATASET_DOWNLOAD_FAILED"], str(exc)
    if error is None:
        job = Job(
            task_id=task["taskId"],
            args=app_args(task.get("params", "")),
            in_dir=in_dir,
            out_dir=out_dir,
            env=env,
            timeout=float(task.get("timeref") or 300),  # the category's time unit T
            log_path=tdir / "app.log",
            bundle=bundle,
            image=image_id,
        )
        run = runtime.run(job)
        sandboxed, ran_in = run.sandboxed, run.runtime
        if run.timed_out:
            error, causes, detail = (
                "app timed out",
                ["APP_COMPUTE_TIMEOUT"],
                f"killed after {task.get('timeref')} s",
            )
        else:
            try:
                value = dg.result_digest(out_dir, has_callback)
            except dg.DigestError as exc:
                error, causes = "app produced no valid result", ["APP_COMPUTE_FAILED"]
                detail = f"exit code {run.exit_code}: {exc}"
    if error is not None:
        log.warning("task %s: %s (%s); contributing the error result", task["taskId"], error, detail)
        dg.write_error_result(out_dir, f"iExec task failed: {error}", causes)
        value = dg.result_digest(out_dir, False)
        callback = None
    else:
        callback = dg.callback_bytes(out_dir) if has_callback else None
    zip_path = zip_folder(out_dir, tdir / "output" / "iexec_out.zip")
    return ComputeOutcome(value, callback, zip_path, error, sandboxed, ran_in)
