"""The three vocabularies the scheduler and the worker exchange, as string enums.

Each member's value is the exact string on the wire and in the scheduler's database, so a member compares equal to
(and serializes as) the plain string: `TaskStatus.COMPLETED == "COMPLETED"`. The transition tables that use them are
in `workflow.py`.
"""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """The scheduler's view of one task (iexec-core's names; shown by `GET /tasks`)."""

    RECEIVED = "RECEIVED"
    INITIALIZING = "INITIALIZING"
    INITIALIZED = "INITIALIZED"
    INITIALIZE_FAILED = "INITIALIZE_FAILED"
    RUNNING = "RUNNING"
    CONTRIBUTION_TIMEOUT = "CONTRIBUTION_TIMEOUT"
    CONSENSUS_REACHED = "CONSENSUS_REACHED"
    REOPENING = "REOPENING"
    REOPENED = "REOPENED"
    REOPEN_FAILED = "REOPEN_FAILED"
    AT_LEAST_ONE_REVEALED = "AT_LEAST_ONE_REVEALED"
    RESULT_UPLOADING = "RESULT_UPLOADING"
    RESULT_UPLOADED = "RESULT_UPLOADED"
    RESULT_UPLOAD_TIMEOUT = "RESULT_UPLOAD_TIMEOUT"
    FINALIZING = "FINALIZING"
    FINALIZED = "FINALIZED"
    FINALIZE_FAILED = "FINALIZE_FAILED"
    FINAL_DEADLINE_REACHED = "FINAL_DEADLINE_REACHED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ReplicateStatus(StrEnum):
    """One worker on one task; the worker reports some of them (`POST /replicates/{taskId}/updateStatus`)."""

    CREATED = "CREATED"
    STARTED = "STARTED"
    COMPUTED = "COMPUTED"
    CONTRIBUTED = "CONTRIBUTED"
    REVEALED = "REVEALED"
    RESULT_UPLOAD_REQUESTED = "RESULT_UPLOAD_REQUESTED"
    RESULT_UPLOADED = "RESULT_UPLOADED"
    RESULT_UPLOAD_FAILED = "RESULT_UPLOAD_FAILED"
    COMPUTE_FAILED = "COMPUTE_FAILED"
    CONTRIBUTE_FAILED = "CONTRIBUTE_FAILED"
    REVEAL_FAILED = "REVEAL_FAILED"
    ABORTED = "ABORTED"
    WORKER_LOST = "WORKER_LOST"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class NextAction(StrEnum):
    """What the scheduler tells a worker to do next (reply to a status report, `/replicates/interrupted`)."""

    PLEASE_CONTINUE = "PLEASE_CONTINUE"
    PLEASE_CONTRIBUTE = "PLEASE_CONTRIBUTE"
    PLEASE_WAIT = "PLEASE_WAIT"
    PLEASE_REVEAL = "PLEASE_REVEAL"
    PLEASE_UPLOAD = "PLEASE_UPLOAD"
    PLEASE_COMPLETE = "PLEASE_COMPLETE"
    PLEASE_ABORT = "PLEASE_ABORT"


class AbortCause(StrEnum):
    """Why the scheduler sent PLEASE_ABORT (`extra.cause`)."""

    CONSENSUS_REACHED = "CONSENSUS_REACHED"
    CONTRIBUTION_TIMEOUT = "CONTRIBUTION_TIMEOUT"
    TASK_FAILED = "TASK_FAILED"
    NOT_IN_CONSENSUS = "NOT_IN_CONSENSUS"
    REPLICATE_FAILED = "REPLICATE_FAILED"
    REVEAL_TIMEOUT = "REVEAL_TIMEOUT"


class Modifier(StrEnum):
    """Who moved a replicate (its history's `by`)."""

    WORKER = "WORKER"
    POOL_MANAGER = "POOL_MANAGER"
