"""offchain/chain/retry against a scripted JSON-RPC server on loopback: refused, reset, 5xx and stalled
requests are retried with bounded backoff, then end as one NodeUnavailable; node answers are never retried."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from web3 import Web3
from web3.exceptions import Web3RPCError

from offchain.chain.client import ConfigError, connect
from offchain.chain.errors import NodeUnavailable
from offchain.chain.retry import RetryingHTTPProvider, RetryPolicy

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, deadline=5)


class Node:
    """Answers eth_blockNumber with 0x2a, after playing `script` (one failure mode per request)."""

    def __init__(self):
        self.script: list[str] = []
        self.hits = 0
        self.release = threading.Event()  # stalled requests wait for this (set at teardown)
        node = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                node.hits += 1
                mode = node.script.pop(0) if node.script else "ok"
                if mode == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.connection.close()
                    return
                if mode == "stall":
                    node.release.wait()
                    return
                if mode.isdigit():
                    self.send_response(int(mode))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if mode == "rpc-error":
                    reply = {"jsonrpc": "2.0", "id": body["id"], "error": {"code": -32000, "message": "nope"}}
                else:
                    reply = {"jsonrpc": "2.0", "id": body["id"], "result": "0x2a"}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def w3(self, policy=FAST, timeout=5.0) -> Web3:
        return Web3(RetryingHTTPProvider(self.url, policy, request_kwargs={"timeout": timeout}))

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def node():
    n = Node()
    yield n
    n.close()


@pytest.mark.parametrize("failure", ["reset", "502", "503", "429", "stall"])
def test_transient_failures_are_retried_until_the_node_answers(node, failure):
    node.script = [failure, failure]
    assert node.w3(timeout=0.5).eth.block_number == 42
    assert node.hits == 3


def test_a_node_that_stays_down_ends_in_node_unavailable(node):
    node.script = ["503"] * 10
    with pytest.raises(NodeUnavailable) as info:
        node.w3().eth.get_block_number()
    assert node.hits == FAST.attempts
    assert str(info.value).startswith("eth_blockNumber: HTTP 503 after 4 attempt(s)")
    assert info.value.retry_after == FAST.max_delay


def test_refused_connections_end_in_node_unavailable():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    w3 = Web3(RetryingHTTPProvider(url, FAST))
    with pytest.raises(NodeUnavailable, match="connection refused after 4 attempt"):
        w3.eth.get_block_number()
    with pytest.raises(ConfigError, match="cannot reach the chain node"):
        connect(url, policy=FAST)


def test_node_answers_are_not_retried(node):
    node.script = ["rpc-error"]
    with pytest.raises(Web3RPCError, match="nope"):
        node.w3().eth.get_block_number()
    node.script = ["400"]
    with pytest.raises(Exception) as info:
        node.w3().eth.get_block_number()
    assert not isinstance(info.value, NodeUnavailable)
    assert node.hits == 2


def test_backoff_is_exponential_capped_and_bounded_in_time():
    waits = []
    policy = RetryPolicy(attempts=8, base_delay=0.1, max_delay=0.5, deadline=100, sleep=waits.append)
    calls = []

    def down():
        calls.append(1)
        raise ConnectionRefusedError("refused")

    with pytest.raises(NodeUnavailable, match="connection refused after 8 attempt"):
        policy.call(down, what="probe")
    ceilings = [0.1, 0.2, 0.4, 0.5, 0.5, 0.5, 0.5]
    assert len(waits) == len(ceilings) and len(calls) == 8
    assert all(c / 2 <= w <= c for w, c in zip(waits, ceilings, strict=True))
    # the time budget stops retrying early, whatever the attempt count
    budget = RetryPolicy(attempts=1000, base_delay=0.01, max_delay=0.02, deadline=0.3)
    with pytest.raises(NodeUnavailable) as info:
        budget.call(down)
    assert 3 < len(calls) - 8 < 1000
    assert float(str(info.value).split(" in ")[1].split(" s")[0]) <= 0.4
