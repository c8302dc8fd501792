"""Body limits under a real uvicorn (TestClient buffers request bodies, a server does not): a chunked 100 MB body
and a 1 GB Content-Length are answered 413 early, and the server's peak memory stays far below the body size."""

import socket
import subprocess
import sys
import textwrap
import time

import pytest

LIMIT = 1024 * 1024
BODY = 100 * 1024 * 1024
CHUNK = 64 * 1024

SERVER = textwrap.dedent(
    """
    import sys, uvicorn
    from fastapi import FastAPI, Request
    from offchain.http.service import harden

    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request):
        return {"size": len(await request.body())}  # buffers: only the limit keeps this bounded

    harden(app, body_limit=int(sys.argv[2]))
    uvicorn.run(app, fd=int(sys.argv[1]), log_level="warning")
    """
)


def peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


@pytest.fixture
def server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(listener.fileno()), str(LIMIT)], pass_fds=[listener.fileno()]
    )
    port = listener.getsockname()[1]
    listener.close()
    deadline = time.monotonic() + 60
    while True:  # ready once it answers
        try:
            if b" 200 " in request(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"):
                break
        except OSError:
            pass
        assert proc.poll() is None, "the test server died at start-up"
        assert time.monotonic() < deadline, "the test server did not start within 60 s"
        time.sleep(0.1)
    yield port, proc
    proc.terminate()
    proc.wait(timeout=30)


def request(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(raw)
        return read_reply(s)


def read_reply(s: socket.socket, start: bytes = b"") -> bytes:
    """One whole HTTP reply (head and Content-Length body)."""
    s.settimeout(30)
    data = start
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < content_length(data):
        more = s.recv(65536)
        if not more:
            break
        data += more
    return data


def content_length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_chunked_100mb_body_is_cut_early_and_memory_stays_low(server):
    port, proc = server
    baseline = peak_rss_kib(proc.pid)
    sent, reply = 0, b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % CHUNK + b"a" * CHUNK + b"\r\n"
        s.setblocking(False)
        while sent < BODY:
            try:
                reply = s.recv(65536)
                break  # the server answered before the body ended
            except BlockingIOError:
                pass
            try:
                s.settimeout(5)
                s.sendall(chunk)
                s.setblocking(False)
                sent += CHUNK
            except (BrokenPipeError, ConnectionResetError):
                break
        reply = read_reply(s, reply)
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert b'{"error":"request body larger than 1048576 bytes"}' in reply
    assert sent < BODY // 4, f"the client could push {sent} bytes before the 413"
    growth_mib = (peak_rss_kib(proc.pid) - baseline) / 1024
    assert growth_mib < 20, f"server peak memory grew by {growth_mib:.0f} MiB"


def test_announced_1gb_body_is_refused_without_reading_it(server):
    port, proc = server
    reply = request(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert b"request body of 1073741824 bytes is larger than the 1048576 bytes allowed here" in reply
    assert proc.poll() is None
