"""The worker's choice of runtime at start (`--runtime auto|docker|bwrap`): Docker when an engine answers."""

from __future__ import annotations

from .base import Runtime
from .bwrap import BwrapRuntime
from .docker import DockerConfig, DockerRuntime, EngineError, engine_version

CHOICES = ("auto", "docker", "bwrap")


def select_runtime(choice: str) -> tuple[str, str]:
    """The worker's app runtime, ("docker" | "bwrap", why): Docker when an engine answers, bubblewrap otherwise;
    `choice` ("auto", "docker", "bwrap") is the worker's --runtime. Raises EngineError for "docker" without engine."""
    if choice not in CHOICES:
        raise ValueError(f"runtime {choice!r} is not one of {', '.join(CHOICES)}")
    if choice == "bwrap":
        return "bwrap", "--runtime bwrap"
    version, why = engine_version()
    if version:
        return "docker", f"Docker engine {version} answers"
    if choice == "docker":
        raise EngineError(f"--runtime docker but no Docker engine answers: {why}")
    return "bwrap", f"no Docker engine answers ({why})"


def make_runtime(choice: str, docker: DockerConfig, allow_unsandboxed: bool = True) -> tuple[Runtime, str]:
    """The runtime object for `choice`, and why it was picked."""
    name, why = select_runtime(choice)
    if name == "docker":
        return DockerRuntime(docker), why
    return BwrapRuntime(allow_unsandboxed), why
