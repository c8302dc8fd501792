"""The worker's Docker runtime, through a stand-in for the `docker` CLI (tests/fixtures/fake_docker.py): no Docker
engine runs on this project's machines, so these tests check everything up to the engine's door: the runtime
selection, the exact `docker` command lines, the bind mounts, time limits, exit codes, output collection and digest.
"""

import os
import shutil
import time
import zipfile

import pytest

from offchain.chain.client import ConfigError
from offchain.worker import runner
from offchain.worker.runtimes import DockerConfig, DockerRuntime, EngineError, select_runtime
from offchain.worker.runtimes import docker as containers
from offchain.worker.state import LocalStatus

IMAGE = "docker.io/iexec-apps/noop:1.0"
CFG = DockerConfig()
DOCKER = DockerRuntime(CFG)


def write_bundle(folder, name, source):
    """A ZIP bundle app (python3 app.zip) from one __main__.py."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("__main__.py", source)
    return path


def image_root(tmp_path, name, bundle):
    """An image's files: the bundle at /app/app.zip, run by its entrypoint `python3 /app/app.zip`."""
    root = tmp_path / "images" / name
    (root / "app").mkdir(parents=True)
    shutil.copy(bundle, root / "app" / "app.zip")
    return root


def docker_task(multiaddr, checksum, timeref=20, params="", index=0):
    return {
        "taskId": "0x" + f"{index + 0x51:064x}",
        "dealId": "0x" + "de" * 32,
        "taskIndex": index,
        "botFirst": 0,
        "botSize": 1,
        "params": params,
        "timeref": timeref,
        "app": {"address": "0x" + "ab" * 20, "multiaddr": multiaddr, "checksum": checksum, "type": "DOCKER"},
        "dataset": None,
        "callback": "0x" + "00" * 20,
    }


@pytest.fixture
def noop_image(tmp_path, fake_docker, bundles):
    """The sample `noop` app published as an image; returns its on-chain checksum (0x + digest)."""
    digest = fake_docker.publish(
        IMAGE, image_root(tmp_path, "noop", bundles["noop"][0]), ["python3", "/app/app.zip"]
    )
    return "0x" + digest.removeprefix("sha256:")


def run_calls(fake_docker):
    return [c for c in fake_docker.calls() if c[0] == "run"]


# --- selection ---------------------------------------------------------------------------------------------------


def test_auto_picks_docker_when_an_engine_answers_and_bwrap_otherwise(fake_docker):
    assert select_runtime("auto") == ("docker", "Docker engine 28.2.2 answers")
    fake_docker.engine(False)
    runtime, why = select_runtime("auto")
    assert runtime == "bwrap" and "Cannot connect to the Docker daemon" in why
    assert fake_docker.calls() == [["version", "--format", "{{.Server.Version}}"]] * 2


def test_forced_runtimes(fake_docker):
    fake_docker.engine(False)
    with pytest.raises(EngineError, match="--runtime docker but no Docker engine answers: Cannot connect"):
        select_runtime("docker")
    fake_docker.engine(True)
    assert select_runtime("docker")[0] == "docker"
    fake_docker.forget_calls()
    assert select_runtime("bwrap") == ("bwrap", "--runtime bwrap")
    assert fake_docker.calls() == []  # not even asked
    with pytest.raises(ValueError, match="not one of auto, docker, bwrap"):
        select_runtime("podman")


def test_without_a_docker_command_auto_falls_back_to_bwrap(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker at all
    runtime, why = select_runtime("auto")
    assert runtime == "bwrap" and "no `docker` command on PATH" in why


def test_this_machine_has_no_engine_so_auto_means_bwrap_here():
    """The honest state of this project's machines: a docker client may exist, an engine does not."""
    version, _why = containers.engine_version()
    if version is not None:
        pytest.skip(f"a real Docker engine {version} answers here: the stand-in tests still apply")
    assert select_runtime("auto")[0] == "bwrap"


@pytest.mark.parametrize(
    "multiaddr, app_type, image",
    [
        ("docker.io/iexec-apps/noop:1.0", "DOCKER", "docker.io/iexec-apps/noop:1.0"),
        ("python:3.11-slim", "DOCKER", "python:3.11-slim"),
        (
            "localhost:5000/team/app@sha256:" + "ab" * 32,
            "DOCKER",
            "localhost:5000/team/app@sha256:" + "ab" * 32,
        ),
        ("/apps/noop.zip", "DOCKER", None),
        ("https://example.org/noop.zip", "DOCKER", None),
        ("noop.zip", "DOCKER", None),
        ("docker.io/iexec-apps/noop:1.0", "ZIP", None),
        ("Not An Image", "DOCKER", None),
    ],
)
def test_which_apps_are_images(multiaddr, app_type, image):
    assert containers.image_of({"multiaddr": multiaddr, "type": app_type}) == image


def test_worker_cli_selects_the_runtime_and_checks_docker_limits(fake_docker, tmp_path, capsys, monkeypatch):
    from offchain.worker.__main__ import build, main, parse_args

    base = [
        "--rpc",
        "http://127.0.0.1:9",
        "--scheduler-url",
        "http://127.0.0.1:9",
        "--workdir",
        str(tmp_path),
    ]
    monkeypatch.setenv("WORKER_PRIVATE_KEY", "0x" + "42" * 32)
    assert parse_args(base).runtime == "auto"
    fake_docker.engine(False)
    assert main([*base, "--runtime", "docker"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "worker: --runtime docker but no Docker engine answers: Cannot connect to the Docker daemon at "
        "unix:///var/run/docker.sock. Is the docker daemon running?"
    ]
    with pytest.raises(ConfigError, match="docker memory limit '2x' is not a size"):
        build(parse_args([*base, "--docker-memory", "2x"]))
    with pytest.raises(ConfigError, match="must be above 0"):
        build(parse_args([*base, "--docker-cpus", "0"]))
    fake_docker.engine(True)  # the runtime is fine: the next check is the scheduler, which is not there
    with pytest.raises(ConfigError, match="cannot log in to the scheduler"):
        build(parse_args([*base, "--runtime", "docker"]))
    with pytest.raises(SystemExit):
        parse_args([*base, "--runtime", "podman"])


# --- runs --------------------------------------------------------------------------------------------------------


def test_an_image_app_runs_with_the_exact_docker_command_and_agrees_with_bwrap(
    tmp_path, fake_docker, noop_image, bundles
):
    task = docker_task(IMAGE, noop_image, params="--flag value")
    out = runner.compute(tmp_path / "w", task, runtime=DOCKER)
    assert out.error is None and out.runtime == "docker" and out.sandboxed
    # The same app as a bundle under bubblewrap (or the plain fallback) gives the same digest.
    bundle_task = {**task, "app": {"multiaddr": str(bundles["noop"][0]), "checksum": bundles["noop"][1]}}
    assert runner.compute(tmp_path / "b", bundle_task).digest == out.digest
    assert zipfile.ZipFile(out.zip_path).read("result.txt") == b"ok\n"

    calls = fake_docker.calls()
    image_id = next(c for c in calls if c[0] == "run")[-3]
    name = next(c for c in calls if c[0] == "run")[3]
    assert name.startswith("iexec-" + task["taskId"][2:14] + "-") and len(name) == len("iexec-") + 12 + 1 + 8
    tdir = runner.task_dir(tmp_path / "w", task["taskId"])
    env = {
        "HOME": "/tmp",
        "IEXEC_BOT_FIRST_INDEX": "0",
        "IEXEC_BOT_SIZE": "1",
        "IEXEC_BOT_TASK_INDEX": "0",
        "IEXEC_DEAL_ID": task["dealId"],
        "IEXEC_IN": "/iexec_in",
        "IEXEC_INPUT_FILES_FOLDER": "/iexec_in",
        "IEXEC_INPUT_FILES_NUMBER": "0",
        "IEXEC_OUT": "/iexec_out",
        "IEXEC_TASK_ID": task["taskId"],
    }
    assert calls == [
        ["image", "inspect", IMAGE],  # not here yet
        ["pull", IMAGE],
        ["image", "inspect", IMAGE],
        [
            "run", "--rm", "--name", name,
            "--network", "none",
            "--memory", "2g", "--memory-swap", "2g", "--cpus", "1", "--pids-limit", "256",
            "--read-only", "--tmpfs", "/tmp",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", f"{os.getuid()}:{os.getgid()}",
            "--volume", f"{tdir / 'iexec_in'}:/iexec_in:ro",
            "--volume", f"{tdir / 'iexec_out'}:/iexec_out:rw",
            *[x for k in sorted(env) for x in ("--env", f"{k}={env[k]}")],
            image_id, "--flag", "value",
        ],
        ["rm", "--force", name],
    ]  # fmt: skip
    assert image_id.startswith("sha256:")  # run by local id, not by the (movable) tag
    assert fake_docker.containers() == []  # removed


def test_a_second_task_reuses_the_pulled_image(tmp_path, fake_docker, noop_image):
    runner.compute(tmp_path / "w", docker_task(IMAGE, noop_image, index=0), runtime=DOCKER)
    fake_docker.forget_calls()
    out = runner.compute(tmp_path / "w", docker_task(IMAGE, noop_image, index=1), runtime=DOCKER)
    assert out.error is None
    assert [c[:2] for c in fake_docker.calls()] == [["image", "inspect"], ["run", "--rm"], ["rm", "--force"]]


def test_an_app_over_its_time_limit_is_killed_by_name_and_removed(tmp_path, fake_docker):
    slow = write_bundle(
        tmp_path / "src", "slow", "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)\n"
    )
    digest = fake_docker.publish("slow:1", image_root(tmp_path, "slow", slow), ["python3", "/app/app.zip"])
    task = docker_task("slow:1", "0x" + digest[7:], timeref=1)
    started = time.monotonic()
    out = runner.compute(tmp_path / "w", task, runtime=DOCKER)
    assert time.monotonic() - started < 20
    assert out.error == "app timed out"
    assert "APP_COMPUTE_TIMEOUT" in zipfile.ZipFile(out.zip_path).read("error.txt").decode()
    name = next(c for c in fake_docker.calls() if c[0] == "run")[3]
    assert fake_docker.calls()[-2:] == [["kill", name], ["rm", "--force", name]]
    assert fake_docker.containers() == []
    app_pid = int((runner.task_dir(tmp_path / "w", task["taskId"]) / "app.log").read_text().split()[0])
    with pytest.raises(ProcessLookupError):  # the app itself is gone, not just the docker client
        os.kill(app_pid, 0)


def test_exit_code_and_output_of_a_failing_app(tmp_path, fake_docker, caplog):
    crash = write_bundle(
        tmp_path / "src", "crash", "import os, sys\nprint('crashing in', os.getcwd())\nsys.exit(3)\n"
    )
    digest = fake_docker.publish("crash:1", image_root(tmp_path, "crash", crash), ["python3", "/app/app.zip"])
    task = docker_task("crash:1", "0x" + digest[7:])
    out = runner.compute(tmp_path / "w", task, runtime=DOCKER)
    assert out.error == "app produced no valid result"
    assert "exit code 3: " in caplog.text
    assert "crashing in" in (runner.task_dir(tmp_path / "w", task["taskId"]) / "app.log").read_text()


def test_an_app_writing_its_result_through_the_mounts(tmp_path, fake_docker):
    """Input read from /iexec_in (the dataset), output written under /iexec_out, callback data in computed.json."""
    echo = write_bundle(
        tmp_path / "src",
        "echo",
        # The stand-in maps paths in argv, environment and working folder, not paths an app hard-codes: like the
        # sample apps, this one finds its folders through IEXEC_IN / IEXEC_OUT.
        "import json, os, sys\n"
        "src, out = os.environ['IEXEC_IN'], os.environ['IEXEC_OUT']\n"
        "data = open(os.path.join(src, os.environ['IEXEC_DATASET_FILENAME']), 'rb').read()\n"
        "open(os.path.join(out, 'echo.bin'), 'wb').write(data + sys.argv[1].encode())\n"
        "json.dump({'deterministic-output-path': '/iexec_out/echo.bin'}, open(os.path.join(out, 'computed.json'), 'w'))\n",
    )
    digest = fake_docker.publish("echo:1", image_root(tmp_path, "echo", echo), ["python3", "/app/app.zip"])
    dataset = tmp_path / "dataset.bin"
    dataset.write_bytes(b"input-")
    task = {
        **docker_task("echo:1", "0x" + digest[7:], params="tail"),
        "dataset": {"address": "0x" + "dd" * 20, "multiaddr": str(dataset), "checksum": "0x" + "00" * 32},
    }
    out = runner.compute(tmp_path / "w", task, runtime=DOCKER)
    assert out.error is None
    assert zipfile.ZipFile(out.zip_path).read("echo.bin") == b"input-tail"
    import hashlib

    assert out.digest == hashlib.sha256(b"input-tail").digest()


def test_a_wrong_image_digest_or_a_missing_image_is_the_shared_download_error(
    tmp_path, fake_docker, noop_image
):
    wrong = runner.compute(tmp_path / "w1", docker_task(IMAGE, "0x" + "11" * 32), runtime=DOCKER)
    assert wrong.error == "download failed"
    assert "APP_DOWNLOAD_FAILED" in zipfile.ZipFile(wrong.zip_path).read("error.txt").decode()
    missing = runner.compute(
        tmp_path / "w2", docker_task("docker.io/nobody/nothing:1", "0x" + "11" * 32), runtime=DOCKER
    )
    assert missing.error == "download failed" and missing.digest == wrong.digest  # honest workers agree
    assert not run_calls(fake_docker)  # nothing ran


def test_a_bundle_app_runs_in_the_runtime_image_under_docker(tmp_path, fake_docker, bundles):
    runtime_root = tmp_path / "images" / "python"
    runtime_root.mkdir(parents=True)
    fake_docker.publish(CFG.bundle_image, runtime_root, [], cmd=["python3"])  # as python:3.11-slim: CMD only
    path, checksum = bundles["primes"]
    task = {
        **docker_task(str(path), checksum, params="20000"),
        "app": {"multiaddr": str(path), "checksum": checksum},
    }
    out = runner.compute(tmp_path / "w", task, runtime=DOCKER)
    plain = runner.compute(tmp_path / "b", task)
    assert out.error is None and out.runtime == "docker" and out.digest == plain.digest
    run = run_calls(fake_docker)[0]
    mount = f"{runner.task_dir(tmp_path / 'w', task['taskId']) / 'app' / 'app.zip'}:/app/app.zip:ro"
    assert run[run.index(mount) - 1] == "--volume"
    assert run[run.index("--workdir") + 1] == "/iexec_out"
    assert run[-3:] == ["python3", "/app/app.zip", "20000"]


def test_worker_side_failures_give_no_result(tmp_path, fake_docker, noop_image, bundles):
    """No digest at all (the worker reports COMPUTE_FAILED): not the app's fault, so no error result either."""
    with pytest.raises(RuntimeError, match="is a Docker image and this worker has no Docker engine"):
        runner.compute(tmp_path / "w", docker_task(IMAGE, noop_image))  # a bubblewrap worker
    fake_docker.engine(False)
    with pytest.raises(EngineError, match="stopped answering while pulling"):
        runner.compute(tmp_path / "w", docker_task(IMAGE, noop_image), runtime=DOCKER)
    fake_docker.engine(True)
    path, checksum = bundles["noop"]
    task = {**docker_task(str(path), checksum), "app": {"multiaddr": str(path), "checksum": checksum}}
    with pytest.raises(EngineError, match="bundle runtime image: cannot pull python:3.11-slim"):
        runner.compute(tmp_path / "w", task, runtime=DOCKER)  # the runtime image is not in the registry
    with pytest.raises(
        EngineError, match=r"docker could not run the container \(125\): .*Minimum memory limit"
    ):
        runner.compute(
            tmp_path / "w", docker_task(IMAGE, noop_image), runtime=DockerRuntime(DockerConfig(memory="1m"))
        )


def test_the_worker_computes_through_docker_end_to_end(
    fake_scheduler, make_worker, assignment, fake_docker, noop_image
):
    """The worker loop with the Docker runtime: the image app's result is contributed and uploaded."""
    from fixtures.worker import drive

    task = {**assignment(0), "app": {**assignment(0)["app"], "multiaddr": IMAGE, "checksum": noop_image}}
    task["app"]["type"] = "DOCKER"
    fake_scheduler.queue.append(task)
    w = make_worker(0, runtime=DOCKER)
    w.start()
    tid = task["taskId"]
    drive(w, lambda: w.state.get(tid) and w.state.get(tid).status == LocalStatus.CONTRIBUTED)
    assert run_calls(fake_docker) and fake_docker.containers() == []
