"""What a red-team pass found (issue 13): translations as HTML, header injection, the Host header
in redirects, gunicorn's own answers and logs, pinned dependencies, and pages kept as bytes."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import escape as po_escape
from flask import render_template_string
from werkzeug.test import Client

from app import create_app
from conftest import FIXTURE_SITE, ROOT, free_port
from tirek import catalogs, i18n
from tirek.export import build_copy, copy_settings, file_name
from tirek.sitemap import page_paths

ONION = "http://exampleexampleexampleexampleexampleexampleexampleexam.onion"


# Interface translations are text -----------------------------------------------------------


def translated(tmp_path, monkeypatch, lang: str, msgid: str, translation: str) -> tuple[Path, int]:
    """A copy of the catalogs in which ``msgid`` has ``translation`` in ``lang``; (po file, msgid line)."""
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    po = translations / lang / "LC_MESSAGES" / "messages.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    index = lines.index(f"msgid {po_escape(msgid)}")
    assert lines[index + 1].startswith("msgstr ")
    lines[index + 1] = f"msgstr {po_escape(translation)}"
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", translations)
    return po, index + 1


class Attributes(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def test_a_translation_cannot_break_out_of_an_attribute(tmp_path, monkeypatch):
    hostile = 'Беттен шығу" data-injected="1'
    translated(tmp_path, monkeypatch, "kk", "Exit this page", hostile)
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    elements = Attributes(app.test_client().get("/kk/").get_data(as_text=True)).elements
    assert not [attrs for _, attrs in elements if "data-injected" in attrs]
    assert ("nav", {"class": "exit-bar", "aria-label": hostile}) in elements


def test_translations_and_their_placeholders_are_escaped(tmp_path, monkeypatch):
    translated(tmp_path, monkeypatch, "kk", "Nothing found for “%(query)s”.", '«%(query)s» & "ештеңе" жоқ')
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    with app.test_request_context("/kk/"):
        html = render_template_string('<p title="{{ _("Nothing found for “%(query)s”.", query=q) }}">', q="<script>")
    assert html == '<p title="«&lt;script&gt;» &amp; &#34;ештеңе&#34; жоқ">'


@pytest.mark.parametrize(
    "hostile",
    [
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">Беттен шығу',
        "Беттен шығу<script",
        "Беттен&nbsp;шығу",
    ],
)
def test_the_app_refuses_a_catalog_with_markup(tmp_path, monkeypatch, hostile):
    po, line = translated(tmp_path, monkeypatch, "kk", "Exit this page", hostile)
    with pytest.raises(i18n.CatalogError) as refused:
        create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    assert f"{po}:{line}: the translation of 'Exit this page' has HTML" in str(refused.value.code)


@pytest.mark.parametrize(
    "hostile, found",
    [
        ("Беттен шығу<script", "<script"),
        ("Беттен&nbsp;шығу", "&nbsp;"),
        ("<!-- Беттен шығу", "<!--"),
    ],
)
def test_translations_check_rejects_markup_the_source_lacks(hostile, found):
    problems = catalogs.message_problems(Message("Exit this page", hostile), "kk", 1)
    assert problems == [f"HTML tags differ from the source: the source has none, the translation has {found}"]


def test_a_stray_percent_sign_falls_back_to_english_instead_of_a_500(tmp_path, monkeypatch):
    translated(tmp_path, monkeypatch, "kk", "Skip to content", "100 % мазмұнға өту")
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    response = app.test_client().get("/kk/police/?fresh")
    assert response.status_code == 200
    assert "Skip to content" in response.get_data(as_text=True)


def test_one_reading_of_placeholders_for_the_check_and_the_app():
    assert i18n.placeholders("%(date)s and 100 % and %%") == {"%(date)s": 1, "%": 1, "%%": 1}
    message = Message("Last reviewed: %(date)s", "Соңғы: %(data)s")
    assert catalogs.message_problems(message, "kk", 1) == [
        "placeholders differ from the source: the source has %(date)s, the translation has %(data)s"
    ]


# Headers built from the request ---------------------------------------------------------

HEADER_VALUE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")


@pytest.mark.parametrize(
    "path",
    [
        "/ru/%00",
        "/ru/%0a",
        "/ru/%0d%0aSet-Cookie:%20x=1",
        "/ru/%01",
        "/ru/%7f%ff",
        "/ru/police/?q=%0a%01",
        "/ru/%D0%96/",
    ],
)
def test_onion_location_with_control_characters(path):
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE), "ONION_LOCATION": ONION})
    response = app.test_client().get(path)
    assert response.status_code < 500
    onion = response.headers["Onion-Location"]
    assert onion.startswith(ONION + "/ru/") and HEADER_VALUE.fullmatch(onion), onion
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/", "/ru", "/ru/police", "///ru", "/ru//police/", "/kk/search"])
def test_redirects_never_repeat_the_host_header(client, path):
    response = client.get(path, headers={"Host": "evil.example", "Accept-Language": "kk"})
    assert response.status_code in (301, 302, 308)
    location = response.headers["Location"]
    assert "evil" not in location and not location.startswith("//"), location


# gunicorn ----------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn with gunicorn.conf.py in a real process, its log in a file."""

    def __init__(self, env: dict[str, str], workers: int = 1):
        self.port = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="tirek-gunicorn-", suffix=".log")[1])
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not start:\n" + self.log)
            time.sleep(0.1)

    def answers(self) -> bool:
        try:
            return raw_request(self.port, b"GET /ru/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")[0] == 200
        except OSError:
            return False

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log_path.unlink(missing_ok=True)


def raw_request(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client library would send these), read the answer to the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # gunicorn answered and closed before reading everything
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers, body


def every_option(build_dir: Path) -> dict[str, str]:
    """Every TIREK_ setting an operator sets (LINK_INDEX_FILES is the export's own)."""
    from tirek import signing

    return {
        "TIREK_RESOURCES_DIR": str(FIXTURE_SITE),
        "TIREK_SITE_URL": "https://tirek.example/",
        "TIREK_SIGNING_PUBLIC_KEY": signing.generate().public_key.text,
        "TIREK_QUICK_EXIT_URL": "https://exit.example/",
        "TIREK_SITE_NAME": "Site",
        "TIREK_APP_NAME": "Reader",
        "TIREK_APP_SHORT_NAME": "Reader",
        "TIREK_HSTS": "true",
        "TIREK_ONION_LOCATION": ONION,
        "TIREK_REVIEW_MAX_AGE_DAYS": "30",
        "TIREK_BUILD_DIR": str(build_dir),
        "WEB_CONCURRENCY": "1",
    }


def test_every_option_is_in_the_fuzz():
    from tirek.config import DEFAULTS

    assert {f"TIREK_{name}" for name in DEFAULTS} - set(every_option(Path("."))) == {"TIREK_LINK_INDEX_FILES"}


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    server = Gunicorn(every_option(tmp_path_factory.mktemp("build")))
    yield server
    server.stop()


SECRET = "SECRET-QUERY-7f3a"
MALFORMED = {
    "request line too long": (f"GET /ru/{'a' * 3000}?q={SECRET} HTTP/1.1\r\nHost: t\r\n\r\n", 414),
    "too many headers": (
        "GET /ru/?q=" + SECRET + " HTTP/1.1\r\nHost: t\r\n" + "".join(f"X-{n}: 1\r\n" for n in range(60)) + "\r\n",
        431,
    ),
    "header too large": (f"GET /ru/ HTTP/1.1\r\nHost: t\r\nX-Big: {SECRET}{'b' * 5000}\r\n\r\n", 431),
    "control character in the path": (f"GET /ru/\x01?q={SECRET} HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    "space in the path": (f"GET /ru/ x?q={SECRET} HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    "control character in a header": (f"GET /ru/ HTTP/1.1\r\nHost: t\r\nX-A: {SECRET}\x01\r\n\r\n", 400),
    "bad method": (f"G(T /ru/?q={SECRET} HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    "bad version": (f"GET /ru/?q={SECRET} HTTP/9.1\r\nHost: t\r\n\r\n", 400),
    "header without a colon": (f"GET /ru/ HTTP/1.1\r\nHost: t\r\n{SECRET}\r\n\r\n", 400),
}


def test_gunicorn_answers_malformed_requests_without_logging_them(gunicorn):
    for name, (request, status) in MALFORMED.items():
        got, headers, body = raw_request(gunicorn.port, request.encode("latin-1"))
        assert got == status, name
        assert "gunicorn" not in str(headers).lower() and b"gunicorn" not in body.lower(), name
    log = gunicorn.log
    assert "Invalid request: " in log  # they are logged, by their kind only
    assert SECRET not in log and "ip=" not in log and "Traceback" not in log


def test_gunicorn_does_not_name_itself(gunicorn):
    status, headers, _ = raw_request(gunicorn.port, b"GET /en/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 200 and headers.get("server", "") == ""
    assert headers["content-security-policy"].startswith("default-src 'none'")


# Dependencies -----------------------------------------------------------------------------


def test_every_dependency_range_has_an_upper_bound():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
    assert requirements and all(re.search(r">=[^,]+,<", requirement) for requirement in requirements), requirements


def test_constraints_pin_what_is_installed_and_ci_uses_them():
    from importlib.metadata import version

    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for name in ("flask", "babel", "gunicorn", "markdown", "bleach", "pytest", "playwright"):
        assert pins[name] == version(name), name
    assert "-c constraints.txt" in (ROOT / ".ci" / "run").read_text()
    assert (ROOT / "tools" / "refresh_constraints.sh").stat().st_mode & 0o111


# Pages kept as bytes -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_pages_app():
    return create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})


def test_every_page_is_kept_and_is_what_jinja_renders(fixture_pages_app):
    app = fixture_pages_app
    client = app.test_client()
    # The app behind the kept pages: the guard, Flask and Jinja render every request.
    behind = Client(app.extensions["tirek_pages"].wsgi_app)
    kept = app.extensions["tirek_pages"].pages
    for path in page_paths(app.extensions["tirek_site"].slugs):
        if path == "/languages/":  # varies with Accept-Language
            assert path not in kept
            continue
        assert path in kept, path
        fast, rendered = client.get(path), behind.get(path)
        assert fast.get_data() == rendered.get_data() == kept[path].identity.body, path
        added = set(rendered.headers.keys()) - {"Content-Length"}
        assert added <= set(fast.headers.keys()), f"{path} lost {added - set(fast.headers.keys())}"


def test_kept_pages_do_not_touch_jinja(fixture_pages_app, monkeypatch):
    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered a template")

    monkeypatch.setattr("flask.templating._render", no_rendering)
    assert fixture_pages_app.test_client().get("/kk/police/").status_code == 200


def test_encodings_etags_and_304(fixture_pages_app):
    client = fixture_pages_app.test_client()
    plain = client.get("/ru/police/")
    assert "Content-Encoding" not in plain.headers and plain.headers["Vary"] == "Accept-Encoding"
    for accept, encoding, decode in [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, br;q=0", "gzip", gzip.decompress),
        ("*", "br", brotli.decompress),
    ]:
        response = client.get("/ru/police/", headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == encoding
        assert decode(response.get_data()) == plain.get_data()
        assert response.headers["ETag"] != plain.headers["ETag"]
        again = client.get(
            "/ru/police/", headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == response.headers["ETag"]
        assert again.headers["Content-Security-Policy"].startswith("default-src 'none'")
    stale = client.get("/ru/police/", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    head = client.head("/ru/police/")
    assert head.get_data() == b"" and head.headers["Content-Length"] == str(len(plain.get_data()))


def test_the_language_chooser_still_follows_accept_language(fixture_pages_app):
    response = fixture_pages_app.test_client().get("/languages/", headers={"Accept-Language": "kk"})
    assert '<html lang="kk">' in response.get_data(as_text=True)


def test_the_export_and_the_service_worker_use_the_kept_bytes(fixture_pages_app):
    import hashlib

    precache = fixture_pages_app.extensions["tirek_precache"]
    kept = fixture_pages_app.extensions["tirek_pages"].pages
    hashed = [entry for entry in precache["entries"] if entry["revision"] and entry["url"] != "languages/"]
    assert len(hashed) == len(kept) - 1  # all but sw.js, which holds the list
    for entry in hashed:
        body = kept["/" + entry["url"]].identity.body
        assert entry["revision"] == hashlib.sha256(body).hexdigest()[:16], entry["url"]
    copy_app = create_app(copy_settings(fixture_pages_app))
    files = build_copy(copy_app)
    for path, page in copy_app.extensions["tirek_pages"].pages.items():
        assert files[file_name(path)] == page.identity.body, path
