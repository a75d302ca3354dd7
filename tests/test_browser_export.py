"""The static copy in Chromium: under a deep path prefix, from file://, on a plain file server; the one-file copy."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import create_app
from conftest import FIXTURE_SITE, free_port, sound_content
from tirek.export import build_copy, write_tree
from tirek.languages import LANGUAGES
from tirek.urls import page_path

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
    context.on(
        "requestfailed",
        lambda request: (
            "ERR_ABORTED" not in (request.failure or "") and failures.append(f"{request.url}: {request.failure}")
        ),
    )
    context.on(
        "response", lambda response: response.status >= 400 and failures.append(f"{response.url}: {response.status}")
    )
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

    names = sorted(path.relative_to(copy["folder"]).as_posix() for path in copy["folder"].rglob("index.html"))
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


# The one-file copy, and a static copy with no server behind it --------------------------------


class FileServer:
    """``python -m http.server`` in its own process: the plainest host there is. It sends no
    headers of its own policy and answers a POST with 501."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1", "--directory", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.origin = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(self.origin + "/", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("python -m http.server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def fixture_copy(tmp_path_factory):
    """An export of the fixture site (it has keywords and a page linking the one-file copy)."""
    app = create_app({"TESTING": True, "LINK_INDEX_FILES": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    root = tmp_path_factory.mktemp("plain")
    write_tree(build_copy(app), root / "mirror")
    return {"root": root, "folder": root / "mirror", "site": app.extensions["tirek_site"]}


@pytest.fixture(scope="module")
def file_server(fixture_copy):
    server = FileServer(fixture_copy["root"])
    yield server
    server.stop()


def no_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    requests, failures = record_requests(context)
    return context, context.new_page(), requests, failures


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_file_copy_reads_from_a_file_without_javascript_and_requests_nothing(browser, copy, tmp_path, lang):
    # Alone in a folder, as in Downloads: nothing of the copy beside it.
    saved = tmp_path / f"reader-{lang}.html"
    saved.write_bytes((copy["folder"] / lang / "copy.html").read_bytes())
    context, page, requests, failures = no_javascript(browser)
    page.goto(saved.as_uri())
    assert page.locator("html").get_attribute("lang") == lang
    # The inline stylesheet applied: the policy allows it by its hash.
    assert page.locator("body").evaluate("body => getComputedStyle(body).marginTop") == "0px"
    topics = copy["site"].topics(lang)
    for topic in topics:
        expect(page.locator(f"article#{topic.slug} h2")).to_have_text(topic.title)
    expect(page.locator("#contacts .contact").first).to_be_visible()
    expect(page.locator("#contacts .trace").first).not_to_be_empty()

    # Links between pages jump within the file.
    last = topics[-1]
    page.locator(f".topics a[href='#{last.slug}']").click()
    assert page.url == saved.as_uri() + f"#{last.slug}"
    expect(page.locator(f"article#{last.slug} h2")).to_be_in_viewport()
    page.locator(f"article#{last.slug} .back a").click()
    expect(page.locator("#index")).to_be_in_viewport()
    page.locator(".urgent a[href='#contacts']").click()
    expect(page.locator("#contacts h2").first).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / f"copy-{lang}.png"))
    context.close()
    assert failures == []
    assert requests == [saved.as_uri()], "the file requested something"


def test_static_copy_search_without_javascript_offers_topics_and_keywords(browser, fixture_copy, file_server):
    base = f"{file_server.origin}/mirror/"
    context, page, requests, failures = no_javascript(browser)
    page.goto(base + "ru/search/index.html")
    expect(page.locator(".search-topics .notice")).to_be_visible()
    topics = fixture_copy["site"].topics("ru")
    expect(page.locator(".search-topics .topics a")).to_have_count(len(topics))
    # A word from the A–Z leads to its page.
    page.locator(".keywords dd", has_text="мессенджер").locator("a").click()
    page.wait_for_url(base + "ru/share-a-copy/index.html")
    # No form to submit: a static host cannot take its POST, and a GET would put the query in an address.
    page.goto(base + "ru/search/index.html")
    expect(page.locator(".search-form")).to_be_hidden()
    page.goto(base + "ru/index.html")
    expect(page.locator(".search-form")).to_be_hidden()
    context.close()
    assert failures == []
    assert [url for url in requests if not url.startswith(base)] == []


def test_static_copy_removal_without_javascript_shows_steps_not_an_error(browser, fixture_copy, file_server):
    base = f"{file_server.origin}/mirror/"
    context, page, requests, failures = no_javascript(browser)
    page.goto(base + "ru/remove/index.html")
    expect(page.locator("#by-hand")).to_be_visible()
    with page.expect_navigation() as navigation:
        page.locator(".remove-form button").click()
    assert navigation.value.status == 200
    assert page.url.startswith(base + "ru/remove/index.html") and page.url.endswith("#by-hand")
    expect(page.locator("#by-hand h2")).to_be_in_viewport()
    context.close()
    assert failures == []


def test_meta_policy_stops_an_injected_inline_script_in_a_static_copy(browser, fixture_copy, file_server):
    """A copy on a host that sends no headers: an inline script slipped into a page does not run,
    and the page's own scripts still do. The same page without the meta tag is the control."""
    folder = fixture_copy["folder"] / "ru" / "police"
    page_html = (folder / "index.html").read_text(encoding="utf-8")
    injected = page_html.replace(
        "<body>", '<body><script>document.documentElement.dataset.injected = "ran"</script>', 1
    )
    assert injected != page_html
    (folder / "injected.html").write_text(injected, encoding="utf-8")
    control = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", injected)
    assert control != injected
    (folder / "control.html").write_text(control, encoding="utf-8")
    try:
        context = browser.new_context()
        page = context.new_page()
        violations = []
        page.on(
            "console", lambda message: "Content Security Policy" in message.text and violations.append(message.text)
        )
        page.goto(f"{file_server.origin}/mirror/ru/police/control.html")
        assert page.locator("html").get_attribute("data-injected") == "ran"
        page.goto(f"{file_server.origin}/mirror/ru/police/injected.html")
        # quick-exit.js, the page's own script, started its module on the exit link.
        expect(page.locator("a[data-quick-exit]")).to_have_attribute("data-quick-exit-init", "")
        assert page.locator("html").get_attribute("data-injected") is None
        assert violations and "script-src" in violations[0]
        context.close()
    finally:
        (folder / "injected.html").unlink()
        (folder / "control.html").unlink()


def test_static_copy_search_with_javascript_shows_the_form_and_answers_in_place(browser, fixture_copy, file_server):
    base = f"{file_server.origin}/mirror/"
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "ru/search/index.html")
    field = page.locator("#search-q")
    expect(field).to_be_visible()
    field.fill("полиция")
    expect(page.locator(".results a").first).to_be_visible()
    assert page.url == base + "ru/search/index.html"
    context.close()
