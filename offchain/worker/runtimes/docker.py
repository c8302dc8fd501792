"""Run apps in Docker containers through the `docker` CLI, when a Docker engine answers (docs/OFFCHAIN.md §2.3 COMPUTE).

- An app whose multiaddr is an image reference (`docker.io/me/app:1.0`, app type DOCKER) runs from that image; its
  checksum, when not zero, must be the image's registry digest (`sha256:...`), as in iExec. The image is pulled only
  when it is missing locally or its local copy does not carry that digest, then run by its local id, so a tag moved
  meanwhile cannot swap the code.
- A ZIP bundle app (the samples of apps/) runs as `python3 /app/<bundle>` in `DockerConfig.bundle_image`, the bundle
  mounted read-only; its sha256 was checked when it was fetched.

Each run: `/iexec_in` read-only and `/iexec_out` writable bind mounts, no network (`--network none`), memory (no swap
beyond it), CPU and process limits, a read-only root with a private /tmp, no capabilities, the worker's own uid (so
the output stays the worker's to zip and delete), and the category time limit: on expiry the container is killed by
name (`docker kill`; killing the client alone would leave it running). `--rm` removes it when it stops, and a
final `docker rm --force` covers a client that died before the daemon could.

Failures are split by whose fault they are: `ImageError` (image missing from its registry, wrong digest) is the
app's, so the worker contributes the shared error result like for a bundle that cannot be fetched; `EngineError`
(engine gone, runtime image unavailable, `docker run` itself failing with 125) is the worker's, so it contributes
nothing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .base import ImageError, Job, RunResult, Runtime

log = logging.getLogger(__name__)

DOCKER = "docker"  # the CLI, looked up on PATH
DOCKER_RUN_FAILED = (
    125  # `docker run`'s own exit code when the daemon could not create or start the container
)

# Image reference grammar of distribution/reference: [domain[:port]/]path[:tag][@digest].
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = (
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)"
)
IMAGE_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?(?:@sha256:[0-9a-f]{{64}})?"
)
_SIZE = re.compile(r"^[0-9]+(?:\.[0-9]+)?[bkmgBKMG]?$")


class EngineError(RuntimeError):
    """The Docker engine failed this worker: no result can be computed here."""


@dataclass(frozen=True)
class DockerConfig:
    memory: str = "2g"  # --memory, and --memory-swap equal to it: no swap beyond the limit
    cpus: float = 1.0
    pids: int = 256
    bundle_image: str = "python:3.11-slim"  # runs ZIP bundle apps (standard library only)
    pull_timeout: float = 600.0

    def __post_init__(self):
        if not _SIZE.match(self.memory):
            raise ValueError(f"docker memory limit {self.memory!r} is not a size like 512m or 2g")
        if not self.cpus > 0:
            raise ValueError(f"docker cpu limit {self.cpus!r} must be above 0")
        if self.pids < 1:
            raise ValueError(f"docker process limit {self.pids!r} must be at least 1")
        if not IMAGE_REFERENCE.fullmatch(self.bundle_image):
            raise ValueError(f"bundle image {self.bundle_image!r} is not a Docker image reference")


def _docker(*args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise EngineError("no `docker` command on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"`docker {' '.join(args[:2])}` did not answer within {timeout:.0f} s") from exc


def _last_line(proc: subprocess.CompletedProcess) -> str:
    lines = (proc.stderr or proc.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"exit code {proc.returncode}"


def engine_version() -> tuple[str | None, str]:
    """(server version, "") when a Docker engine answers this client, else (None, why not)."""
    try:
        proc = _docker("version", "--format", "{{.Server.Version}}", timeout=15)
    except EngineError as exc:
        return None, str(exc)
    version = proc.stdout.strip()
    if proc.returncode == 0 and version:
        return version, ""
    return None, _last_line(proc)


def image_of(app: dict) -> str | None:
    """The image to run for a DOCKER app whose multiaddr is an image reference; None for a bundle (path or URL)."""
    multiaddr = str(app.get("multiaddr") or "")
    if str(app.get("type") or "DOCKER").upper() != "DOCKER":
        return None
    if "://" in multiaddr or multiaddr.startswith(("/", ".", "~")) or multiaddr.endswith(".zip"):
        return None
    return multiaddr if IMAGE_REFERENCE.fullmatch(multiaddr) else None


def _inspect(image: str) -> dict | None:
    proc = _docker("image", "inspect", image)
    if proc.returncode != 0:
        return None
    try:
        found = json.loads(proc.stdout)
    except ValueError as exc:
        raise EngineError(f"`docker image inspect {image}` printed no JSON") from exc
    return found[0] if found else None


def _matches(info: dict, digest: str | None) -> bool:
    return digest is None or any(d.endswith("@" + digest) for d in info.get("RepoDigests") or [])


def ensure_image(image: str, checksum: str | None, cfg: DockerConfig) -> str:
    """Local id of `image`, pulled if needed; a non-zero checksum must be its registry digest (None: the worker's
    own runtime image, nothing to verify)."""
    digest = None
    if checksum is not None and int(checksum, 16) != 0:
        digest = "sha256:" + checksum.lower().removeprefix("0x")
    elif checksum is not None:
        log.warning("no checksum for image %s: content not verified", image)
    info = _inspect(image)
    if info is None or not _matches(info, digest):
        pulled = _docker("pull", image, timeout=cfg.pull_timeout)
        if pulled.returncode != 0:
            if engine_version()[0] is None:
                raise EngineError(f"the Docker engine stopped answering while pulling {image}")
            raise ImageError(f"cannot pull {image}: {_last_line(pulled)}")
        info = _inspect(image)
        if info is None:
            raise EngineError(f"{image} was pulled but `docker image inspect` does not find it")
        if not _matches(info, digest):
            found = ", ".join(info.get("RepoDigests") or []) or "none"
            raise ImageError(f"image {image} has digest {found}, not the app's checksum {checksum}")
    return str(info["Id"])


def run_args(
    image_id: str,
    name: str,
    cmd: list[str],
    in_dir: Path,
    out_dir: Path,
    env: dict[str, str],
    cfg: DockerConfig,
    bundle: Path | None = None,
) -> list[str]:
    """The full `docker run` command line of one app run."""
    args = [
        DOCKER, "run", "--rm", "--name", name,
        "--network", "none",
        "--memory", cfg.memory, "--memory-swap", cfg.memory,
        "--cpus", f"{cfg.cpus:g}", "--pids-limit", str(cfg.pids),
        "--read-only", "--tmpfs", "/tmp",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--user", f"{os.getuid()}:{os.getgid()}",
        "--volume", f"{in_dir}:/iexec_in:ro",
        "--volume", f"{out_dir}:/iexec_out:rw",
    ]  # fmt: skip
    if bundle is not None:
        args += ["--volume", f"{bundle}:/app/{bundle.name}:ro", "--workdir", "/iexec_out"]
    app_env = {**env, "IEXEC_IN": "/iexec_in", "IEXEC_OUT": "/iexec_out", "HOME": "/tmp"}
    for key in sorted(app_env):
        args += ["--env", f"{key}={app_env[key]}"]
    return args + [image_id, *cmd]


def run_container(image_id: str, cmd: list[str], job: Job, cfg: DockerConfig) -> RunResult:
    """Run one container to its end or its time limit; stdout+stderr go to the job's log."""
    in_dir, out_dir = job.in_dir.resolve(), job.out_dir.resolve()
    bundle = job.bundle.resolve() if job.bundle is not None else None
    # Unique per run: several workers of one host may compute replicates of the same task.
    name = f"iexec-{job.task_id.removeprefix('0x')[:12] or 'app'}-{secrets.token_hex(4)}"
    args = run_args(image_id, name, cmd, in_dir, out_dir, job.env, cfg, bundle)
    started = time.monotonic()
    timed_out = False
    try:
        with open(job.log_path, "wb") as logf:
            try:
                proc = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
            except FileNotFoundError as exc:
                raise EngineError("no `docker` command on PATH") from exc
            try:
                code = proc.wait(timeout=job.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _docker("kill", name, timeout=30)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                code = None
    finally:
        _docker("rm", "--force", name, timeout=30)
    if code == DOCKER_RUN_FAILED:
        tail = job.log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise EngineError(f"docker could not run the container ({DOCKER_RUN_FAILED}): {tail[0]}")
    return RunResult(code, timed_out, time.monotonic() - started, True, "docker")


class DockerRuntime(Runtime):
    """Image apps from their image; bundle apps as `python3 /app/<bundle>` in the configured bundle image."""

    name = "docker"

    def __init__(self, cfg: DockerConfig):
        self.cfg = cfg

    def fetch_image(self, image: str, checksum: str | None) -> str:
        return ensure_image(image, checksum, self.cfg)

    def run(self, job: Job) -> RunResult:
        if job.image is not None:
            return run_container(job.image, job.args, job, self.cfg)
        try:
            runtime_image = ensure_image(self.cfg.bundle_image, None, self.cfg)
        except ImageError as exc:  # the worker's runtime, not the app: no error result
            raise EngineError(f"bundle runtime image: {exc}") from exc
        return run_container(runtime_image, ["python3", "/app/" + job.bundle.name, *job.args], job, self.cfg)
