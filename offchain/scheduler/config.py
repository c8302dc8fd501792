"""The scheduler's settings (from the command line, see `__main__.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Config:
    workerpool: str
    private_key: str
    results_dir: Path
    public_url: str = "http://127.0.0.1:13000"
    start_block: int = 0
    confirmations: int = 0
    poll_interval: float = 1.0
    ask_period: float = 1.0
    worker_lost_after: float = 30.0  # seconds without ping
    upload_timeout: float = 120.0  # elected uploader silent for that long -> elect another
    init_batch: int = 16
    assign_margin: int = 5  # do not hand out a task whose contribution deadline is closer than this (s)
    extra: dict = field(default_factory=dict)
