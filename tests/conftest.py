"""Shared fixtures and helpers: the app on the shipped or a fixture site, a real server, Chromium.

Making an app takes about half a second (it renders every page for the precache), and a made app
never changes, so tests that only read an app share one per configuration for the whole run
(``app``, ``fixture_app``, ``app_with``). A test that changes an app (adds a route) or compares two
apps makes its own with ``create_app``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app import create_app
from tirek import sitemap
from tirek.checks import check_content
from tirek.config import load_config
from tirek.languages import LANGUAGES

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
LANGS = LANGUAGES
# content check's "today" in tests, so that review ages do not change with the calendar.
TODAY = dt.date(2026, 11, 23)


# --- apps ---------------------------------------------------------------------------------------

_shared_apps: dict[tuple, object] = {}


def shared_app(**config):
    """The app on this configuration (on top of TESTING), made once per run: only read it."""
    key = tuple(sorted(config.items()))
    if key not in _shared_apps:
        _shared_apps[key] = create_app({"TESTING": True, **config})
    return _shared_apps[key]


@pytest.fixture(autouse=True)
def shared_apps_stay_unchanged():
    """A test that changes a shared app's configuration fails, so the next test is not misled."""
    before = {key: dict(app.config) for key, app in _shared_apps.items()}
    yield
    for key, config in before.items():
        assert dict(_shared_apps[key].config) == config, (
            f"this test changed the shared app {dict(key)}: make its own app with create_app()"
        )


@pytest.fixture(scope="session")
def app_with():
    """app_with(NAME=value, ...) -> a shared app on that configuration, for tests that only read it."""
    return shared_app


@pytest.fixture(scope="session")
def app():
    """The app on the content shipped in resources/."""
    return shared_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def fixture_app():
    """The app on the small fixture site in tests/fixtures/site (edge cases live there)."""
    return shared_app(RESOURCES_DIR=str(FIXTURE_SITE))


@pytest.fixture
def fixture_client(fixture_app):
    return fixture_app.test_client()


# Which languages each page of the partial site is written in; the fixture site has all three.
PARTIAL_SITE_LANGUAGES = {
    "police": ("en", "ru"),
    "detention": ("en", "kk"),
    "safety": ("kk", "ru"),
    "phone-safety": ("en",),
    "using-this-site-safely": ("kk",),
}


@pytest.fixture(scope="session")
def partial_site(tmp_path_factory) -> Path:
    """The fixture site with pages missing in some languages (PARTIAL_SITE_LANGUAGES)."""
    root = tmp_path_factory.mktemp("partial") / "site"
    shutil.copytree(FIXTURE_SITE, root)
    for slug, keep in PARTIAL_SITE_LANGUAGES.items():
        for lang in set(LANGUAGES) - set(keep):
            (root / lang / f"{slug}.md").unlink()
    return root


@pytest.fixture(scope="session")
def partial_app(partial_site):
    return shared_app(RESOURCES_DIR=str(partial_site))


@pytest.fixture
def site_copy(tmp_path):
    """A writable copy of the shipped content, for tests that change it."""
    target = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", target)
    return target


# --- content and commands -----------------------------------------------------------------------

FOOTER_PAGE = "using-this-site-safely"


def sound_content(target: Path) -> Path:
    """A copy of the configured content (TIREK_RESOURCES_DIR or resources/) with the footer's page."""
    shutil.copytree(load_config()["RESOURCES_DIR"], target)
    if not any((target / lang / f"{FOOTER_PAGE}.md").exists() for lang in LANGUAGES):
        (target / "en" / f"{FOOTER_PAGE}.md").write_text(
            "---\ntitle: Using this site safely\nsummary: A stand-in.\nupdated: 2026-01-01\n---\n"
            "A stand-in for the page the footer links to.\n",
            encoding="utf-8",
        )
    return target


def check(root: Path, today: dt.date = TODAY) -> list[str]:
    """content check's problems and notices on ``root``, as the lines it prints."""
    problems, _ = check_content(root, today, 365)
    return [str(problem) for problem in problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def flask(*args: str, resources: Path, **env: str) -> subprocess.CompletedProcess:
    """``flask --app app ARGS`` in a new process, on the content in ``resources``."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TIREK_RESOURCES_DIR": str(resources), **env},
        timeout=60,
    )
    assert "No such command" not in result.stderr, (
        "the content commands are not registered: run 'python -m pip install -e .' so that the "
        "flask.commands entry points in pyproject.toml take effect"
    )
    return result


# --- HTML ---------------------------------------------------------------------------------------


class Document(HTMLParser):
    """The parts of an HTML page the tests look at: its tags with their attributes, and its text."""

    # (tag, attribute) pairs whose URL the browser loads by itself, without a tap.
    LOADED = {
        ("script", "src"),
        ("img", "src"),
        ("img", "srcset"),
        ("source", "src"),
        ("source", "srcset"),
        ("iframe", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("track", "src"),
        ("input", "src"),
        ("form", "action"),
    }

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def loaded_urls(self) -> list[str]:
        urls = []
        for tag, attrs in self.tags:
            for name, value in attrs.items():
                if (tag, name) in self.LOADED and value:
                    urls.append(value)
            # Alternates and canonical links name pages; every other link rel is loaded.
            if tag == "link" and attrs.get("rel") not in ("alternate", "canonical", None) and attrs.get("href"):
                urls.append(attrs["href"])
        return urls


# --- requests ---------------------------------------------------------------------------------


def every_kind_of_request(app) -> list[tuple[str, str, dict]]:
    """(method, path, extra headers) for every kind of response the app gives."""
    site = app.extensions["tirek_site"]
    requests = [("GET", path, {}) for path in sitemap.page_paths(site.slugs) + sitemap.data_paths()]
    requests += [("GET", path, {}) for path in sitemap.ROOT_FILES]
    requests += [
        ("GET", "/", {}),  # language redirect
        ("GET", "/en/no-such-page/", {}),  # 404 in a language
        ("GET", "/nowhere", {}),  # 404 outside any language
        ("GET", "/xx/", {}),  # unknown language
        ("POST", "/en/remove/", {}),  # the removal itself
        ("POST", "/en/", {}),  # 405 from Flask
        ("HEAD", "/ru/", {}),
        ("OPTIONS", "/ru/", {}),
    ]
    for hashed in app.config["ASSET_MANIFEST"].values():
        requests.append(("GET", f"/static/{hashed}", {}))
        requests.append(("GET", f"/static/{hashed}", {"Accept-Encoding": "gzip, br"}))
    any_static = f"/static/{app.config['ASSET_MANIFEST']['css/site.css']}"
    requests.append(("POST", any_static, {}))  # 405 from WhiteNoise
    etag = app.test_client().get(any_static).headers["ETag"]
    requests.append(("GET", any_static, {"If-None-Match": etag}))  # 304 from WhiteNoise
    requests.append(("GET", "/static/css/site.css", {}))  # unhashed name: 404
    return requests


# --- processes ----------------------------------------------------------------------------------


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    """Poll ``condition`` until it returns something true (returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(interval)


def answers(url: str) -> bool:
    """True once a server answers at ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except OSError:
        return False


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

    def start(self) -> LiveServer:
        env = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(self.port), "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )

        def up() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError("server exited: " + self.log)
            return answers(self.url + "en/")

        wait_until(up, 30, "the server to start")
        return self

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


# --- Playwright: Debian's Chromium, never a downloaded browser ----------------------------------


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
