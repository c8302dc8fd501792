"""offchain/http on a small FastAPI app through TestClient: the error shape, 405 with Allow, 503 on a node outage,
body limits (announced and streamed), the streamed-upload helper and the documented 4xx replies."""

import hashlib

import pytest
import requests
from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from offchain.chain.errors import NodeUnavailable
from offchain.http.errors import ApiError
from offchain.http.openapi import error_responses
from offchain.http.service import harden
from offchain.http.uploads import stream_to_file

LIMIT = 1024
UPLOAD_LIMIT = 64 * 1024


class Body(BaseModel):
    name: str = Field(max_length=16)


@pytest.fixture
def served(tmp_path):
    app = FastAPI()
    calls = []

    def auth(authorization: str | None = Header(default=None)) -> str:
        if authorization != "Bearer ok":
            raise ApiError(401, "missing bearer token")
        return "me"

    items = APIRouter()  # services declare routes on routers: 405 and the OpenAPI must see through them

    @items.get("/items/{item}")
    def get_item(item: int):
        if item == 404:
            raise ApiError(404, f"unknown item {item}")
        return {"item": item}

    @items.delete("/items/{item}", responses=error_responses(403))
    def delete_item(item: int, who: str = Depends(auth)):
        raise ApiError(403, f"{who} may not delete")

    app.include_router(items)

    @app.post("/echo")
    def echo(body: Body):
        calls.append("echo")
        return {"name": body.name}

    @app.post("/raw")
    async def raw(request: Request):
        calls.append("raw")
        return {"size": len(await request.body())}

    @app.put("/uploads/{name}")
    async def upload(name: str, request: Request):
        calls.append("upload")
        up = await stream_to_file(request, tmp_path, max_bytes=UPLOAD_LIMIT - 100)
        up.path.replace(tmp_path / name)
        return {"size": up.size, "sha256": up.sha256}

    @app.get("/node")
    def node(kind: str):
        if kind == "unavailable":
            raise NodeUnavailable("eth_blockNumber: connection refused after 5 attempts", retry_after=7.2)
        if kind == "raw":
            raise requests.ConnectionError("refused")
        raise RuntimeError("boom\nsecond line")

    harden(app, body_limit=LIMIT, route_limits={"PUT /uploads/{name}": UPLOAD_LIMIT})
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, calls, tmp_path


def test_errors_share_one_json_shape(served):
    client, _, _ = served
    r = client.get("/items/404")
    assert (r.status_code, r.json()) == (404, {"error": "unknown item 404"})
    r = client.get("/items/abc")
    assert r.status_code == 400 and r.json()["error"].startswith("invalid request: path.item: ")
    r = client.post("/echo", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.json() == {"error": "invalid request: body is not valid JSON"}
    r = client.get("/nowhere")
    assert (r.status_code, r.json()) == (404, {"error": "no such path: /nowhere"})
    r = client.get("/node", params={"kind": "bug"})
    assert (r.status_code, r.json()) == (500, {"error": "internal error (RuntimeError)"})


def test_405_lists_every_method_of_the_path(served):
    client, _, _ = served
    r = client.post("/items/3")
    assert r.status_code == 405
    # Starlette alone would name only the first matching route's methods (GET), not DELETE
    assert r.headers["allow"] == "DELETE, GET"
    assert r.json() == {"error": "method POST not allowed on /items/3: use DELETE, GET"}


def test_node_outage_is_503_with_retry_after(served):
    client, _, _ = served
    r = client.get("/node", params={"kind": "unavailable"})
    assert r.status_code == 503 and r.headers["retry-after"] == "8"
    assert r.json()["error"].startswith("chain node unavailable, try again later: eth_blockNumber")
    r = client.get("/node", params={"kind": "raw"})
    assert r.status_code == 503 and r.headers["retry-after"] == "5"


def test_announced_oversize_body_is_refused_before_the_handler_runs(served):
    client, calls, _ = served
    r = client.post("/raw", content=b"x" * (LIMIT + 1))
    assert r.status_code == 413
    assert r.json() == {
        "error": f"request body of {LIMIT + 1} bytes is larger than the {LIMIT} bytes allowed here"
    }
    assert calls == []
    r = client.post("/raw", content=b"x", headers={"Content-Length": "1e9"})
    assert r.status_code == 400 and "Content-Length" in r.json()["error"]
    assert client.post("/raw", content=b"x" * LIMIT).json() == {"size": LIMIT}


def test_streamed_oversize_body_is_cut_at_the_limit(served):
    client, calls, _ = served
    sent = []

    def chunks():  # no Content-Length: the counting on the stream has to catch it
        for _ in range(64):
            sent.append(256)
            yield b"y" * 256

    r = client.post("/raw", content=chunks())
    assert r.status_code == 413 and r.json() == {"error": f"request body larger than {LIMIT} bytes"}
    assert calls == ["raw"]
    r = client.post("/echo", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413  # FastAPI's own body parsing gets the same reply


def test_upload_route_has_its_own_limit_and_streams_to_a_file(served):
    client, _, folder = served
    data = bytes(range(256)) * 200  # 51,200 bytes: above the default limit, below the upload one
    r = client.put("/uploads/a.bin", content=iter([data[:20000], data[20000:]]))
    assert r.status_code == 200, r.text
    assert r.json() == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert (folder / "a.bin").read_bytes() == data
    r = client.put("/uploads/b.bin", content=iter([b"z" * 40000, b"z" * 40000]))
    assert r.status_code == 413  # the middleware's limit
    r = client.put("/uploads/c.bin", content=iter([b"z" * (UPLOAD_LIMIT - 50)]))
    assert r.status_code == 413 and r.json() == {"error": f"upload larger than {UPLOAD_LIMIT - 100} bytes"}
    r = client.put("/uploads/d.bin", content=b"")
    assert (r.status_code, r.json()) == (400, {"error": "empty body"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.bin"]  # no temporary file left behind


def test_openapi_documents_the_error_replies(served):
    client, _, _ = served
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert spec["components"]["schemas"]["ErrorReply"]["required"] == ["error"]

    def codes(path, method):
        return sorted(paths[path][method]["responses"])

    assert codes("/items/{item}", "get") == ["200", "400", "404", "503"]
    assert codes("/items/{item}", "delete") == ["200", "400", "401", "403", "404", "503"]
    assert codes("/echo", "post") == ["200", "400", "413", "503"]
    assert "422" not in str(paths) and "HTTPValidationError" not in str(spec)
    assert paths["/uploads/{name}"]["put"]["responses"]["413"]["description"].endswith(
        f"{UPLOAD_LIMIT} bytes"
    )
    assert "Retry-After" in paths["/node"]["get"]["responses"]["503"]["headers"]
    ref = paths["/echo"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ErrorReply"
