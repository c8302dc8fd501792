"""The last resort for bundle apps: a plain host process, when bubblewrap cannot run here and the worker allows it.

Nothing is isolated (network and the worker's files are reachable), so every run logs a loud warning.
"""

from __future__ import annotations

import logging
import os

from .base import Job, RunResult, Runtime, python_runtime, run_limited

log = logging.getLogger(__name__)


class UnsandboxedRuntime(Runtime):
    name = "none"

    def run(self, job: Job) -> RunResult:
        log.warning(
            "!!! bwrap is unavailable: running the app WITHOUT a sandbox (network and files reachable) !!!"
        )
        in_dir, out_dir = job.in_dir.resolve(), job.out_dir.resolve()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(out_dir)}
        env.update({k: v for k, v in job.env.items() if k not in ("IEXEC_IN", "IEXEC_OUT")})
        env.update({"IEXEC_IN": str(in_dir), "IEXEC_OUT": str(out_dir)})
        cmd = [python_runtime(), str(job.bundle.resolve()), *job.args]
        code, timed_out, duration = run_limited(cmd, env, str(out_dir), job)
        return RunResult(code, timed_out, duration, False, self.name)
