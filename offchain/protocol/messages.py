"""The JSON bodies the scheduler sends a worker, as pydantic models: the scheduler builds them, the worker parses them.

Field names are the wire names (camelCase, as iexec-core's API); `to_wire()` gives the exact JSON object sent.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .statuses import AbortCause, NextAction


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    def to_wire(self) -> dict:
        """The JSON object as sent: enums as their strings, absent optional fields left out."""
        return self.model_dump(mode="json", exclude_none=True)


class AppRef(_Message):
    address: str
    multiaddr: str
    checksum: str
    type: str | None = None  # DOCKER (the hub's app type), left out when unknown


class DatasetRef(_Message):
    address: str
    multiaddr: str
    checksum: str


class WorkOffer(_Message):
    """Reply of `GET /replicates/available` (204 when there is no work): one task and the pool's authorization."""

    taskId: str
    dealId: str
    taskIndex: int
    enclaveChallenge: str
    authorizationSign: str  # the scheduler's signature of (worker, taskId, enclaveChallenge)
    app: AppRef
    dataset: DatasetRef | None = None
    params: str = ""
    botFirst: int
    botSize: int
    timeref: int
    contributionDeadline: int
    finalDeadline: int
    callback: str

    def to_wire(self) -> dict:
        wire = super().to_wire()
        wire["dataset"] = self.dataset.to_wire() if self.dataset else None  # always present, null without one
        return wire


class ActionExtra(_Message):
    """What an action needs beyond its name; which fields are set depends on the action."""

    cause: AbortCause | None = None  # PLEASE_ABORT
    reason: str | None = None  # PLEASE_ABORT: the one-line why (e.g. the error recorded for the replicate)
    consensus: str | None = None  # PLEASE_REVEAL: the consensus hash
    consensusBlock: int | None = None  # PLEASE_REVEAL: block of the consensus
    resultStoreUrl: str | None = None  # PLEASE_UPLOAD: where to PUT the result
    location: str | None = None  # PLEASE_UPLOAD: its path there


class NextActionReply(_Message):
    """Reply of `POST /replicates/{taskId}/updateStatus` (200 accepted, 208 already reported): what to do now."""

    nextAction: NextAction
    extra: ActionExtra = ActionExtra()


class InterruptedNotice(NextActionReply):
    """One item of `GET /replicates/interrupted`: the next action of an unfinished replicate."""

    taskId: str
    # The offer again, for a replicate the worker may never have received (its /replicates/available reply lost):
    # the worker adopts it, or gives it back with ABORTED when this is absent.
    offer: WorkOffer | None = None
