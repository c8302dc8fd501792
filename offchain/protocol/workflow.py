"""Task and replicate state machines and the scheduler -> worker next-action table, as plain data.

Shared by the scheduler (which enforces them on every compare-and-set write) and the worker (which follows the
actions). Statuses keep iexec-core's vocabulary (docs/OFFCHAIN.md §1.8-1.9, §1.14); we implement the reduced active path
of §8.3.
"""

from __future__ import annotations

from offchain.protocol.statuses import AbortCause, NextAction, ReplicateStatus, TaskStatus

# --- Task (scheduler view of one task) -------------------------------------------------------------------------
# Every member of statuses.TaskStatus, in its order (tests/offchain/test_scheduler_workflow.py checks the names).
(
    RECEIVED,
    INITIALIZING,
    INITIALIZED,
    INITIALIZE_FAILED,
    RUNNING,
    CONTRIBUTION_TIMEOUT,
    CONSENSUS_REACHED,
    REOPENING,
    REOPENED,
    REOPEN_FAILED,
    AT_LEAST_ONE_REVEALED,
    RESULT_UPLOADING,
    RESULT_UPLOADED,
    RESULT_UPLOAD_TIMEOUT,
    FINALIZING,
    FINALIZED,
    FINALIZE_FAILED,
    FINAL_DEADLINE_REACHED,
    COMPLETED,
    FAILED,
) = TaskStatus

TASK_FINAL = frozenset({COMPLETED, FAILED})
# Error statuses are always followed at once by FAILED (both go to the history).
TASK_ERRORS = frozenset(
    {
        INITIALIZE_FAILED,
        CONTRIBUTION_TIMEOUT,
        REOPEN_FAILED,
        RESULT_UPLOAD_TIMEOUT,
        FINALIZE_FAILED,
        FINAL_DEADLINE_REACHED,
    }
)
# Statuses in which the task accepts new workers.
TASK_ASSIGNABLE = (
    RUNNING,
    INITIALIZED,
)  # order = preference (finish what is started first)

TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({INITIALIZING, INITIALIZE_FAILED, FINAL_DEADLINE_REACHED}),
    INITIALIZING: frozenset({INITIALIZED, INITIALIZE_FAILED, FINAL_DEADLINE_REACHED}),
    INITIALIZED: frozenset(
        {
            RUNNING,
            CONSENSUS_REACHED,
            CONTRIBUTION_TIMEOUT,
            FINALIZED,
            FINAL_DEADLINE_REACHED,
            FAILED,
        }
    ),
    RUNNING: frozenset(
        {
            CONSENSUS_REACHED,
            CONTRIBUTION_TIMEOUT,
            FINALIZED,
            FINAL_DEADLINE_REACHED,
            FAILED,
        }
    ),
    CONSENSUS_REACHED: frozenset(
        {AT_LEAST_ONE_REVEALED, REOPENING, FINALIZED, FINAL_DEADLINE_REACHED, FAILED}
    ),
    REOPENING: frozenset({REOPENED, REOPEN_FAILED, FINAL_DEADLINE_REACHED}),
    REOPENED: frozenset({INITIALIZED, FINAL_DEADLINE_REACHED}),
    AT_LEAST_ONE_REVEALED: frozenset({RESULT_UPLOADING, FINALIZED, FINAL_DEADLINE_REACHED, FAILED}),
    RESULT_UPLOADING: frozenset(
        {
            RESULT_UPLOADED,
            RESULT_UPLOAD_TIMEOUT,
            FINALIZED,
            FINAL_DEADLINE_REACHED,
            FAILED,
        }
    ),
    RESULT_UPLOADED: frozenset({FINALIZING, FINALIZE_FAILED, FINALIZED, FINAL_DEADLINE_REACHED, FAILED}),
    FINALIZING: frozenset({FINALIZED, FINALIZE_FAILED, FINAL_DEADLINE_REACHED, FAILED}),
    FINALIZED: frozenset({COMPLETED}),
    COMPLETED: frozenset(),
    FAILED: frozenset(),
    **{err: frozenset({FAILED}) for err in TASK_ERRORS},
}
TASK_STATUSES = frozenset(TASK_TRANSITIONS)

# --- Replicate (one worker on one task) --------------------------------------------------------------------------
# Every member of statuses.ReplicateStatus, in its order (tests/offchain/test_scheduler_workflow.py checks the names).
(
    CREATED,
    STARTED,
    COMPUTED,
    CONTRIBUTED,
    REVEALED,
    RESULT_UPLOAD_REQUESTED,
    R_RESULT_UPLOADED,
    RESULT_UPLOAD_FAILED,
    COMPUTE_FAILED,
    CONTRIBUTE_FAILED,
    REVEAL_FAILED,
    ABORTED,
    WORKER_LOST,
    R_COMPLETED,
    R_FAILED,
) = ReplicateStatus

# What a worker may report through POST /replicates/{taskId}/updateStatus.
WORKER_REPORTS = frozenset(
    {
        STARTED,
        COMPUTED,
        CONTRIBUTED,
        REVEALED,
        R_RESULT_UPLOADED,
        COMPUTE_FAILED,
        CONTRIBUTE_FAILED,
        REVEAL_FAILED,
        ABORTED,
    }
)
REPLICATE_FINAL = frozenset({R_COMPLETED, R_FAILED, ABORTED})
# Progress order of the happy path; a report may skip forward (e.g. STARTED is optional).
REPLICATE_PROGRESS = (
    CREATED,
    STARTED,
    COMPUTED,
    CONTRIBUTED,
    REVEALED,
    RESULT_UPLOAD_REQUESTED,
    R_RESULT_UPLOADED,
)
_FAILS = frozenset({COMPUTE_FAILED, CONTRIBUTE_FAILED, REVEAL_FAILED, RESULT_UPLOAD_FAILED})
_ANYTIME = frozenset({ABORTED, WORKER_LOST, R_FAILED})

REPLICATE_TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({STARTED, COMPUTED, COMPUTE_FAILED, CONTRIBUTED}) | _ANYTIME,
    STARTED: frozenset({COMPUTED, COMPUTE_FAILED, CONTRIBUTED}) | _ANYTIME,
    COMPUTED: frozenset({CONTRIBUTED, CONTRIBUTE_FAILED}) | _ANYTIME,
    CONTRIBUTED: frozenset({REVEALED, REVEAL_FAILED, R_COMPLETED}) | _ANYTIME,
    REVEALED: frozenset({RESULT_UPLOAD_REQUESTED, R_COMPLETED}) | _ANYTIME,
    RESULT_UPLOAD_REQUESTED: frozenset({R_RESULT_UPLOADED, RESULT_UPLOAD_FAILED, R_COMPLETED}) | _ANYTIME,
    R_RESULT_UPLOADED: frozenset({R_COMPLETED}) | _ANYTIME,
    RESULT_UPLOAD_FAILED: frozenset({R_COMPLETED, R_FAILED}),
    COMPUTE_FAILED: frozenset({R_FAILED}),
    CONTRIBUTE_FAILED: frozenset({R_FAILED}),
    REVEAL_FAILED: frozenset({R_FAILED}),
    # A lost worker that comes back may report whatever it reached meanwhile.
    WORKER_LOST: frozenset(
        {STARTED, COMPUTED, CONTRIBUTED, REVEALED, R_RESULT_UPLOADED, R_COMPLETED}
        | _FAILS
        | {ABORTED, R_FAILED}
    ),
    ABORTED: frozenset(),
    R_COMPLETED: frozenset(),
    R_FAILED: frozenset(),
}
REPLICATE_STATUSES = frozenset(REPLICATE_TRANSITIONS)
# Replicates that still count as "someone is working on it" for the predictor.
REPLICATE_PENDING = frozenset({CREATED, STARTED, COMPUTED})
# Replicates whose slot is busy on the worker side (the worker's capacity).
REPLICATE_BUSY = frozenset({CREATED, STARTED, COMPUTED, CONTRIBUTED, REVEALED, RESULT_UPLOAD_REQUESTED})

# --- Next actions (scheduler -> worker) ----------------------------------------------------------------------------
# Every member of statuses.NextAction, in its order (tests/offchain/test_scheduler_workflow.py checks the names).
(
    PLEASE_CONTINUE,
    PLEASE_CONTRIBUTE,
    PLEASE_WAIT,
    PLEASE_REVEAL,
    PLEASE_UPLOAD,
    PLEASE_COMPLETE,
    PLEASE_ABORT,
) = NextAction
NEXT_ACTIONS = frozenset(
    {
        PLEASE_CONTINUE,
        PLEASE_CONTRIBUTE,
        PLEASE_WAIT,
        PLEASE_REVEAL,
        PLEASE_UPLOAD,
        PLEASE_COMPLETE,
        PLEASE_ABORT,
    }
)

# Default reply to an accepted report, before task-level overrides (consensus, election, end of task).
NEXT_ACTION_AFTER_REPORT: dict[str, str] = {
    STARTED: PLEASE_CONTINUE,
    COMPUTED: PLEASE_CONTRIBUTE,
    CONTRIBUTED: PLEASE_WAIT,
    REVEALED: PLEASE_WAIT,
    R_RESULT_UPLOADED: PLEASE_WAIT,
    COMPUTE_FAILED: PLEASE_ABORT,
    CONTRIBUTE_FAILED: PLEASE_ABORT,
    REVEAL_FAILED: PLEASE_ABORT,
    ABORTED: PLEASE_COMPLETE,
}

# Abort causes sent in `extra.cause`.
# Every member of statuses.AbortCause, in its order (tests/offchain/test_scheduler_workflow.py checks the names).
(
    CAUSE_CONSENSUS_REACHED,
    CAUSE_CONTRIBUTION_TIMEOUT,
    CAUSE_TASK_FAILED,
    CAUSE_NOT_IN_CONSENSUS,
    CAUSE_REPLICATE_FAILED,
    CAUSE_REVEAL_TIMEOUT,
) = AbortCause


def task_can_move(current: str, new: str) -> bool:
    return new in TASK_TRANSITIONS.get(current, frozenset())


def replicate_can_move(current: str, new: str) -> bool:
    return new in REPLICATE_TRANSITIONS.get(current, frozenset())


def replicate_rank(status: str) -> int:
    """Position on the happy path (-1 off it): lets the scheduler tell "already past that" from "not allowed"."""
    return REPLICATE_PROGRESS.index(status) if status in REPLICATE_PROGRESS else -1


def next_action(
    task_status: str,
    replicate: dict,
    *,
    consensus: str | None = None,
    uploader: str | None = None,
    contribution_open: bool = True,
    reveal_open: bool = True,
) -> tuple[str, dict]:
    """The action a worker should take now for its replicate, from the task's and the replicate's state.

    `replicate` holds `worker`, `status` and `result_hash` (hex or None). Used both as the reply to a report and for
    duplicate reports / `/replicates/interrupted`, so a worker that polls always learns what to do next.
    """
    status = replicate["status"]
    if task_status == COMPLETED:
        return PLEASE_COMPLETE, {}
    if task_status in TASK_ERRORS or task_status == FAILED:
        return PLEASE_ABORT, {"cause": CAUSE_TASK_FAILED}
    if status in (
        COMPUTE_FAILED,
        CONTRIBUTE_FAILED,
        REVEAL_FAILED,
        R_FAILED,
        RESULT_UPLOAD_FAILED,
    ):
        return PLEASE_ABORT, {"cause": CAUSE_REPLICATE_FAILED}
    if status in (ABORTED, R_COMPLETED):
        return PLEASE_COMPLETE, {}
    consensus_known = consensus is not None and task_status not in (
        INITIALIZED,
        RUNNING,
        REOPENED,
    )
    if status in (CREATED, STARTED, WORKER_LOST) and not replicate.get("result_hash"):
        if consensus_known:
            return PLEASE_ABORT, {"cause": CAUSE_CONSENSUS_REACHED}
        if not contribution_open:
            return PLEASE_ABORT, {"cause": CAUSE_CONTRIBUTION_TIMEOUT}
        return PLEASE_CONTINUE, {}
    if status == COMPUTED:
        if consensus_known:
            return PLEASE_ABORT, {"cause": CAUSE_CONSENSUS_REACHED}
        if not contribution_open:
            return PLEASE_ABORT, {"cause": CAUSE_CONTRIBUTION_TIMEOUT}
        return PLEASE_CONTRIBUTE, {}
    if status in (CONTRIBUTED, WORKER_LOST):
        if not consensus_known:
            return PLEASE_WAIT, {}
        if (replicate.get("result_hash") or "").lower() == consensus.lower():
            # A winner reveals until the reveal deadline, even once another winner has uploaded the result: a slow
            # winner that was told to wait before consensus must still reveal, or finalize waits for the deadline
            # and the winner loses its reward.
            if task_status in (CONSENSUS_REACHED, AT_LEAST_ONE_REVEALED, RESULT_UPLOADING, RESULT_UPLOADED):
                if not reveal_open:
                    return PLEASE_ABORT, {"cause": CAUSE_REVEAL_TIMEOUT}
                return PLEASE_REVEAL, {}
            return PLEASE_WAIT, {}
        return PLEASE_ABORT, {"cause": CAUSE_NOT_IN_CONSENSUS}
    if status in (REVEALED, RESULT_UPLOAD_REQUESTED):
        if uploader and uploader.lower() == replicate["worker"].lower() and task_status == RESULT_UPLOADING:
            return PLEASE_UPLOAD, {}
        return PLEASE_WAIT, {}
    return PLEASE_WAIT, {}
