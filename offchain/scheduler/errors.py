"""A request the scheduler refuses: its HTTP status and a one-sentence reason (sent as `{"error": reason}`)."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def clean_text(value: str, where: str) -> str:
    """Worker-supplied text to store: PostgreSQL text cannot hold NUL characters, so neither back end takes them."""
    if "\x00" in value:
        raise Refused(400, f"{where} must not contain NUL characters")
    return value
