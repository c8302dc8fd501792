"""HTTP client of the scheduler's worker API (login by signed challenge, bearer token, JSON everywhere)."""

from __future__ import annotations

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_bytes


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
    def available(self, block_number: int) -> dict | None:
        resp = self._request("GET", "/replicates/available", params={"blockNumber": block_number})
        return None if resp.status_code == 204 or not resp.content else resp.json()

    def interrupted(self) -> list[dict]:
        return self._request("GET", "/replicates/interrupted").json()

    def update_status(self, task_id: str, status: str, details: dict | None = None) -> tuple[int, str, dict]:
        """Report a status; returns (HTTP code, next action, extra). 208 = already reported (current action)."""
        resp = self._request(
            "POST", f"/replicates/{task_id}/updateStatus", json={"status": status, "details": details or {}}
        )
        body = resp.json()
        return resp.status_code, body["nextAction"], body.get("extra") or {}

    # -- result store ---------------------------------------------------------------------------------------------
    def upload_result(self, task_id: str, data: bytes, digest_hex: str) -> dict:
        resp = self._request(
            "PUT",
            f"/results/{task_id}",
            content=data,
            headers={"X-Result-Digest": digest_hex, "Content-Type": "application/zip"},
        )
        return resp.json()


def _error_text(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200] or resp.reason_phrase
    if isinstance(body, dict):
        return str(body.get("error") or body.get("detail") or body)
    return str(body)
