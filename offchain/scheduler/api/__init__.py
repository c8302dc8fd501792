"""The scheduler's HTTP API (FastAPI): worker login, registration, pings, work pull, status reports with the next
action as reply, read-only task views, metrics, and the result store. Every error is a 4xx/5xx JSON
`{"error": "<one sentence>"}`; a refused request changes nothing.
"""

from __future__ import annotations

from fastapi import FastAPI

from offchain.scheduler.loop import Scheduler

from . import errors, replicates, results, tasks, workers


def create_app(sched: Scheduler) -> FastAPI:
    app = FastAPI(title="PoCo workerpool scheduler", version="1.0")
    app.state.scheduler = sched
    errors.install(app)
    for module in (workers, replicates, results, tasks):
        app.include_router(module.router)
    return app
