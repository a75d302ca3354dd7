"""The quick exit and removal in a real browser: no way back, offline, installed app, no JS."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from conftest import LiveServer, free_port

pytestmark = pytest.mark.browser

EXIT_PAGE = b"<!doctype html><title>Elsewhere</title><p>An ordinary website.</p>"
TEST_WORKER = "/tirek-test-sw.js"


class ExitSite:
    """Stands in for the neutral outside site: another origin, on this machine, never the internet."""

    def __init__(self):
        self.referers: list[str | None] = []  # of requests for the page itself
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/":
                    site.referers.append(self.headers.get("Referer"))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(EXIT_PAGE)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def exit_site():
    site = ExitSite()
    yield site
    site.close()


@pytest.fixture
def exit_url(exit_site):
    exit_site.referers.clear()
    return exit_site.url


@pytest.fixture(scope="module")
def app_server(exit_site):
    server = LiveServer(free_port(), {"TIREK_QUICK_EXIT_URL": exit_site.url}).start()
    yield server
    server.stop()


def href(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("a => a.href")


def click_through_three_pages(page, base: str, lang: str = "en") -> None:
    """Home, then a topic, the contacts and the removal page, each reached by tapping a link
    (and read inside the first address: the reader module's <base> says which page is shown)."""
    page.goto(f"{base}{lang}/")
    for selector in ("main .topics a", ".site-footer a[href$='contacts/']", ".site-footer a[href$='remove/']"):
        target = href(page, selector)
        page.locator(selector).first.click()
        expect(page.locator("base[data-reader-base]")).to_have_attribute("href", target)


def assert_no_way_back(page, base: str) -> None:
    for _ in range(4):
        page.go_back()
        assert not page.url.startswith(base), f"Back returned to {page.url}"


def pretend_installed(context) -> None:
    """Chromium has no switch for display-mode, so the page is told it runs as an installed app."""
    context.add_init_script("""
        const realMatchMedia = window.matchMedia.bind(window);
        window.matchMedia = (query) => /display-mode:\\s*standalone/.test(query)
            ? { matches: true, media: query, addEventListener() {}, removeEventListener() {},
                addListener() {}, removeListener() {} }
            : realMatchMedia(query);
    """)


def exit_by(page, how: str) -> None:
    if how == "button":
        page.locator("a[data-quick-exit]").click()
    elif how == "enter":
        page.locator("a[data-quick-exit]").focus()
        page.keyboard.press("Enter")
    else:
        for _ in range(3):
            page.keyboard.press("Shift")


@pytest.mark.parametrize("how", ["button", "enter", "shift"])
def test_exit_leaves_within_a_second_and_back_never_returns(page, app_server, exit_url, exit_site, how):
    click_through_three_pages(page, app_server.url)
    exit_by(page, how)
    page.wait_for_url(exit_url, timeout=1000)
    assert exit_site.referers == [None]
    assert_no_way_back(page, app_server.url)


def test_in_page_links_and_the_language_switch_add_no_history(page, app_server, exit_url):
    page.goto(app_server.url + "ru/")
    start = page.evaluate("history.length")
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url == app_server.url + "ru/"
    target = href(page, ".languages a[hreflang='kk']")
    page.locator(".languages a[hreflang='kk']").click()
    expect(page.locator("base[data-reader-base]")).to_have_attribute("href", target)
    assert page.url == app_server.url + "ru/"
    assert page.evaluate("history.length") == start
    exit_by(page, "button")
    page.wait_for_url(exit_url)
    assert_no_way_back(page, app_server.url)


def test_the_page_is_hidden_in_the_same_moment(page, app_server, exit_url):
    page.goto(app_server.url + "en/contacts/")
    # Tap and look in one evaluation, before the browser has even asked the next site for anything
    # (Playwright would wait for the started navigation before running another evaluation).
    seen = page.evaluate("""() => {
        document.querySelector('a[data-quick-exit]').click();
        const points = [];
        for (const x of [5, 100, 200, 380]) for (const y of [5, 30, 200, 420, 800]) points.push([x, y]);
        const visible = points.flatMap(([x, y]) => document.elementsFromPoint(x, y))
            .map(el => el.tagName).filter(tag => tag !== 'HTML' && tag !== 'BODY');
        return {url: location.href, visible, title: document.title};
    }""")
    assert seen["url"].startswith(app_server.url)
    assert seen["visible"] == [] and seen["title"] == "Reader"  # the neutral name, as all along
    page.wait_for_url(exit_url, timeout=5000)


def test_shift_typed_for_capitals_or_in_a_field_does_not_exit(page, app_server, exit_url):
    page.goto(app_server.url + "en/")
    page.evaluate("""() => {
        const input = document.createElement('input');
        input.id = 'probe';
        document.querySelector('main').prepend(input);
    }""")
    page.locator("#probe").click()
    for _ in range(3):
        page.keyboard.press("Shift+KeyA")  # capitals
    for _ in range(3):
        page.keyboard.press("Shift")  # a bare Shift, but typed in a field
    assert page.locator("#probe").input_value() == "AAA"
    page.locator("main h2").first.click()  # out of the field
    for _ in range(3):
        page.keyboard.press("Shift+KeyB")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("KeyC")  # another key starts the count again
    page.keyboard.press("Shift")
    status = page.locator("[data-quick-exit-status]")
    # One press counted, not three (the texts are the exit link's data-i18n-*).
    expect(status).to_have_text(page.locator("a[data-quick-exit]").get_attribute("data-i18n-press-twice"))
    assert page.url == app_server.url + "en/"
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(exit_url)


def test_progress_is_announced_and_expires_after_five_seconds(page, app_server, exit_url):
    page.clock.install()
    page.goto(app_server.url + "kk/")
    # Stopped, so that only run_for moves time: a slow machine cannot add its own seconds.
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    status = page.locator("[data-quick-exit-status]")
    exit_link = page.locator("a[data-quick-exit]")

    def announced(key):
        expect(status).to_have_text(exit_link.get_attribute(f"data-i18n-{key}"))

    page.keyboard.press("Shift")
    announced("press-twice")
    page.keyboard.press("Shift")
    announced("press-once")
    page.clock.run_for(5001)
    announced("expired")
    page.keyboard.press("Shift")
    announced("press-twice")
    page.clock.run_for(4900)
    page.keyboard.press("Shift")
    announced("press-once")
    page.clock.run_for(4900)
    page.keyboard.press("Shift")
    page.wait_for_url(exit_url)


def test_quick_exit_is_first_after_the_skip_link_with_a_visible_focus(page, app_server):
    page.goto(app_server.url + "en/contacts/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {exit: el.matches('a[data-quick-exit]'), outline: style.outlineStyle,
                width: parseFloat(style.outlineWidth), background: style.backgroundColor};
    }""")
    assert focused["exit"]
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.locator("main").focus()
    unfocused = page.locator("a[data-quick-exit]").evaluate("el => getComputedStyle(el).backgroundColor")
    assert focused["background"] != unfocused


def test_offline_exit_chooses_the_cover_page(page, app_server, exit_url):
    page.goto(app_server.url + "en/")
    page.context.set_offline(True)
    try:
        with page.expect_request(lambda r: r.is_navigation_request(), timeout=2000) as request:
            page.locator("a[data-quick-exit]").click()
        assert request.value.url == app_server.url + "cover/"
    finally:
        page.context.set_offline(False)


def test_installed_app_exits_to_the_cover_page(browser, app_server, exit_url):
    context = browser.new_context()
    pretend_installed(context)
    page = context.new_page()
    click_through_three_pages(page, app_server.url, "ru")
    exit_by(page, "shift")
    page.wait_for_url(app_server.url + "cover/")
    assert page.title() == "about:blank"
    assert page.locator("body").inner_text() == ""
    assert_no_way_back(page, app_server.url + "ru/")
    context.close()


def test_offline_exit_lands_on_the_cached_cover_page(page, live_server_factory, exit_url):
    server = live_server_factory(TIREK_QUICK_EXIT_URL=exit_url)
    page.goto(server.url + "en/")
    registered = page.evaluate("""() => new Promise(resolve => setTimeout(resolve, 1000))
        .then(() => navigator.serviceWorker.getRegistration())
        .then(registration => !!registration)""")
    assert registered, "no service worker registered"
    page.evaluate("navigator.serviceWorker.ready")
    server.stop()
    page.context.set_offline(True)
    try:
        page.locator("a[data-quick-exit]").click()
        page.wait_for_url(server.url + "cover/", timeout=2000)
        page.wait_for_load_state()
        assert page.title() == "about:blank"
    finally:
        page.context.set_offline(False)


# --- removal ------------------------------------------------------------------------------------


def install_test_worker(context) -> None:
    context.route(
        f"**{TEST_WORKER}",
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="self.addEventListener('fetch', () => {});"
        ),
    )


def store_something(page) -> None:
    """A service worker and a cache, as the offline feature leaves them."""
    page.evaluate(f"""async () => {{
        await navigator.serviceWorker.register('{TEST_WORKER}');
        await navigator.serviceWorker.ready;
        const cache = await caches.open('tirek-test');
        await cache.put('/probe', new Response('kept for offline'));
    }}""")
    assert stored(page) != (0, 0)


def stored(page) -> tuple[int, int]:
    return tuple(
        page.evaluate("""async () => [
        (await navigator.serviceWorker.getRegistrations()).length,
        (await caches.keys()).length]""")
    )


@pytest.mark.parametrize("server_reachable", [True, False], ids=["online", "server-stopped"])
def test_removal_unregisters_the_worker_empties_the_caches_and_leaves(
    browser, live_server_factory, exit_url, server_reachable
):
    server = live_server_factory(TIREK_QUICK_EXIT_URL=exit_url)
    context = browser.new_context()
    install_test_worker(context)
    page = context.new_page()
    page.goto(server.url + "kk/remove/")
    store_something(page)
    if not server_reachable:
        server.stop()  # the JavaScript alone must do it
    page.locator("form[data-remove] button").click()
    page.wait_for_url(exit_url, timeout=5000)
    assert_no_way_back(page, server.url)
    if not server_reachable:
        server.start()
    page.goto(server.url + "cover/")  # no scripts there that could register anything again
    assert stored(page) == (0, 0)
    context.close()


def test_removal_without_javascript_sends_clear_site_data_and_leaves(browser, app_server, exit_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(app_server.url + "ru/remove/")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("form[data-remove] button").click()
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    page.wait_for_url(exit_url, timeout=3000)
    context.close()


def test_quick_exit_without_javascript_is_a_plain_link(browser, app_server, exit_url, exit_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(app_server.url + "en/")
    page.locator("a[data-quick-exit]").click()
    page.wait_for_url(exit_url)
    assert exit_site.referers == [None]
    context.close()


# --- nothing from elsewhere, nothing kept -------------------------------------------------------


def test_pages_load_nothing_from_elsewhere_and_set_no_cookie(page, app_server):
    base = app_server.url
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(base + "en/")
    topic = href(page, "main .topics a")
    for url in (topic, base + "ru/contacts/", base + "kk/remove/", base + "cover/", base + "en/no-such-page/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    foreign = [u for u in requests if not u.startswith(base)]
    assert foreign == []
    assert [p for p in problems if "Policy" in p or "Content Security" in p] == []
    assert page.context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
