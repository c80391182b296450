"""The client generated from the OpenAI document, and the Prism mock server built from it.

Both are made once per test run and shared by the pytest-xdist workers: the first worker that
needs one makes it under a file lock in the run's common temporary folder, the others use it.
Prism is stopped by the last worker that used it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from clientgen import generate_client, import_client, require_npm_tool
from worker_share import locked, run_folder

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
PACKAGE = "openai_client"
PRISM_READY_SECONDS = (
    180  # 14-23 s alone on 2 cores; more while the other worker is busy
)


@pytest.fixture(scope="session")
def openai_spec(shared_dir: Path) -> Path:
    return shared_dir / "specs" / "openai" / "openai.yaml"


@pytest.fixture(scope="session")
def openai(openai_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The ``openai_client`` package generated from ../shared/specs/openai/openai.yaml."""
    folder = run_folder(tmp_path_factory)
    out = folder / "openai-client"
    with locked(folder / "openai-client.lock"):
        if not (out / ".complete").exists():
            shutil.rmtree(out, ignore_errors=True)
            generate_client(openai_spec, out, PACKAGE)
            (out / ".complete").write_text("")
    return import_client(out, PACKAGE)


# YAML to JSON in a child process, so that the test process keeps its CPU for generating.
_TO_JSON = (
    "import json, sys, yaml; "
    "loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader); "
    "document = yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=loader); "
    "json.dump(document, open(sys.argv[2], 'w', encoding='utf-8'), default=str)"
)


def _prism_spec(openai_spec: Path, shared_dir: Path, folder: Path) -> Path:
    """The document rewritten by ../shared/tools/prism_friendly_spec.py, as JSON: Prism
    validates every body only on the rewritten one, and loads JSON three times faster.
    """
    rewritten, as_json = folder / "prism-openai.yaml", folder / "prism-openai.json"
    tool = shared_dir / "tools" / "prism_friendly_spec.py"
    for command in (
        [sys.executable, str(tool), str(openai_spec), str(rewritten)],
        [sys.executable, "-c", _TO_JSON, str(rewritten), str(as_json)],
    ):
        subprocess.run(command, check=True, capture_output=True)
    return as_json


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for the worker that started it to reap it."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _spawn_prism(spec: Path, folder: Path) -> dict[str, object]:
    """Starts Prism without waiting for it: ``_wait_for_prism`` does."""
    port = _free_port()
    with (folder / "prism.log").open("w") as log:
        process = subprocess.Popen(
            [str(PRISM), "mock", "--host", "127.0.0.1", "--port", str(port), str(spec)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so that it is stopped whole
        )
    return {"url": f"http://127.0.0.1:{port}", "pid": process.pid, "users": 0}


def _wait_for_prism(state: dict[str, object], folder: Path) -> None:
    deadline = time.monotonic() + PRISM_READY_SECONDS
    log = folder / "prism.log"
    while time.monotonic() < deadline and _alive(int(str(state["pid"]))):
        if "Prism is listening" in log.read_text(errors="replace"):
            return
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-2000:]
    pytest.fail(f"Prism did not start within {PRISM_READY_SECONDS} s:\n{tail}")


def _stop(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


class PrismLaunch:
    """Prism being started in the background while the client is generated: the worker that
    starts it holds the run's Prism lock until the process is spawned."""

    def __init__(self, folder: Path, openai_spec: Path, shared_dir: Path) -> None:
        self.folder = folder
        self.state_file = folder / "prism.json"
        self.error: BaseException | None = None
        self.state: dict[str, object] = {}
        self._lock = (folder / "prism.lock").open("a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        known = (
            json.loads(self.state_file.read_text())
            if self.state_file.exists()
            else None
        )
        if known is not None and _alive(int(known["pid"])):
            self._join(known)
            self._thread: threading.Thread | None = None
        else:
            self._thread = threading.Thread(
                target=self._launch, args=(openai_spec, shared_dir), daemon=True
            )
            self._thread.start()

    def _join(self, state: dict[str, object]) -> None:
        """Count this worker as a user and let the others in."""
        state["users"] = int(str(state["users"])) + 1
        self.state_file.write_text(json.dumps(state))
        self.state = state
        fcntl.flock(self._lock, fcntl.LOCK_UN)

    def _launch(self, openai_spec: Path, shared_dir: Path) -> None:
        try:
            spec = self.folder / "prism-openai.json"
            if not spec.exists():
                spec = _prism_spec(openai_spec, shared_dir, self.folder)
            self._join(_spawn_prism(spec, self.folder))
        except BaseException as exc:  # reported by ready(), in the test's thread
            self.error = exc
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    def ready(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error
        _wait_for_prism(self.state, self.folder)
        return str(self.state["url"])

    def release(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if not self.state:
            self._lock.close()
            return
        with locked(self.folder / "prism.lock"):
            state = json.loads(self.state_file.read_text())
            state["users"] = int(state["users"]) - 1
            if state["users"] <= 0:
                _stop(int(state["pid"]))
                self.state_file.unlink()
            else:
                self.state_file.write_text(json.dumps(state))
        self._lock.close()


@pytest.fixture(scope="session")
def prism_launch(
    openai_spec: Path, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismLaunch]:
    """Starts Prism for the OpenAI document in the background; ``prism`` waits for it.
    Ask for this one before ``openai`` so that both are made at once."""
    require_npm_tool(PRISM)
    launch = PrismLaunch(run_folder(tmp_path_factory), openai_spec, shared_dir)
    try:
        yield launch
    finally:
        launch.release()


@pytest.fixture(scope="session")
def prism(prism_launch: PrismLaunch) -> str:
    """The base URL of a Prism mock server for the OpenAI document, on 127.0.0.1."""
    return prism_launch.ready()
