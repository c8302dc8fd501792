"""Result digest rules (docs/OFFCHAIN.md §2.4): file, folder, callback, and the shared error result."""

import hashlib
import json

import pytest
from eth_utils import keccak

from offchain.worker import digest as dg


def write(out, computed, files):
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    if computed is not None:
        (out / "computed.json").write_text(json.dumps(computed))


def test_file_digest_is_sha256_of_the_file(tmp_path):
    write(tmp_path, {"deterministic-output-path": "/iexec_out/result.txt"}, {"result.txt": b"42\n"})
    assert dg.result_digest(tmp_path) == hashlib.sha256(b"42\n").digest()


def test_folder_digest_is_keccak_of_sorted_child_sha256(tmp_path):
    files = {"b.txt": b"two", "a.txt": b"one", "c.bin": b"\x00"}
    write(
        tmp_path, {"deterministic-output-path": "/iexec_out/res"}, {f"res/{k}": v for k, v in files.items()}
    )
    expected = keccak(b"".join(hashlib.sha256(files[k]).digest() for k in sorted(files)))
    assert dg.result_digest(tmp_path) == expected


def test_callback_digest_is_keccak_of_callback_bytes(tmp_path):
    write(tmp_path, {"deterministic-output-path": "/iexec_out/x", "callback-data": "0xdeadbeef"}, {"x": b"y"})
    assert dg.result_digest(tmp_path, has_callback=True) == keccak(bytes.fromhex("deadbeef"))


@pytest.mark.parametrize(
    "computed, reason",
    [
        (None, "computed.json is missing"),
        ({}, "no deterministic-output-path"),
        ({"deterministic-output-path": "/iexec_out/../../etc/passwd"}, "escapes the output folder"),
        ({"deterministic-output-path": "/iexec_out/nothing"}, "does not exist"),
    ],
)
def test_bad_computed_json_gives_a_readable_reason(tmp_path, computed, reason):
    write(tmp_path, computed, {"result.txt": b"1"})
    with pytest.raises(dg.DigestError, match=reason):
        dg.result_digest(tmp_path)


def test_callback_deal_without_callback_data_is_an_error(tmp_path):
    write(tmp_path, {"deterministic-output-path": "/iexec_out/r"}, {"r": b"1"})
    with pytest.raises(dg.DigestError, match="no callback-data"):
        dg.result_digest(tmp_path, has_callback=True)


def test_error_result_is_the_same_for_every_worker(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, None, {"junk.txt": b"partial output", "sub/x": b"1"})
    write(b, None, {})
    dg.write_error_result(a, "iExec task failed: download failed", ["APP_DOWNLOAD_FAILED"])
    dg.write_error_result(b, "iExec task failed: download failed", ["APP_DOWNLOAD_FAILED"])
    assert sorted(p.name for p in a.iterdir()) == ["computed.json", "error.txt"]
    assert dg.result_digest(a) == dg.result_digest(b)
