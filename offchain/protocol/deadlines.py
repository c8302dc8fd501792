"""Task deadlines (SPECIFICATION §4.2, §4.4, §5). A window is open while ``deadline > now``; over once ``deadline <= now``."""

from __future__ import annotations

from .constants import CONTRIBUTION_DEADLINE_RATIO, FINAL_DEADLINE_RATIO, REVEAL_DEADLINE_RATIO


def contribution_deadline(start_time: int, timeref: int) -> int:
    """Contributions are accepted while now < startTime + 7 * ref (relative to the match, not to initialize)."""
    return start_time + CONTRIBUTION_DEADLINE_RATIO * timeref


def final_deadline(start_time: int, timeref: int) -> int:
    """finalize/reopen need now < startTime + 10 * ref; claim needs now >= it."""
    return start_time + FINAL_DEADLINE_RATIO * timeref


def reveal_deadline(consensus_time: int, timeref: int) -> int:
    """Winners reveal while now < time of consensus + 2 * ref."""
    return consensus_time + REVEAL_DEADLINE_RATIO * timeref


def is_open(deadline: int, now: int) -> bool:
    """The one comparison every deadline uses: strictly before the deadline."""
    return deadline > now
