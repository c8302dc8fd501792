"""Run an app bundle with /iexec_in and /iexec_out, no network and a hard time limit.

The sandbox is bubblewrap (`bwrap`): an empty root with the system folders bound read-only, the Python runtime, the
app bundle, /iexec_in (read-only) and /iexec_out (writable), a private /tmp, no network, a private PID namespace, and
nothing of the worker's own files (its key stays out of reach). When bwrap is missing or cannot run here, the app
runs as a plain subprocess after a loud warning (``allow_unsandboxed``), never silently.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

# Host folders an app may read (system libraries and the Python runtime); symlinked ones are recreated as links.
SYSTEM_DIRS = ("/usr", "/etc", "/opt", "/bin", "/lib", "/lib64", "/sbin")


@dataclass
class RunResult:
    exit_code: int | None  # None when the time limit killed it
    timed_out: bool
    duration: float
    sandboxed: bool
    runtime: str = "bwrap"  # "bwrap", "none" (unsandboxed fallback) or "docker"


def python_runtime() -> str:
    """The base interpreter (not the venv's): apps get the standard library only."""
    for name in ("python3", "python"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable


def bwrap_args(bundle: Path, in_dir: Path, out_dir: Path) -> list[str]:
    args = ["bwrap", "--die-with-parent", "--unshare-all", "--new-session"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    prefix = os.path.realpath(sys.base_prefix)
    if not prefix.startswith(SYSTEM_DIRS):
        args += ["--ro-bind", prefix, prefix]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    args += ["--ro-bind", str(bundle), "/app/" + bundle.name]
    args += [
        "--ro-bind",
        str(in_dir),
        "/iexec_in",
        "--bind",
        str(out_dir),
        "/iexec_out",
        "--chdir",
        "/iexec_out",
    ]
    return args


@lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """True when bwrap exists and can create its namespaces here (some containers forbid it)."""
    if shutil.which("bwrap") is None:
        return False
    try:
        probe = subprocess.run(
            [
                "bwrap",
                "--die-with-parent",
                "--unshare-all",
                "--ro-bind",
                "/",
                "/",
                "true",
            ],
            check=False,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def run_app(
    bundle: Path,
    args: list[str],
    in_dir: Path,
    out_dir: Path,
    env: dict[str, str],
    timeout: float,
    log_path: Path,
    allow_unsandboxed: bool = True,
) -> RunResult:
    """Run ``python3 /app/<bundle> args`` (a zip with __main__.py) in the sandbox; stdout+stderr go to log_path."""
    bundle, in_dir, out_dir = (
        Path(bundle).resolve(),
        Path(in_dir).resolve(),
        Path(out_dir).resolve(),
    )
    sandboxed = bwrap_works()
    if sandboxed:
        cmd = bwrap_args(bundle, in_dir, out_dir) + [
            python_runtime(),
            "/app/" + bundle.name,
            *args,
        ]
        app_env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "IEXEC_IN": "/iexec_in",
            "IEXEC_OUT": "/iexec_out",
        }
        cwd = None
    else:
        if not allow_unsandboxed:
            raise RuntimeError("bubblewrap (bwrap) cannot run here and unsandboxed runs are not allowed")
        log.warning(
            "!!! bwrap is unavailable: running the app WITHOUT a sandbox (network and files reachable) !!!"
        )
        cmd = [python_runtime(), str(bundle), *args]
        app_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(out_dir),
        }
        app_env.update({"IEXEC_IN": str(in_dir), "IEXEC_OUT": str(out_dir)})
        cwd = str(out_dir)
    app_env.update({k: v for k, v in env.items() if k not in ("IEXEC_IN", "IEXEC_OUT")})
    started = time.monotonic()
    with open(log_path, "wb") as logf:
        proc = subprocess.Popen(
            cmd,
            env=app_env,
            cwd=cwd,
            stdout=logf,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code, timed_out = None, True
    return RunResult(code, timed_out, time.monotonic() - started, sandboxed, "bwrap" if sandboxed else "none")
