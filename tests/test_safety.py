"""Leaving no trace: headers on every response, no cookies, no third-party loads, the removal
page, the neutral cover page, the quick-exit markup, and a server that keeps no access log."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from app import create_app
from conftest import LANGS, ROOT, free_port
from tirek import sitemap, views
from tirek.security import CONTENT_SECURITY_POLICY

EXIT_URL = "https://exit.example/"
BASE = "http://localhost"
EXPECTED_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture
def safety_app():
    return create_app({"TESTING": True, "QUICK_EXIT_URL": EXIT_URL})


@pytest.fixture
def client(safety_app):
    return safety_app.test_client()


def site(app):
    return app.extensions["tirek_site"]


class Document(HTMLParser):
    """The parts of an HTML page these tests look at."""

    # (tag, attribute) pairs whose URL the browser loads by itself, without a tap.
    LOADED = {("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"),
              ("source", "srcset"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
              ("video", "src"), ("video", "poster"), ("audio", "src"), ("track", "src"),
              ("input", "src"), ("form", "action")}

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
            if tag == "link" and attrs.get("rel") not in ("alternate", None) and attrs.get("href"):
                urls.append(attrs["href"])
        return urls


def every_kind_of_request(app) -> list[tuple[str, str, dict]]:
    """(method, path, extra headers) for every kind of response the app gives."""
    requests = [("GET", path, {}) for path in sitemap.page_paths(site(app).slugs)]
    requests += [
        ("GET", "/", {}),                                   # language redirect
        ("GET", "/en/no-such-page/", {}),                   # 404 in a language
        ("GET", "/nowhere", {}),                            # 404 outside any language
        ("GET", "/xx/", {}),                                # unknown language
        ("POST", "/en/remove/", {}),                        # the removal itself
        ("POST", "/en/", {}),                               # 405 from Flask
        ("HEAD", "/ru/", {}),
        ("OPTIONS", "/ru/", {}),
    ]
    for hashed in app.config["ASSET_MANIFEST"].values():
        requests.append(("GET", f"/static/{hashed}", {}))
        requests.append(("GET", f"/static/{hashed}", {"Accept-Encoding": "gzip, br"}))
    any_static = f"/static/{next(iter(app.config['ASSET_MANIFEST'].values()))}"
    requests.append(("POST", any_static, {}))                                   # 405 from WhiteNoise
    etag = app.test_client().get(any_static).headers["ETag"]
    requests.append(("GET", any_static, {"If-None-Match": etag}))               # 304 from WhiteNoise
    requests.append(("GET", "/static/css/no-such.css", {}))
    for extra in ("/sw.js", "/manifest.webmanifest"):  # another feature's files, if present
        requests.append(("GET", extra, {}))
    return requests


def test_every_response_has_the_headers_and_no_cookie(safety_app, client):
    statuses = set()
    for method, path, headers in every_kind_of_request(safety_app):
        response = client.open(path, method=method, headers=headers)
        statuses.add(response.status_code)
        where = f"{method} {path} -> {response.status_code}"
        for name, value in EXPECTED_HEADERS.items():
            assert response.headers.get(name) == value, f"{where}: {name}"
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
        assert "=()" in response.headers.get("Permissions-Policy", ""), where
        assert "Set-Cookie" not in response.headers, where
        assert "Strict-Transport-Security" not in response.headers, where
    assert {200, 302, 304, 404, 405} <= statuses


def test_hsts_is_sent_everywhere_when_configured():
    app = create_app({"TESTING": True, "HSTS": True})
    client = app.test_client()
    static = f"/static/{app.config['ASSET_MANIFEST']['css/site.css']}"
    for path in ("/en/", "/cover/", "/en/nope/", static):
        assert client.get(path).headers["Strict-Transport-Security"].startswith("max-age="), path
    assert "Strict-Transport-Security" in client.post(static).headers


def test_content_security_policy_allows_only_this_origin():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'none'")
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"  # the reader module's <base>, same origin only
    assert directives["form-action"] == "'self'"
    for name, sources in directives.items():
        assert set(sources.split()) <= {"'none'", "'self'"}, f"{name} allows {sources}"


def test_a_cookie_set_by_mistake_never_leaves(safety_app):
    @safety_app.get("/cookie-test/")
    def cookie_test():
        from flask import make_response
        response = make_response("x")
        response.set_cookie("tracking", "1")
        return response

    assert "Set-Cookie" not in safety_app.test_client().get("/cookie-test/").headers


def test_no_page_loads_anything_from_another_origin(safety_app, client):
    for method, path, headers in every_kind_of_request(safety_app):
        response = client.open(path, method=method, headers=headers)
        if response.mimetype != "text/html" or method == "HEAD":
            continue
        for url in Document(response.get_data(as_text=True)).loaded_urls():
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{path} loads {url}"


def test_static_files_name_no_other_origin():
    allowed = ("http://www.w3.org/",)  # XML namespaces are names, not requests
    for path in sorted((ROOT / "static").rglob("*")):
        if path.suffix not in {".css", ".js", ".svg", ".json", ".webmanifest", ".html"}:
            continue
        for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\")]*", path.read_text()):
            assert url.startswith(allowed), f"{path.relative_to(ROOT)} names {url}"


# --- quick exit markup --------------------------------------------------------------------------

def test_every_page_but_the_cover_has_the_quick_exit_first(safety_app, client):
    for path in sitemap.page_paths(site(safety_app).slugs):
        if path == views.COVER_PATH:
            continue
        doc = Document(client.get(path).get_data(as_text=True))
        links = [(t, a) for t, a in doc.tags if t == "a"]
        assert "skip-link" in links[0][1].get("class", ""), path
        exit_link = links[1][1]
        assert "data-quick-exit" in exit_link, f"{path}: the quick exit is not right after the skip link"
        assert exit_link["href"] == EXIT_URL
        assert "noreferrer" in exit_link["rel"]
        assert urljoin(BASE + path, exit_link["data-cover"]) == BASE + views.COVER_PATH
        scripts = [a["src"] for a in doc.find("script")]
        assert any("quick-exit." in s for s in scripts) and any("reader." in s for s in scripts)
        # Every script waits for the page, but the one that puts the neutral name in the title.
        assert all("defer" in a for a in doc.find("script") if "neutral-title." not in a["src"]), path


@pytest.mark.parametrize("lang", LANGS)
def test_announcements_are_translated(client, lang):
    doc = Document(client.get(f"/{lang}/").get_data(as_text=True))
    (status,) = [a for t, a in doc.tags if "data-quick-exit-status" in a]
    assert status["role"] == "status"
    # The texts live on the module's root, the exit link (data-i18n-*).
    (strings,) = [a for t, a in doc.tags if t == "a" and "data-quick-exit" in a]
    english = {"data-i18n-press-twice": "Shift, press 2 more times to exit.",
               "data-i18n-press-once": "Shift, press 1 more time to exit.",
               "data-i18n-expired": "Exit this page expired.", "data-i18n-leaving": "Loading."}
    for name, text in english.items():
        assert strings[name], name
        assert (strings[name] == text) == (lang == "en"), f"{lang} {name}: {strings[name]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_explains_the_quick_exit(safety_app, client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert html.count('class="exit-hint"') == 1
    hint = html[html.index('class="exit-hint"'):].split("</p>", 1)[0]
    assert "Shift" in hint
    if site(safety_app).page(lang, views.SAFETY_SLUG):
        assert f'href="../{views.SAFETY_SLUG}/"' in hint or f'href="{views.SAFETY_SLUG}/"' in hint


# --- the cover page -----------------------------------------------------------------------------

def test_cover_page_betrays_nothing():
    app = create_app({"TESTING": True, "QUICK_EXIT_URL": EXIT_URL, "SITE_NAME": "Pomegranate"})
    client = app.test_client()
    response = client.get("/cover/")
    html = response.get_data(as_text=True)
    doc = Document(html)
    assert response.status_code == 200
    assert views.COVER_PATH in sitemap.page_paths(site(app).slugs)
    assert "pomegranate" not in html.lower() and "tirek" not in html.lower()
    assert "data-quick-exit" not in html
    assert not doc.find("script") and not doc.find("link") and not doc.find("a")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "about:blank"
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    assert body.strip() == ""
    # Language-neutral: the same bytes whatever the reader's language.
    for language in ("kk", "ru", "en"):
        assert client.get("/cover/", headers={"Accept-Language": language}).get_data(as_text=True) == html


# --- removal ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_remove_page_asks_first(safety_app, client, lang):
    assert f"/{lang}/remove/" in sitemap.page_paths(site(safety_app).slugs)
    response = client.get(f"/{lang}/remove/")
    assert response.status_code == 200
    assert "Clear-Site-Data" not in response.headers
    doc = Document(response.get_data(as_text=True))
    (form,) = doc.find("form")
    assert form["method"] == "post" and urljoin(BASE + f"/{lang}/remove/", form["action"]) == BASE + f"/{lang}/remove/"
    assert form["data-exit"] == EXIT_URL
    assert len(doc.find("button", type="submit")) == 1
    assert any("remove." in a["src"] for a in doc.find("script"))
    assert doc.find("html")[0]["lang"] == lang


@pytest.mark.parametrize("lang", LANGS)
def test_confirming_removal_clears_the_site_data_and_leaves(client, lang):
    response = client.post(f"/{lang}/remove/", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert response.headers["Cache-Control"] == "no-store"
    doc = Document(response.get_data(as_text=True))
    (refresh,) = doc.find("meta", **{"http-equiv": "refresh"})
    assert refresh["content"] == f"0; url={EXIT_URL}"
    assert doc.find("a")[0]["href"] == EXIT_URL
    assert "data-quick-exit" not in response.get_data(as_text=True)


def test_every_page_links_to_the_remove_page(safety_app, client):
    for path in sitemap.page_paths(site(safety_app).slugs):
        if path in sitemap.ROOT_PAGES:
            continue  # the cover shows nothing of the app; the chooser has only the languages
        hrefs = [urljoin(BASE + path, a.get("href", "")) for a in
                 Document(client.get(path).get_data(as_text=True)).find("a")]
        lang = path.split("/")[1]
        assert f"{BASE}/{lang}/remove/" in hrefs, path


def test_remove_and_cover_cannot_be_taken_by_content():
    from tirek.content import RESERVED_SLUGS
    assert {"remove", "cover"} <= RESERVED_SLUGS


# --- the production server ----------------------------------------------------------------------

def test_gunicorn_keeps_no_access_log_and_no_client_address(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "app:create_app()"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/en/contacts/", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.2)
        urllib.request.urlopen(f"{url}/en/remove/", timeout=5)
        import socket
        with socket.create_connection(("127.0.0.1", port)) as sock:  # an invalid request
            sock.sendall(b"NONSENSE\r\n\r\n")
            sock.recv(100)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "Using worker: gthread" in text, "gunicorn.conf.py was not read:\n" + text
    assert "Invalid request" in text
    assert "/en/contacts/" not in text and "/en/remove/" not in text
    lines_with_address = [line for line in text.splitlines()
                          if "127.0.0.1" in line and "Listening at" not in line]
    assert lines_with_address == []
