"""Where apps run: one file per runtime behind the `Runtime` interface of base.py."""

from .base import ImageError, Job, RunResult, Runtime
from .bwrap import BwrapRuntime
from .docker import DockerConfig, DockerRuntime, EngineError
from .select import make_runtime, select_runtime
from .unsandboxed import UnsandboxedRuntime

__all__ = [
    "BwrapRuntime",
    "DockerConfig",
    "DockerRuntime",
    "EngineError",
    "ImageError",
    "Job",
    "RunResult",
    "Runtime",
    "UnsandboxedRuntime",
    "make_runtime",
    "select_runtime",
]
