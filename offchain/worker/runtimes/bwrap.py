"""Run an app bundle with /iexec_in and /iexec_out, no network and a hard time limit.

The sandbox is bubblewrap (`bwrap`): an empty root with the system folders bound read-only, the Python runtime, the
app bundle, /iexec_in (read-only) and /iexec_out (writable), a private /tmp, no network, a private PID namespace, and
nothing of the worker's own files (its key stays out of reach). When bwrap is missing or cannot run here, the app
runs unsandboxed (unsandboxed.py, a loud warning every run) if the worker allows it, never silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from .base import Job, RunResult, Runtime, python_runtime, run_limited
from .unsandboxed import UnsandboxedRuntime

# Host folders an app may read (system libraries and the Python runtime); symlinked ones are recreated as links.
SYSTEM_DIRS = ("/usr", "/etc", "/opt", "/bin", "/lib", "/lib64", "/sbin")


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


class BwrapRuntime(Runtime):
    """Bundle apps in bubblewrap; image apps are refused (they need the Docker runtime)."""

    name = "bwrap"

    def __init__(self, allow_unsandboxed: bool = True):
        self.allow_unsandboxed = allow_unsandboxed

    def run(self, job: Job) -> RunResult:
        if not bwrap_works():
            if not self.allow_unsandboxed:
                raise RuntimeError("bubblewrap (bwrap) cannot run here and unsandboxed runs are not allowed")
            return UnsandboxedRuntime().run(job)
        bundle, in_dir, out_dir = job.bundle.resolve(), job.in_dir.resolve(), job.out_dir.resolve()
        cmd = [*bwrap_args(bundle, in_dir, out_dir), python_runtime(), "/app/" + bundle.name, *job.args]
        env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "IEXEC_IN": "/iexec_in", "IEXEC_OUT": "/iexec_out"}
        env.update({k: v for k, v in job.env.items() if k not in ("IEXEC_IN", "IEXEC_OUT")})
        code, timed_out, duration = run_limited(cmd, env, None, job)
        return RunResult(code, timed_out, duration, True, self.name)
