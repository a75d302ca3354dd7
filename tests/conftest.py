"""Shared fixtures: the app on the shipped or the fixture content, a real server, Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"
CHROMIUM = os.environ.get("TIREK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
LANGS = ("kk", "ru", "en")


@pytest.fixture
def app():
    """The app on the content shipped in resources/."""
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fixture_app():
    """The app on the small fixture site in tests/fixtures/site (edge cases live there)."""
    return create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})


@pytest.fixture
def fixture_client(fixture_app):
    return fixture_app.test_client()


@pytest.fixture
def site_copy(tmp_path):
    """A writable copy of the shipped content, for tests that change it."""
    target = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app in a real process, so that stopping it really takes the network away."""

    def __init__(self, port: int, env: dict[str, str]):
        self.port = port
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log_file = tempfile.NamedTemporaryFile(prefix="tirek-server-", suffix=".log", delete=False)

    @property
    def log(self) -> str:
        """Everything the server wrote to stderr so far."""
        return Path(self.log_file.name).read_text(encoding="utf-8", errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "LiveServer":
        env = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(self.port), "--no-reload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log_file,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited: " + self.log)
            try:
                urllib.request.urlopen(self.url + "en/", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def live_server_factory():
    """start(env=None) -> a running LiveServer; every server is stopped after the test."""
    servers = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(free_port(), env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server():
    """One server on the shipped content for read-only browser tests."""
    server = LiveServer(free_port(), {}).start()
    yield server
    server.stop()


# Playwright: Debian's Chromium, never a downloaded browser.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "device_scale_factor": 1}


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "browser" in item.keywords]
    if not browser_tests or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI: Chromium not found at {CHROMIUM}; install Debian's chromium package")
    reason = f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM} (apt-get install chromium)"
    print("\n" + "!" * 70 + "\n" + reason + "\n" + "!" * 70)
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason=reason))
