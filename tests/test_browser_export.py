"""The static copy in Chromium: under a deep path prefix on a plain web server, and from file://."""

from __future__ import annotations

import re
import secrets
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import create_app
from tirek.languages import LANGUAGES
from tirek.export import build_copy, write_tree
from tirek.urls import page_path

from test_export import sound_content

pytestmark = pytest.mark.browser


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, *args):
        pass


class StaticServer:
    """A plain static web server for a folder, like any host a mirror might use."""

    def __init__(self, root: Path):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The export at /a/b/<random>/ inside the served folder, and the app that made it."""
    content = sound_content(tmp_path_factory.mktemp("content") / "resources")
    app = create_app({"TESTING": True, "LINK_INDEX_FILES": True, "RESOURCES_DIR": str(content)})
    root = tmp_path_factory.mktemp("served")
    prefix = f"a/b/{secrets.token_hex(6)}/"
    write_tree(build_copy(app), root / prefix)
    return {"root": root, "prefix": prefix, "folder": root / prefix, "site": app.extensions["tirek_site"]}


@pytest.fixture
def server(copy):
    server = StaticServer(copy["root"])
    yield server
    server.stop()


def record_requests(context) -> tuple[list[str], list[str]]:
    requests, failures = [], []
    context.on("request", lambda request: requests.append(request.url))
    # A favicon still loading when the test moves on is aborted; that is no broken link.
    context.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
               and failures.append(f"{request.url}: {request.failure}"))
    context.on("response", lambda response: response.status >= 400
               and failures.append(f"{response.url}: {response.status}"))
    return requests, failures


def reader_pages(site) -> set[str]:
    """The pages a reader must be able to reach by links from the start page."""
    paths = set()
    for lang in LANGUAGES:
        paths |= {page_path(lang), page_path(lang, "contacts"), page_path(lang, "mirrors")}
        paths |= {page_path(lang, slug) for slug in site.slugs}
    return {path.lstrip("/") + "index.html" for path in paths}


def assert_page_is_whole(page, url: str, base: str) -> None:
    lang = page.locator("html").get_attribute("lang")
    folder = url.removeprefix(base).split("/")[0]
    # Pages in a language's folder are in that language; others (e.g. a neutral cover) name theirs.
    assert lang == folder if folder in LANGUAGES else lang, url
    assert page.locator("body").inner_text().strip(), url
    # The stylesheet loaded (browsers give the body a margin of 8px; site.css takes it away).
    assert page.locator("body").evaluate("body => getComputedStyle(body).marginTop") == "0px", url


def folder_or_index(folder: str) -> re.Pattern:
    """A page of the copy at either form of its address (the service worker saves the folder form)."""
    return re.compile(re.escape(folder) + r"(index\.html)?$")


def test_copy_under_a_deep_prefix_is_navigable_by_links(browser, copy, server):
    base = f"{server.origin}/{copy['prefix']}"
    # A language the chooser does not offer, so the start page stays and its links are followed.
    context = browser.new_context(locale="de-DE")
    requests, failures = record_requests(context)
    page = context.new_page()

    # A reader's path, by clicks: start page, Kazakh, the mirrors page, Russian, English, each
    # read inside the start page's address (the reader module's <base> names the page shown).
    page.goto(base)
    shown = page.locator("base[data-reader-base]")
    page.locator("[data-choose-language] a[hreflang=kk]").click()
    expect(shown).to_have_attribute("href", folder_or_index(base + "kk/"))
    page.locator(".site-footer a[href$='mirrors/index.html']").click()
    expect(shown).to_have_attribute("href", folder_or_index(base + "kk/mirrors/"))
    page.locator(".languages a[hreflang=ru]").click()
    expect(shown).to_have_attribute("href", folder_or_index(base + "ru/mirrors/"))
    page.locator(".languages a[hreflang=en]").click()
    expect(shown).to_have_attribute("href", folder_or_index(base + "en/mirrors/"))
    assert page.url == base

    # Then every link on every page, from the start page.
    seen, queue = set(), [base]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response.status == 200, url
        assert_page_is_whole(page, url, base)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = href.split("#")[0]
            if href.startswith(server.origin):
                assert href.startswith(base), f"{url} links outside the copy: {href}"
                queue.append(href)
    context.close()

    reached = {url.removeprefix(base) for url in seen}
    assert reader_pages(copy["site"]) <= reached
    assert failures == []
    outside = [url for url in requests if not url.startswith(base)]
    assert outside == [], "requests outside the copy's folder or to another site"


def test_copy_under_a_prefix_reads_offline_with_its_service_worker(browser, copy):
    assert (copy["folder"] / "sw.js").is_file(), "the copy has no service worker"
    server = StaticServer(copy["root"])
    base = f"{server.origin}/{copy['prefix']}"
    context = browser.new_context()
    requests, _ = record_requests(context)
    page = context.new_page()
    try:
        page.goto(base + "ru/index.html")
        scope = page.evaluate("navigator.serviceWorker.ready.then(reg => reg.scope)")
        assert scope == base
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
    finally:
        server.stop()

    names = sorted(path.relative_to(copy["folder"]).as_posix()
                   for path in copy["folder"].rglob("index.html"))
    for name in names:
        exported = (copy["folder"] / name).read_bytes()
        for url in (base + name, base + name.removesuffix("index.html")):
            response = page.goto(url)
            assert response is not None and response.ok, url
            if name == "index.html":
                # The start page: offline, the worker may open a language's home, as the server's / does.
                assert page.locator("html").get_attribute("lang") in LANGUAGES
                continue
            # Offline, the reader gets exactly the page in the copy, at either form of its address.
            assert response.body() == exported, url
            if name.split("/")[0] in LANGUAGES:
                assert_page_is_whole(page, url, base)
    context.close()
    assert [url for url in requests if not url.startswith(base)] == []


def test_start_page_picks_the_browsers_language(browser, copy, server):
    base = f"{server.origin}/{copy['prefix']}"
    context = browser.new_context(locale="kk-KZ")
    page = context.new_page()
    page.goto(base)
    # The Kazakh home opens inside the start page's address, so Back leaves the site.
    expect(page.locator("base[data-reader-base]")).to_have_attribute("href", folder_or_index(base + "kk/"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert page.url == base
    page.go_back()
    assert page.url == "about:blank"
    context.close()


def test_page_from_file_url_reads_without_javascript(browser, copy):
    folder_url = copy["folder"].as_uri() + "/"
    context = browser.new_context(java_script_enabled=False)
    requests, failures = record_requests(context)
    page = context.new_page()
    slug = copy["site"].slugs[0]
    page.goto(folder_url + f"ru/{slug}/index.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main").inner_text().strip()
    assert_page_is_whole(page, page.url, folder_url)
    page.screenshot(path=str(copy["root"] / "file-url.png"))

    # Folder links end in index.html, so following them works without a web server.
    page.locator(".back a").first.click()
    page.wait_for_url(folder_url + "ru/index.html")
    page.locator(".topics a").first.click()
    assert page.url.startswith(folder_url + "ru/") and page.url.endswith("/index.html")
    assert_page_is_whole(page, page.url, folder_url)
    page.locator(".languages a[hreflang=kk]").click()
    assert page.url.endswith("/index.html") and "/kk/" in page.url
    assert_page_is_whole(page, page.url, folder_url)
    context.close()
    assert failures == []
    assert [url for url in requests if not url.startswith(folder_url)] == []
