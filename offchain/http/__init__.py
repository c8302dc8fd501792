"""Shared HTTP hardening for the off-chain services (FastAPI): body limits, one error shape, OpenAPI 4xx docs,
streamed uploads and per-request login challenges."""
