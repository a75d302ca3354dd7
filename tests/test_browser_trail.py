"""No trail in the browser: reading inside one address, neutral titles, the quick exit finished.

Chromium is asked what it kept: its History database after a reading session, the address bar,
the Back list, focus and the screen-reader announcement after each page, every tab at an exit.
"""

from __future__ import annotations

import re
import sqlite3
import time
import urllib.parse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from test_browser_quick_exit import ExitSite

from conftest import LiveServer, free_port

pytestmark = pytest.mark.browser

APP_NAME = "Reader"  # config.py's default TIREK_APP_NAME
SITE_URL = "https://tirek.example"  # so that pages name their canonical and alternate addresses
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Words found nowhere in the content, so finding them anywhere in the profile means a query leaked.
QUERIES = ("трансгормонка", "рейдпроверочка")
ANNOUNCER = "[data-module~='reader']"


@pytest.fixture(scope="module")
def exit_site():
    site = ExitSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def server(exit_site):
    server = LiveServer(free_port(), {"TIREK_QUICK_EXIT_URL": exit_site.url, "TIREK_SITE_URL": SITE_URL}).start()
    yield server
    server.stop()


def shown(page) -> str:
    """The address of the page on screen: the reader's <base>, or the address bar's before any swap."""
    return page.evaluate("document.baseURI")


def follow(page, link) -> str:
    """Tap a link and wait until its page is on screen; returns the page's address."""
    target = link.evaluate("a => a.href").split("#")[0]
    link.click()
    expect(page.locator("base[data-reader-base]")).to_have_attribute("href", target)
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    return target


def search(page, field: str, query: str) -> None:
    page.locator(field).fill(query)
    page.locator(field).press("Enter")
    expect(page.locator(".search-status")).to_contain_text(query)


def wait_until(page, script: str, timeout_s: float = 5) -> None:
    """Poll a condition from Python: wait_for_function polls with eval, which the pages' policy may refuse."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(50)


def query_forms(query: str) -> list[bytes]:
    return [
        query.encode(),
        query.encode("utf-16-le"),
        urllib.parse.quote(query).encode(),
        urllib.parse.quote_plus(query).encode(),
    ]


# --- the History database -----------------------------------------------------------------------


def test_history_keeps_one_neutral_entry_and_no_query(
    browser_type, browser_type_launch_args, browser_context_args, server, tmp_path
):
    profile = tmp_path / "profile"
    context = browser_type.launch_persistent_context(profile, **browser_type_launch_args, **browser_context_args)
    arrival = server.url + "ru/"
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(arrival)
        assert page.title() == APP_NAME
        search(page, "#home-search", QUERIES[0])
        visited = [
            follow(page, page.locator("main .topics a").first),
            follow(page, page.locator(".site-footer a[href$='contacts/']")),
            follow(page, page.locator(".site-header .search-link")),
        ]
        assert visited[0] != arrival and visited[1].endswith("/ru/contacts/") and visited[2].endswith("/ru/search/")
        search(page, "#search-q", QUERIES[1])
        assert page.url == arrival
        assert page.title() == APP_NAME
    finally:
        context.close()  # Chromium writes its History on the way out

    history = profile / "Default" / "History"
    with sqlite3.connect(history) as db:
        urls = db.execute("SELECT id, url, title FROM urls").fetchall()
        visits = db.execute("SELECT url FROM visits").fetchall()
    ours = [(url, title) for _, url, title in urls if url.startswith(server.url)]
    assert ours == [(arrival, APP_NAME)]
    (arrival_id,) = [id_ for id_, url, _ in urls if url == arrival]
    assert visits == [(arrival_id,)]
    # No query in the database (nor its journal), in any encoding, nor anywhere else in the profile.
    for path in sorted(p for p in profile.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for query in QUERIES:
            assert not any(form in data for form in query_forms(query)), f"{query!r} in {path}"


# --- a swap, as a reader and a screen reader meet it --------------------------------------------


def test_a_new_page_takes_focus_on_its_heading_and_is_announced(page, server):
    page.goto(server.url + "en/")
    start = page.evaluate("history.length")
    page.mouse.wheel(0, 600)
    wait_until(page, "window.scrollY > 0")
    follow(page, page.locator("main .topics a").first)
    heading = page.locator("main h1")
    expect(heading).to_be_focused()
    expect(page.locator(ANNOUNCER)).to_have_text(f"Opened: {heading.inner_text()}")
    assert page.evaluate("window.scrollY") == 0
    assert page.url == server.url + "en/" and page.evaluate("history.length") == start
    assert page.title() == APP_NAME
    # Another page in the reader's language: the announcement follows it.
    follow(page, page.locator(".languages a[hreflang='ru']"))
    expect(page.locator(ANNOUNCER)).to_have_text(re.compile(r"^Открыто: "))
    expect(page.locator("main h1")).to_be_focused()


def test_language_switch_brings_the_whole_page_in_the_new_language(page, server):
    page.goto(server.url + "kk/")
    topic = follow(page, page.locator("main .topics a").first)
    slug = topic.removeprefix(server.url + "kk/")
    follow(page, page.locator(".languages a[hreflang='ru']"))
    assert shown(page) == server.url + "ru/" + slug
    assert page.locator("html").get_attribute("lang") == "ru"
    expect(page.locator("a[data-quick-exit]")).to_have_text("Покинуть страницу")
    expect(page.locator(".languages [aria-current]")).to_have_attribute("lang", "ru")
    assert page.locator(".languages a[hreflang='en']").evaluate("a => a.href") == server.url + "en/" + slug
    alternates = page.eval_on_selector_all("link[rel=alternate]", "links => links.map(l => [l.hreflang, l.href])")
    assert {lang: href for lang, href in alternates} == {
        lang: f"{SITE_URL}/{lang}/{slug}" for lang in ("en", "kk", "ru")
    } | {"x-default": f"{SITE_URL}/ru/{slug}"}
    assert page.locator("link[rel=canonical]").get_attribute("href") == f"{SITE_URL}/ru/{slug}"
    assert page.url == server.url + "kk/"


def test_anchors_in_the_page_and_on_another_page(page, server):
    page.goto(server.url + "ru/")
    # The home page's "help now" links lead to a section of another page (../police/#detained).
    link = page.locator(".help-now a[href*='#']").first
    target_id = link.get_attribute("href").split("#")[1]
    follow(page, link)
    section = page.locator(f"[id='{target_id}']")
    expect(section).to_be_focused()
    expect(section).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    # The skip link stays on this page and does not add "#main" to any address.
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url == server.url + "ru/"
    assert "#" not in shown(page)


def test_the_one_file_copy_downloads_and_the_page_stays(page, server):
    page.goto(server.url + "en/")
    follow(page, page.locator(".site-footer a[href$='mirrors/']"))
    with page.expect_download() as download:
        page.locator("main a[href$='copy.html']").click()
    assert download.value.url == server.url + "en/copy.html"
    assert shown(page) == server.url + "en/mirrors/" and page.url == server.url + "en/"


def test_other_sites_are_left_to_the_browser(page, server, exit_site):
    page.goto(server.url + "en/")
    follow(page, page.locator(".site-footer a[href$='contacts/']"))
    page.evaluate(
        """href => document.querySelector('main').insertAdjacentHTML(
        'afterbegin', `<a id="probe" href="${href}">probe</a>`)""",
        exit_site.url + "?source",
    )
    page.locator("#probe").click()
    page.wait_for_url(exit_site.url + "?source")


def test_the_exit_and_search_still_work_after_swaps_and_back_leaves(page, server, exit_site):
    page.goto("about:blank")
    page.goto(server.url + "en/contacts/")  # a page without search.js: the swap brings it in
    assert page.locator("script[src*='search.']").count() == 0
    search_box = page.locator("[data-module~='search']")
    follow(page, page.locator(".site-header .brand"))
    expect(search_box).to_have_attribute("data-search-init", "")  # started by search.js, not left to the server
    search(page, "#home-search", "zzzxq")
    follow(page, page.locator(".search-link"))
    expect(search_box).to_have_attribute("data-search-init", "")
    search(page, "#search-q", "zzzxw")
    assert page.url == server.url + "en/contacts/"
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(exit_site.url)
    page.go_back()
    assert page.url == "about:blank"


def test_axe_finds_nothing_on_swapped_pages(page, server):
    axe = Axe()
    page.goto(server.url + "kk/")
    failures = []
    for link in ("main .topics a", ".site-footer a[href$='remove/']", ".languages a[hreflang='en']"):
        follow(page, page.locator(link).first)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        failures += [
            f"{shown(page)}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
        ]
    expect(page.locator("[data-module~='hide-on-switch']")).to_be_visible()
    assert failures == []


def test_without_a_base_element_the_reader_goes_the_ordinary_way(browser, server):
    """A mirror's policy may forbid <base> (base-uri 'none'): links then navigate, as before."""
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.resource_type != "document" else fulfil_with_strict_policy(route)
        ),
    )
    page = context.new_page()
    page.goto(server.url + "en/")
    target = page.locator("main .topics a").first.evaluate("a => a.href")
    start = page.evaluate("history.length")
    page.locator("main .topics a").first.click()
    page.wait_for_url(target)
    assert page.evaluate("history.length") == start  # replaced, so Back still leaves
    context.close()


def fulfil_with_strict_policy(route):
    response = route.fetch()
    headers = dict(response.headers)
    headers["content-security-policy"] = headers["content-security-policy"].replace(
        "base-uri 'self'", "base-uri 'none'"
    )
    route.fulfill(response=response, headers=headers)


# --- the quick exit, finished -------------------------------------------------------------------


def test_a_page_restored_from_the_back_forward_cache_is_reset(page, server, exit_site):
    """Chromium keeps no-store pages out of its back/forward cache, so pageshow is sent by hand."""
    # A 204 answer cancels the navigation: the page stays, blanked, as a restored page would be.
    page.route(exit_site.url, lambda route: route.fulfill(status=204))
    page.goto(server.url + "en/")
    page.locator("a[data-quick-exit]").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bis-leaving\b"))
    expect(page.locator("main h1")).to_be_hidden()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))")
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bis-leaving\b"))
    expect(page.locator("[data-quick-exit-status]")).to_have_text("")
    expect(page.locator("main h1")).to_be_visible()
    # And it can leave again.
    page.unroute(exit_site.url)
    page.locator("a[data-quick-exit]").click()
    page.wait_for_url(exit_site.url)


def test_every_open_tab_leaves_at_once(browser, server, exit_site):
    context = browser.new_context()
    first, second, third = (context.new_page() for _ in range(3))
    first.goto(server.url + "en/")
    second.goto(server.url + "ru/contacts/")
    third.goto(exit_site.url + "?elsewhere")  # another site, not ours: it stays
    follow(second, second.locator(".site-header .brand"))
    first.locator("a[data-quick-exit]").click()
    first.wait_for_url(exit_site.url)
    second.wait_for_url(exit_site.url)
    assert third.url == exit_site.url + "?elsewhere"
    context.close()


def hide(page) -> None:
    """What the browser does when the reader switches apps: the page becomes hidden.

    Headless Chromium keeps every page visible, so the state and the event are given by hand."""
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        Object.defineProperty(document, 'hidden', { value: true, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
    }""")


def test_hide_when_switching_away_is_off_until_chosen(page, server):
    page.goto(server.url + "en/remove/")
    hide(page)
    page.wait_for_timeout(300)  # nothing may happen: give a navigation the time it would take
    assert page.url == server.url + "en/remove/"
    assert page.evaluate("localStorage.length") == 0


def test_hide_when_switching_away_turns_every_hidden_tab_into_the_cover(browser, server, exit_site):
    context = browser.new_context()
    reading, background = context.new_page(), context.new_page()
    background.goto(server.url + "ru/")
    hide(background)  # already in the background when the choice is made
    reading.goto(server.url + "en/")
    follow(reading, reading.locator(".site-footer a[href$='remove/']"))
    choice = reading.get_by_label("Hide this site when I switch to another app")
    choice.check()
    assert reading.evaluate("localStorage.getItem('tirek-hide-on-switch')") == "on"
    background.wait_for_url(server.url + "cover/")
    # The tab in front stays until it is hidden too, and it does not take other tabs with it.
    assert reading.url == server.url + "en/"
    hide(reading)
    reading.wait_for_url(server.url + "cover/")
    assert reading.title() == "about:blank"
    # Back on the site later, the choice is still there, and removal deletes it with the rest.
    page = context.new_page()
    page.goto(server.url + "en/remove/")
    expect(page.get_by_label("Hide this site when I switch to another app")).to_be_checked()
    page.locator("form[data-remove] button").click()
    page.wait_for_url(exit_site.url, timeout=5000)
    page.goto(server.url + "cover/")
    assert page.evaluate("localStorage.length") == 0
    context.close()


def test_without_javascript_the_choice_is_not_offered(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "en/remove/")
    expect(page.locator("[data-module~='hide-on-switch']")).to_be_hidden()
    context.close()


def test_another_site_cannot_remove_the_offline_copy(browser, server, exit_site):
    """A page of another origin (here on the same host) posts to our removal address: nothing is
    cleared, and the reader sees why."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "ru/")
    page.evaluate("caches.open('probe').then(cache => cache.put('/probe', new Response('saved')))")
    attacker = context.new_page()
    attacker.route(
        exit_site.url + "attack",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<form method="post" action="{server.url}ru/remove/"><button>go</button></form>',
        ),
    )
    attacker.goto(exit_site.url + "attack")
    with attacker.expect_response(lambda r: r.request.method == "POST") as answer:
        attacker.locator("button").click()
    assert answer.value.status == 403
    assert "clear-site-data" not in answer.value.all_headers()
    expect(attacker.locator(".notice")).to_contain_text("Ничего не удалено")
    assert page.evaluate("caches.has('probe')")
    context.close()
