"""Why the worker takes no new work right now: one warning when a reason appears, one line when it clears.

Each reason has a name (node, head, disk, gas, stake, compute, scheduler, error); setting it again with another text only logs at
DEBUG, so a condition that lasts for hours costs two log lines, not one per poll.
"""

from __future__ import annotations

import logging

log = logging.getLogger("offchain.worker")


class Pauses:
    def __init__(self):
        self.reasons: dict[str, str] = {}

    def set(self, name: str, reason: str) -> None:
        if name not in self.reasons:
            log.warning("not taking work: %s", reason)
        elif self.reasons[name] != reason:
            log.debug("still not taking work: %s", reason)
        self.reasons[name] = reason

    def clear(self, name: str, resumed: str) -> None:
        if self.reasons.pop(name, None) is not None:
            log.info("%s%s", resumed, "" if self.reasons else ": taking work again")

    def __contains__(self, name: str) -> bool:
        return name in self.reasons

    def __bool__(self) -> bool:
        return bool(self.reasons)
