"""What every app runtime offers the compute stage: run one `Job` and say how it ended.

A runtime is one file of this folder with one `Runtime` subclass; the compute stage (runner.py) only ever calls
`fetch_image` and `run`, so a new runtime (an enclave, say) is a new file and one line in `select.py`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path


class ImageError(Exception):
    """The app's image cannot be had or is not the one registered: the app's fault (the shared error result)."""


@dataclass(frozen=True)
class Job:
    """One app run: what to run, its folders, environment and time limit."""

    task_id: str
    args: list[str]  # the app's own arguments (the deal's iexec_args)
    in_dir: Path  # mounted read-only as /iexec_in
    out_dir: Path  # mounted writable as /iexec_out
    env: dict[str, str] = field(default_factory=dict)  # IEXEC_* variables
    timeout: float = 300.0  # the category's time unit, in seconds
    log_path: Path | None = None  # the app's stdout + stderr
    bundle: Path | None = None  # a ZIP bundle app (run as `python3 /app/<bundle>`)
    image: str | None = None  # or a container image app, by the local id `fetch_image` returned


@dataclass
class RunResult:
    exit_code: int | None  # None when the time limit killed it
    timed_out: bool
    duration: float
    sandboxed: bool
    runtime: str  # the name of the runtime that ran it


class Runtime(ABC):
    name: str = ""

    def fetch_image(self, image: str, checksum: str | None) -> str:
        """Local id of an image app's image (pulled and checked against a non-zero checksum). Raises ImageError for
        the app's fault, anything else for the worker's. Runtimes without images refuse every image app."""
        raise RuntimeError(
            f"app {image} is a Docker image and this worker has no Docker engine (bubblewrap runs bundles only)"
        )

    @abstractmethod
    def run(self, job: Job) -> RunResult:
        """Run the job to its end or its time limit. Raises when the runtime itself fails (no result at all)."""


def python_runtime() -> str:
    """The base interpreter (not the venv's): bundle apps get the standard library only."""
    for name in ("python3", "python"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable


def run_limited(
    cmd: list[str], env: dict[str, str], cwd: str | None, job: Job
) -> tuple[int | None, bool, float]:
    """Run a host process in its own session to its end or the job's time limit (then kill the whole group);
    stdout+stderr go to the job's log. Returns (exit code or None, timed out, duration)."""
    started = time.monotonic()
    with open(job.log_path or os.devnull, "wb") as logf:
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return proc.wait(timeout=job.timeout), False, time.monotonic() - started
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None, True, time.monotonic() - started
