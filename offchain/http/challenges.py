"""Login challenges, one per request (not one per wallet): expiry, single use, bounded, purged.

A wallet proves itself by signing a random challenge the service issued. Keeping one challenge per wallet let anyone
block a worker's login by asking a new challenge for its wallet (overwriting the one it was signing). Here every
request gets its own row, and a login consumes whichever pending challenge of that wallet the signature matches.

Bounds keep a flood from growing the table: at most `per_wallet` pending challenges per wallet and `total` overall.
Past a bound the *oldest* pending ones are dropped rather than new ones refused: refusing would let a flood lock
a wallet (or everyone) out for a whole TTL, while dropping only hurts a client that is slower to sign than the
flood is to fill the bound. Concurrent issues may overshoot a bound by the number of concurrent requests.

The table lives in the caller's metadata and the functions take the caller's session, so any service's database
(SQLite or PostgreSQL) can hold it; `purge_expired` also serves other expiring rows (auth tokens).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from eth_account import Account
from eth_account.messages import encode_defunct
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, select
from sqlalchemy.orm import Session

TABLE = "auth_challenges"


def challenge_table(metadata: MetaData, name: str = TABLE) -> Table:
    """The challenges table, created on the caller's metadata (once)."""
    if name in metadata.tables:
        return metadata.tables[name]
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),  # issue order: the oldest go first
        Column("challenge", String(66), nullable=False, unique=True),
        Column("wallet", String(42), nullable=False, index=True),
        Column("expires_at", Float, nullable=False, index=True),
    )


def signed_by(challenge: str, signature: str, wallet: str) -> bool:
    """Whether `signature` is `wallet`'s EIP-191 signature of the challenge bytes (what workers sign today)."""
    try:
        signer = Account.recover_message(
            encode_defunct(primitive=bytes.fromhex(challenge[2:])), signature=signature
        )
    except Exception:  # malformed signature or challenge: simply not a match
        return False
    return signer.lower() == wallet.lower()


def purge_expired(
    session: Session, table: Table, now: float | None = None, column: str = "expires_at"
) -> int:
    """Delete rows whose `column` is in the past; returns how many went."""
    now = time.time() if now is None else now
    return session.execute(delete(table).where(table.c[column] < now)).rowcount or 0


class ChallengeStore:
    def __init__(self, table: Table, *, ttl: float = 300.0, per_wallet: int = 8, total: int = 10_000):
        if per_wallet < 1 or total < per_wallet:
            raise ValueError("need 1 <= per_wallet <= total")
        self.table, self.ttl, self.per_wallet, self.total = table, ttl, per_wallet, total

    def issue(self, session: Session, wallet: str, now: float | None = None) -> str:
        """A new random challenge for `wallet`, valid `ttl` seconds; drops expired and over-bound rows first."""
        now = time.time() if now is None else now
        t = self.table
        purge_expired(session, t, now)
        self._trim(session, wallet, self.per_wallet - 1)
        self._trim(session, None, self.total - 1)
        value = "0x" + secrets.token_bytes(32).hex()
        session.execute(t.insert().values(challenge=value, wallet=wallet, expires_at=now + self.ttl))
        return value

    def _trim(self, session: Session, wallet: str | None, keep: int) -> int:
        """Delete all but the `keep` newest rows (of `wallet`, or of everyone); returns how many went."""
        t = self.table
        scope = [t.c.wallet == wallet] if wallet is not None else []
        stmt = delete(t).where(*scope)
        if keep > 0:
            cutoff = session.scalar(
                select(t.c.id).where(*scope).order_by(t.c.id.desc()).offset(keep - 1).limit(1)
            )
            if cutoff is None:
                return 0  # fewer than `keep` rows
            stmt = stmt.where(t.c.id < cutoff)
        return session.execute(stmt).rowcount or 0

    def pending(self, session: Session, wallet: str, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        t = self.table
        rows = session.scalars(
            select(t.c.challenge).where(t.c.wallet == wallet, t.c.expires_at >= now).order_by(t.c.id.desc())
        )
        return list(rows)

    def consume(self, session: Session, wallet: str, challenge: str, now: float | None = None) -> bool:
        """Use `challenge` once: True if it was pending for `wallet` and unexpired (and is now gone)."""
        now = time.time() if now is None else now
        t = self.table
        gone = session.execute(
            delete(t).where(t.c.challenge == challenge, t.c.wallet == wallet, t.c.expires_at >= now)
        ).rowcount
        return gone == 1  # two concurrent logins with one signature: only one deletes the row

    def consume_signed(
        self,
        session: Session,
        wallet: str,
        signature: str,
        now: float | None = None,
        verify: Callable[[str, str, str], bool] = signed_by,
    ) -> bool:
        """Use the pending challenge of `wallet` that `signature` signs (clients need not say which one)."""
        for challenge in self.pending(session, wallet, now):
            if verify(challenge, signature, wallet):
                return self.consume(session, wallet, challenge, now)
        return False
