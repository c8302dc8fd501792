"""The scheduler's database: tables (`models`), the engine with compare-and-set writes (`database`), the queries."""

from .database import DRIVERS, Store, StoreError, database_url
from .models import (
    CURSORS,
    AuthToken,
    Base,
    Challenge,
    Deal,
    Meta,
    Replicate,
    ReplicateHistory,
    Result,
    Task,
    TaskHistory,
    TxRecord,
    Worker,
)

__all__ = [
    "CURSORS",
    "DRIVERS",
    "AuthToken",
    "Base",
    "Challenge",
    "Deal",
    "Meta",
    "Replicate",
    "ReplicateHistory",
    "Result",
    "Store",
    "StoreError",
    "Task",
    "TaskHistory",
    "TxRecord",
    "Worker",
    "database_url",
]
