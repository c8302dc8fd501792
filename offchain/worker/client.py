"""HTTP client of the scheduler's worker API (login by signed challenge, bearer token, JSON everywhere)."""

from __future__ import annotations

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_bytes
from pydantic import ValidationError

from offchain.protocol.messages import InterruptedNotice, NextActionReply, WorkOffer
from offchain.protocol.statuses import ReplicateStatus


class SchedulerError(Exception):
    """The scheduler refused a call (4xx); `status` is the HTTP code, the message is its one-sentence reason."""

    def __init__(self, status: int, message: str):
        super().__init__(f"scheduler answered {status}: {message}")
        self.status = status
        self.message = message


class SchedulerUnavailable(Exception):
    """The scheduler cannot be reached or answered 5xx; try again later."""


class SchedulerClient:
    def __init__(self, base_url: str, account, http: httpx.Client | None = None, timeout: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.http = http or httpx.Client(base_url=self.base_url, timeout=timeout)
        self.token: str | None = None
        self.logins = (
            0  # a new login (also the automatic one after a 401) makes the worker reconcile its tasks
        )

    # -- plumbing -------------------------------------------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, auth: bool = True, retry_login: bool = True, **kw
    ) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if auth:
            if self.token is None:
                self.login()
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise SchedulerUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code == 401 and auth and retry_login:
            self.token = None  # expired, or the scheduler restarted: log in again once
            return self._request(method, path, auth=auth, retry_login=False, headers=headers, **kw)
        if resp.status_code >= 500:
            raise SchedulerUnavailable(f"{method} {path}: HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise SchedulerError(resp.status_code, _error_text(resp))
        return resp

    # -- session --------------------------------------------------------------------------------------------------
    def login(self) -> str:
        wallet = self.account.address
        resp = self._request("GET", "/workers/challenge", auth=False, params={"walletAddress": wallet})
        challenge = resp.json()["challenge"]
        signed = Account.sign_message(encode_defunct(primitive=to_bytes(hexstr=challenge)), self.account.key)
        resp = self._request(
            "POST",
            "/workers/login",
            auth=False,
            params={"walletAddress": wallet},
            json={"signature": "0x" + bytes(signed.signature).hex()},
        )
        self.token = resp.json()["token"]
        self.logins += 1
        return self.token

    def config(self) -> dict:
        return self._request("GET", "/workers/config").json()

    def register(self, name: str, cpu_count: int) -> None:
        self._request(
            "POST", "/workers/register", json={"name": name, "cpuCount": cpu_count, "teeEnabled": False}
        )

    def ping(self) -> str:
        return str(self._request("POST", "/workers/ping").json().get("sessionId"))

    # -- replicates -----------------------------------------------------------------------------------------------
    def available(self, block_number: int) -> WorkOffer | None:
        resp = self._request("GET", "/replicates/available", params={"blockNumber": block_number})
        return None if resp.status_code == 204 or not resp.content else _parse(WorkOffer, resp)

    def interrupted(self) -> list[InterruptedNotice]:
        resp = self._request("GET", "/replicates/interrupted")
        return [_parse(InterruptedNotice, resp, item) for item in resp.json()]

    def update_status(
        self, task_id: str, status: ReplicateStatus, details: dict | None = None
    ) -> NextActionReply:
        """Report a status; the reply says what to do now (also for a 208: already reported)."""
        resp = self._request(
            "POST", f"/replicates/{task_id}/updateStatus", json={"status": status, "details": details or {}}
        )
        return _parse(NextActionReply, resp)

    # -- result store ---------------------------------------------------------------------------------------------
    def upload_result(self, task_id: str, data: bytes, digest_hex: str) -> dict:
        resp = self._request(
            "PUT",
            f"/results/{task_id}",
            content=data,
            headers={"X-Result-Digest": digest_hex, "Content-Type": "application/zip"},
        )
        return resp.json()


def _parse(model, resp: httpx.Response, body=None):
    """The reply as its pydantic model; a malformed one is the scheduler's fault (retry later, like a 5xx)."""
    try:
        return model.model_validate(resp.json() if body is None else body)
    except (ValueError, ValidationError) as exc:
        raise SchedulerUnavailable(f"{resp.request.url.path}: malformed {model.__name__}: {exc}") from exc


def _error_text(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200] or resp.reason_phrase
    if isinstance(body, dict):
        return str(body.get("error") or body.get("detail") or body)
    return str(body)
