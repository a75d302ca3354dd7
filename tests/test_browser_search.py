"""Search in Chromium: instant results, the same answers as the server, no JavaScript, offline."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import create_app
from conftest import FIXTURE_SITE, LANGS, LiveServer, free_port
from tirek import search

pytestmark = pytest.mark.browser

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text(encoding="utf-8"))["cases"]
SEARCH_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "search.js"


@pytest.fixture(scope="module")
def fixture_server():
    server = LiveServer(free_port(), {"TIREK_RESOURCES_DIR": str(FIXTURE_SITE)}).start()
    yield server
    server.stop()


def open_search(page, base_url: str, lang: str):
    page.goto(f"{base_url}{lang}/search/")
    page.wait_for_selector("form[data-search-ready]", state="attached")


def result_hrefs(page) -> list[str]:
    return page.locator(".results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def js_search(page, queries: list[str]) -> list[dict]:
    """search.js on the index file next to the open search page."""
    return page.evaluate(
        """async (queries) => {
            const index = await (await fetch("index.json")).json();
            return queries.map(q => TirekSearch.search(index, q));
        }""",
        queries,
    )


def index_of(base_url: str, lang: str) -> dict:
    with urllib.request.urlopen(f"{base_url}{lang}/search/index.json") as response:
        return json.load(response)


def variants(term: str) -> list[str]:
    """What a reader types on the way to a word, or instead of it."""
    found = [term, term[:2], term[:3], term[:-1], term + "ы", term + "лар", term + "s", term.upper()]
    if len(term) > 3:
        found.append(term[1] + term[0] + term[2:])
        found.append(term[:2] + term[3:])
    return found


# One algorithm, two implementations

@pytest.mark.parametrize("lang", LANGS)
def test_browser_and_server_agree_on_the_query_table(page, fixture_server, lang):
    open_search(page, fixture_server.url, lang)
    index = index_of(fixture_server.url, lang)
    queries = [c["query"] for c in CASES if c["lang"] == lang]
    queries += [v for term in index["terms"] for v in variants(term)]
    queries += [f"{a} {b}" for a, b in zip(index["terms"][::7], index["terms"][3::7])]
    assert js_search(page, queries) == [search.search(index, q) for q in queries]


@pytest.mark.parametrize("lang", LANGS)
def test_browser_and_server_agree_on_the_content(page, live_server, lang):
    """The same on whatever content the suite runs on (the shipped pages in CI)."""
    open_search(page, live_server.url, lang)
    index = index_of(live_server.url, lang)
    terms = index["terms"][:: max(1, len(index["terms"]) // 60)]
    queries = [v for term in terms for v in variants(term)] + [" ".join(terms[:3])]
    assert js_search(page, queries) == [search.search(index, q) for q in queries]


def test_browser_and_server_agree_on_long_pages(page, tmp_path):
    """Snippet windows at the start, the middle and the end of long pages, and none at all."""
    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    filler = " ".join(f"слово{i} word{i} сөз{i}." for i in range(120))
    bodies = {
        "start": f"Ёлка и полиция. {filler}",
        "middle": f"{filler} Адвокат ұстаған кезде, бiлiм. {filler}",
        "end": f"{filler} Последнее: protocol ПРОТОКОЛ 112",
        "title-only": filler,
    }
    for slug, body in bodies.items():
        (tmp_path / "site" / "ru" / f"{slug}.md").write_text(
            f"---\ntitle: Заголовок {slug} протокол\nsummary: Кратко.\nupdated: 2026-11-01\n---\n{body}\n",
            encoding="utf-8")
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(tmp_path / "site")})
    index = app.extensions["tirek_search"]["ru"].data
    queries = ["елка", "полицией", "адвокатом", "ұстау", "білім", "протоколы", "112", "заголовок",
               "start", "слово1", "word11", "сөз119", "слово", "кратко", "Протокол полиция"]
    page.goto("about:blank")
    page.add_script_tag(path=str(SEARCH_JS))
    expected = [search.search(index, q) for q in queries]
    assert page.evaluate("([index, queries]) => queries.map(q => TirekSearch.search(index, q))",
                         [index, queries]) == expected
    def snippets(found):
        return {r["url"]: "".join(piece for piece, _ in r["snippet"]) for r in found["results"]}

    lawyer, protocol = snippets(expected[2]), snippets(expected[5])
    assert lawyer["../middle/"].startswith("… слово") and lawyer["../middle/"].endswith(" …")
    assert protocol["../end/"].startswith("… ") and protocol["../end/"].endswith("ПРОТОКОЛ 112")
    assert protocol["../title-only/"] == "Кратко."


def test_browser_and_server_read_every_letter_alike(page):
    """Tokens and case folding agree on every assigned character of the Basic Multilingual Plane."""
    text = " ".join(chr(cp) + chr(cp) + "a" for cp in range(0x10000)
                    if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Zs", "Zl", "Zp", "Cc"))
    page.goto("about:blank")
    page.add_script_tag(path=str(SEARCH_JS))
    words = page.evaluate("text => TirekSearch.tokens(text).map(t => t.join(' '))", text)
    expected = [f"{start} {end} {word}" for start, end, word in search.tokens(text)]
    assert len(words) == len(expected) > 40_000
    assert [(w, e) for w, e in zip(words, expected) if w != e] == []


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("nothing")][::3],
                         ids=lambda c: f"{c['lang']}:{c['query']}")
def test_results_appear_as_you_type(page, fixture_server, case):
    open_search(page, fixture_server.url, case["lang"])
    address = page.url
    page.locator("input[name=q]").press_sequentially(case["query"])
    expect(page.locator(".results li").first).to_be_visible()
    hrefs = result_hrefs(page)
    assert {f"../{slug}/" for slug in case["find"]} <= set(hrefs)
    if "first" in case:
        assert hrefs[0] == f"../{case['first']}/"
    expect(page.locator(".results mark").first).to_be_visible()
    expect(page.locator("[data-search-topics]")).to_be_hidden()
    assert page.url == address  # typing never changes the address


def test_enter_keeps_the_query_out_of_the_address(page, fixture_server):
    open_search(page, fixture_server.url, "kk")
    page.locator("input[name=q]").fill("ұстаған")
    page.keyboard.press("Enter")
    expect(page.locator(".search-status")).to_be_focused()
    expect(page.locator(".search-status")).to_have_text("Табылған беттер: 2")
    assert "?" not in page.url


def test_nothing_found_offers_the_topics_and_contacts(page, fixture_server):
    open_search(page, fixture_server.url, "ru")
    page.locator("input[name=q]").fill("гиппопотам")
    expect(page.locator(".search-status")).to_have_text("По запросу «гиппопотам» ничего не найдено.")
    help_block = page.locator("[data-search-help]")
    expect(help_block).to_be_visible()
    expect(help_block.locator('a[href="../"]')).to_be_visible()
    expect(help_block.locator('a[href="../contacts/"]')).to_be_visible()
    expect(page.locator(".results li")).to_have_count(0)
    page.locator("input[name=q]").fill("$& zzyzx")  # a replacement pattern stays text
    expect(page.locator(".search-status")).to_have_text("По запросу «$& zzyzx» ничего не найдено.")
    page.locator("input[name=q]").fill("")
    expect(page.locator("[data-search-topics]")).to_be_visible()
    expect(help_block).to_be_hidden()
    expect(page.locator(".search-status")).to_have_text("")


def test_index_text_is_never_read_as_html(page, fixture_server):
    index = index_of(fixture_server.url, "en")
    police = [d[0] for d in index["docs"]].index("../police/")
    index["docs"][police][1] = "<img src=x onerror=\"window.hacked=1\">Police"
    index["docs"][police][2] = "<b>police</b> & <script>window.hacked=1</script>"
    page.route("**/en/search/index.json", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(index)))
    open_search(page, fixture_server.url, "en")
    page.locator("input[name=q]").fill("police")
    first = page.locator(".results li").first
    expect(first.locator(".result-title")).to_have_text("<img src=x onerror=\"window.hacked=1\">Police")
    expect(first.locator(".result-snippet")).to_have_text("<b>police</b> & <script>window.hacked=1</script>")
    assert page.locator(".results img, .results b, .results script").count() == 0
    assert page.evaluate("window.hacked") is None


def test_works_under_a_path_prefix(page, fixture_server):
    """A mirror in a sub-folder: the index and the result links resolve from the page's own address."""
    prefix = fixture_server.url + "mirror/copy/"

    def unprefixed(route):
        url = route.request.url.replace("mirror/copy/", "", 1)
        with urllib.request.urlopen(url) as response:
            route.fulfill(status=response.status, headers=dict(response.headers), body=response.read())

    page.route(prefix + "**", unprefixed)
    open_search(page, prefix, "en")
    page.locator("input[name=q]").fill("detaining")
    page.locator(".results a").first.click()
    # Opened inside the same address (issue 12): the reader module's <base> names the page shown.
    expect(page.locator("base[data-reader-base]")).to_have_attribute("href", prefix + "en/detention/")


def test_a_static_copy_answers_a_query_from_the_home_page(page, fixture_server):
    """A static host ignores ?q=…: the copy's search page reads the query itself."""
    with urllib.request.urlopen(fixture_server.url + "ru/search/") as response:
        plain_page = response.read()
    page.route(re.compile(r".*/ru/search/\?q=.*"), lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=plain_page))
    page.goto(fixture_server.url + "ru/")
    page.locator("#home-search").fill("протоколы")
    page.locator("#home-search").press("Enter")
    expect(page.locator("input[name=q]")).to_have_value("протоколы")
    expect(page.locator(".results a").first).to_have_attribute("href", "../detention/")


def test_results_link_to_index_html_in_a_copy_for_file_urls(page, live_server_factory):
    server = live_server_factory(TIREK_RESOURCES_DIR=str(FIXTURE_SITE), TIREK_LINK_INDEX_FILES="true")
    page.goto(server.url + "en/search/")
    page.wait_for_selector("form[data-search-ready]", state="attached")
    page.locator("input[name=q]").fill("passcode")
    expect(page.locator(".results a").first).to_have_attribute("href", "../phone-safety/index.html")


# Without JavaScript

@pytest.fixture
def no_js_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_form_asks_the_server(no_js_page, fixture_server):
    page = no_js_page
    page.goto(fixture_server.url + "kk/search/")
    expect(page.locator("[data-search-topics] .topics li")).to_have_count(5)  # every fixture topic
    page.get_by_label("Барлық тақырыптардан іздеу").fill("ұстаған")
    page.get_by_role("button", name="Іздеу").click()
    expect(page).to_have_url(re.compile(r"/kk/search/\?q="))
    expect(page.locator(".search-status")).to_have_text("Табылған беттер: 2")
    expect(page.locator(".results mark").first).to_be_visible()
    expect(page.locator("[data-search-topics]")).to_be_hidden()
    page.locator(".results a").first.click()
    expect(page).to_have_url(fixture_server.url + "kk/detention/")


def test_without_javascript_the_home_page_form_works(no_js_page, fixture_server):
    page = no_js_page
    page.goto(fixture_server.url + "en/")
    page.get_by_label("Search all topics").fill("hippopotamus")
    page.keyboard.press("Enter")
    expect(page.locator(".search-status")).to_have_text("Nothing found for “hippopotamus”.")
    expect(page.locator("[data-search-help] a[href='../contacts/']")).to_be_visible()


# Offline

def test_search_works_with_the_server_stopped(page, live_server_factory):
    server = live_server_factory(TIREK_RESOURCES_DIR=str(FIXTURE_SITE))
    page.goto(server.url + "ru/")
    active = page.evaluate("""() => Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise(resolve => setTimeout(() => resolve(false), 10000))])""")
    assert active, "no service worker became active"
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=5_000)
    server.stop()
    page.goto(server.url + "ru/search/")
    page.wait_for_selector("form[data-search-ready]", state="attached")
    page.locator("input[name=q]").fill("полицией")
    expect(page.locator(".results a").first).to_have_attribute("href", "../police/")
    expect(page.locator(".results a[href='../detention/']")).to_be_visible()
