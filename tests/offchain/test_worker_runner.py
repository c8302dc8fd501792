"""The compute stage: sandboxed runs of the sample apps, checksums, time limits, determinism, tile assembly."""

import zipfile

import pytest

from offchain.requester.assemble import assemble, read_png, tile_from_result_zip
from offchain.requester.bundles import build_bundle
from offchain.worker import runner
from offchain.worker.runtimes import bwrap


def task(bundle, index=0, size=1, params="", timeref=20, checksum=None, task_id=None):
    path, digest = bundle
    return {
        "taskId": task_id or "0x" + f"{index + 7:064x}",
        "dealId": "0x" + "de" * 32,
        "taskIndex": index,
        "botFirst": 0,
        "botSize": size,
        "params": params,
        "timeref": timeref,
        "app": {"multiaddr": str(path), "checksum": checksum or digest},
    }


def test_bundles_are_byte_identical_on_every_build(tmp_path):
    a = build_bundle("mandelbrot", tmp_path / "a")
    b = build_bundle("mandelbrot", tmp_path / "b")
    assert a[1] == b[1] and a[0].read_bytes() == b[0].read_bytes()


def test_two_workers_agree_on_every_sample_app(tmp_path, bundles):
    for name, params in (("primes", "20000"), ("noisy", ""), ("noop", "")):
        one = runner.compute(tmp_path / "w1", task(bundles[name], params=params))
        two = runner.compute(tmp_path / "w2", task(bundles[name], params=params))
        assert one.error is None and two.error is None, name
        assert one.digest == two.digest, name


def test_noisy_app_output_differs_but_its_digest_does_not(tmp_path, bundles):
    outs = [runner.compute(tmp_path / f"w{i}", task(bundles["noisy"], params="")) for i in range(2)]
    raws = [zipfile.ZipFile(o.zip_path).read("run/raw.json") for o in outs]
    assert raws[0] != raws[1]
    assert outs[0].digest == outs[1].digest


def test_mandelbrot_strips_assemble_into_the_single_task_picture(tmp_path, bundles):
    params = "64 48 60"
    whole = runner.compute(tmp_path / "one", task(bundles["mandelbrot"], params=params))
    strips = []
    for i in range(4):
        out = runner.compute(tmp_path / "many", task(bundles["mandelbrot"], index=i, size=4, params=params))
        strips.append(tile_from_result_zip(out.zip_path.read_bytes()))
    picture = assemble(strips, tmp_path / "picture.png")
    assert read_png(picture.read_bytes()) == read_png(tile_from_result_zip(whole.zip_path.read_bytes()))
    assert read_png(picture.read_bytes())[0] == 64 and len(read_png(picture.read_bytes())[1]) == 48


def test_bad_checksum_gives_the_same_error_digest_to_every_worker(tmp_path, bundles):
    bad = "0x" + "11" * 32
    one = runner.compute(tmp_path / "w1", task(bundles["noop"], checksum=bad))
    two = runner.compute(tmp_path / "w2", task(bundles["noop"], checksum=bad))
    assert one.error == "download failed"
    assert one.digest == two.digest
    assert "APP_DOWNLOAD_FAILED" in zipfile.ZipFile(one.zip_path).read("error.txt").decode()


def test_missing_bundle_is_a_download_failure(tmp_path, bundles):
    out = runner.compute(tmp_path, task((tmp_path / "nope.zip", "0x" + "00" * 32)))
    assert out.error == "download failed"


def write_app(tmp_path, name, source):
    folder = tmp_path / "src" / name
    folder.mkdir(parents=True)
    (folder / "__main__.py").write_text(source)
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(folder / "__main__.py", "__main__.py")
    return path, "0x" + "00" * 32  # no checksum: warning only


def test_app_over_its_time_limit_is_killed_and_gives_the_timeout_error(tmp_path):
    slow = write_app(tmp_path, "slow", "import time\ntime.sleep(30)\n")
    out = runner.compute(tmp_path / "w", task(slow, timeref=1))
    assert out.error == "app timed out"
    assert "APP_COMPUTE_TIMEOUT" in zipfile.ZipFile(out.zip_path).read("error.txt").decode()


def test_app_without_computed_json_gives_the_compute_error(tmp_path):
    crash = write_app(tmp_path, "crash", "raise SystemExit(3)\n")
    out = runner.compute(tmp_path / "w", task(crash))
    assert out.error == "app produced no valid result"


@pytest.mark.skipif(not bwrap.bwrap_works(), reason="bwrap cannot run here")
def test_sandbox_blocks_network_and_hides_the_worker_files(tmp_path):
    secret = tmp_path / "secret.key"
    secret.write_text("0xdead")
    probe = write_app(
        tmp_path,
        "probe",
        "import json, os, socket\n"
        "res = {}\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2); res['net'] = 'open'\n"
        "except OSError:\n    res['net'] = 'blocked'\n"
        f"res['secret'] = os.path.exists({str(secret)!r})\n"
        "res['in'] = os.path.isdir('/iexec_in')\n"
        "open('/iexec_out/r.json', 'w').write(json.dumps(res))\n"
        "open('/iexec_out/computed.json', 'w').write(json.dumps({'deterministic-output-path': '/iexec_out/r.json'}))\n",
    )
    out = runner.compute(tmp_path / "w", task(probe))
    assert out.sandboxed and out.error is None
    import json

    assert json.loads(zipfile.ZipFile(out.zip_path).read("r.json")) == {
        "net": "blocked",
        "secret": False,
        "in": True,
    }
