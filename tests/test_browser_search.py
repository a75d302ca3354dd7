"""Search in Chromium: answers in place, the same answers as the server, no JavaScript, offline."""

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
SEARCH_SITE = Path(__file__).parent / "fixtures" / "search-site"
CRISIS_QUERIES = [
    "суицид",
    "хочу покончить с собой",
    "өлгім келеді",
    "I want to kill myself",
    "sucidal",
    "self-harm",
    "меня избили",
    "мені ұрып кетті",
    "избирательное право",
    "задержка рейса",
    "меня задержали",
    "полиция ұстап алды",
    "arrested right now",
    "шантаж",
    "шантажируют",
    "suic",
    "police",
    "полиция",
    "ұстау",
    "kill",
    "бопсалап жатыр",
    "extortion",
]


@pytest.fixture(scope="module")
def fixture_server():
    server = LiveServer(free_port(), {"TIREK_RESOURCES_DIR": str(FIXTURE_SITE)}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def search_server():
    server = LiveServer(free_port(), {"TIREK_RESOURCES_DIR": str(SEARCH_SITE)}).start()
    yield server
    server.stop()


def open_search(page, base_url: str, lang: str):
    page.goto(f"{base_url}{lang}/search/")
    page.wait_for_selector("[data-module=search][data-search-ready]", state="attached")


def with_module(page, body: str, arg=None):
    """Run ``body``, a JavaScript function (module, arg) => …, on the page's own search.js module."""
    return page.evaluate(
        """async ([body, arg]) => {
            const src = document.querySelector('script[type=module][src*="search"]').src;
            return (0, eval)("(" + body + ")")(await import(src), arg);
        }""",
        [body, arg],
    )


def js_search(page, index: dict, queries: list[str]) -> list[dict]:
    return with_module(page, "(m, [index, queries]) => queries.map(q => m.search(index, q))", [index, queries])


def result_hrefs(page) -> list[str]:
    return page.locator(".results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


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
    assert js_search(page, index, queries) == [search.search(index, q) for q in queries]


@pytest.mark.parametrize("lang", LANGS)
def test_browser_and_server_agree_on_the_content(page, live_server, lang):
    """The same on whatever content the suite runs on (the shipped pages in CI)."""
    open_search(page, live_server.url, lang)
    index = index_of(live_server.url, lang)
    terms = index["terms"][:: max(1, len(index["terms"]) // 60)]
    queries = [v for term in terms for v in variants(term)] + [" ".join(terms[:3])]
    assert js_search(page, index, queries) == [search.search(index, q) for q in queries]


def test_browser_and_server_agree_on_crisis_words_and_other_languages(page, search_server):
    open_search(page, search_server.url, "kk")
    indexes = {lang: index_of(search_server.url, lang) for lang in LANGS}
    queries = CRISIS_QUERIES + ["depression", "гиппопотам", "hotline", "родители", "arrested", "гей"]
    for lang in LANGS:
        got = with_module(
            page,
            """async (m, [indexes, lang, queries]) => {
            const others = Object.fromEntries(indexes[lang].others.map(([code, path]) => [path, indexes[code]]));
            const replies = [];
            for (const q of queries) replies.push(await m.answer(indexes[lang], q, async path => others[path]));
            return replies;
        }""",
            [indexes, lang, queries],
        )
        assert got == [search.answer(indexes, lang, q) for q in queries], lang


def test_browser_and_server_agree_on_long_pages(page, fixture_server, tmp_path):
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
            encoding="utf-8",
        )
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(tmp_path / "site")})
    index = json.loads(app.extensions["tirek_search"]["ru"].payload)
    queries = [
        "елка",
        "полицией",
        "адвокатом",
        "ұстау",
        "білім",
        "протоколы",
        "112",
        "заголовок",
        "start",
        "слово1",
        "word11",
        "сөз119",
        "слово",
        "кратко",
        "Протокол полиция",
    ]
    open_search(page, fixture_server.url, "ru")
    expected = [search.search(index, q) for q in queries]
    assert js_search(page, index, queries) == expected

    def snippets(found):
        return {r["url"]: "".join(piece for piece, _ in r["snippet"]) for r in found["results"]}

    lawyer, protocol = snippets(expected[2]), snippets(expected[5])
    assert lawyer["../middle/"].startswith("… слово") and lawyer["../middle/"].endswith(" …")
    assert protocol["../end/"].startswith("… ") and protocol["../end/"].endswith("ПРОТОКОЛ 112")
    assert protocol["../title-only/"] == "Кратко."


def test_browser_and_server_read_every_letter_alike(page, fixture_server):
    """Tokens and case folding agree on every assigned character of the Basic Multilingual Plane."""
    text = " ".join(
        chr(cp) + chr(cp) + "a"
        for cp in range(0x10000)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Zs", "Zl", "Zp", "Cc")
    )
    open_search(page, fixture_server.url, "kk")
    words = with_module(
        page, "(m, [rules, text]) => m.matcher(rules).tokens(text).map(t => t.join(' '))", [search.rules("kk"), text]
    )
    expected = [f"{start} {end} {word}" for start, end, word in search.tokens(text)]
    assert len(words) == len(expected) > 40_000
    assert [(w, e) for w, e in zip(words, expected) if w != e] == []


def test_search_js_sets_no_globals(page, fixture_server):
    def globals_with(script_allowed: bool) -> set[str]:
        page.unroute("**/*")
        if not script_allowed:
            page.route(re.compile(r".*/js/search\.[0-9a-f]+\.js$"), lambda route: route.abort())
        page.goto(fixture_server.url + "en/search/")
        page.wait_for_load_state("load")
        if script_allowed:
            page.wait_for_selector("[data-search-ready]", state="attached")
        return set(page.evaluate("Object.getOwnPropertyNames(window)"))

    assert globals_with(True) == globals_with(False)
    assert "TirekSearch" not in (Path(search.__file__).parent.parent / "static/js/search.js").read_text()


# The page, with JavaScript


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.get("nothing")][::3], ids=lambda c: f"{c['lang']}:{c['query']}"
)
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


def test_enter_answers_in_place(page, fixture_server):
    open_search(page, fixture_server.url, "kk")
    page.evaluate("window.sameDocument = true")
    page.locator("input[name=q]").fill("ұстаған")
    page.keyboard.press("Enter")
    expect(page.locator(".search-status")).to_be_focused()
    expect(page.locator(".search-status")).to_have_text("Табылған беттер: 2")
    assert page.url == fixture_server.url + "kk/search/"
    assert page.evaluate("window.sameDocument") is True  # no navigation, no POST


def test_the_home_page_answers_in_place(page, search_server):
    page.goto(search_server.url + "ru/")
    page.evaluate("window.sameDocument = true")
    region = page.locator("[data-search-results]")
    expect(region).to_be_hidden()
    page.locator("#home-search").fill("родители")
    expect(region.locator(".results a").first).to_have_attribute("href", "safety-planning/")
    page.locator("#home-search").press("Enter")
    expect(region.locator(".search-status")).to_be_focused()
    assert page.url == search_server.url + "ru/"
    assert page.evaluate("window.sameDocument") is True
    page.locator("#home-search").fill("суицид")
    expect(region.locator(".crisis a").first).to_have_attribute("href", "mental-health/#crisis")
    page.locator("#home-search").fill("")
    expect(region).to_be_hidden()


def test_crisis_words_put_help_first(page, search_server):
    open_search(page, search_server.url, "kk")
    page.locator("input[name=q]").fill("мені ұрып кетті")
    crisis = page.locator("[data-search-crisis]")
    expect(crisis).to_be_visible()
    expect(crisis.locator("a").first).to_have_attribute("href", "../contacts/#emergency")
    assert crisis.evaluate("box => box.compareDocumentPosition(document.querySelector('.results')) & 4")
    page.locator("input[name=q]").fill("суицид")
    expect(crisis.locator("a")).to_have_count(3)
    expect(crisis.locator("a").first).to_have_text("Дәл қазір қиын болса")
    expect(crisis.locator(".crisis-page").first).to_have_text("Психикалық денсаулық және қолдау")
    page.locator("input[name=q]").fill("полиция")
    expect(crisis).to_be_hidden()


def test_nothing_here_shows_the_other_languages(page, search_server):
    open_search(page, search_server.url, "kk")
    page.locator("input[name=q]").fill("depression")
    status = page.locator(".search-status")
    expect(status).to_have_text("Бұл тілде ештеңе табылмады. Басқа тілдерде табылған беттер: 1")
    first = page.locator(".results a").first
    expect(first).to_have_attribute("href", "../../en/mental-health/")
    expect(first).to_have_attribute("lang", "en")
    expect(first.locator(".result-lang")).to_have_text("English")


def test_nothing_found_offers_the_topics_and_contacts(page, fixture_server):
    open_search(page, fixture_server.url, "ru")
    page.locator("input[name=q]").fill("гиппопотам")
    expect(page.locator(".search-status")).to_have_text("По запросу «гиппопотам» ничего не найдено.")
    help_block = page.locator("[data-search-help]")
    expect(help_block).to_be_visible()
    expect(help_block.locator('a[href="../"]')).to_be_visible()
    expect(help_block.locator('a[href="../contacts/"]')).to_be_visible()
    expect(page.locator("[data-search-topics]")).to_be_visible()  # never a blank page
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
    index["docs"][police][1] = '<img src=x onerror="window.hacked=1">Police'
    index["docs"][police][2] = "<b>police</b> & <script>window.hacked=1</script>"
    index["crisis"][1]["links"][0][1] = '<img src=x onerror="window.hacked=1">'
    page.route(
        "**/en/search/index.json",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(index)),
    )
    open_search(page, fixture_server.url, "en")
    page.locator("input[name=q]").fill("police arrested")
    first = page.locator(".results li").first
    expect(first.locator(".result-title")).to_have_text('<img src=x onerror="window.hacked=1">Police')
    expect(first.locator(".result-snippet")).to_have_text("<b>police</b> & <script>window.hacked=1</script>")
    expect(page.locator(".crisis a").first).to_have_text('<img src=x onerror="window.hacked=1">')
    assert page.locator(".search img, .search b, .search script").count() == 0
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


def test_results_link_to_index_html_in_a_copy_for_file_urls(page, live_server_factory):
    server = live_server_factory(TIREK_RESOURCES_DIR=str(SEARCH_SITE), TIREK_LINK_INDEX_FILES="true")
    open_search(page, server.url, "en")
    page.locator("input[name=q]").fill("arrested")
    expect(page.locator(".results a").first).to_have_attribute("href", "../police/index.html")
    expect(page.locator(".crisis a").first).to_have_attribute("href", "../police/index.html#detained")


# Without JavaScript


@pytest.fixture
def no_js_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_form_posts(no_js_page, fixture_server):
    page = no_js_page
    page.goto(fixture_server.url + "kk/search/")
    expect(page.locator("[data-search-topics] .topics li")).to_have_count(6)  # every fixture topic
    page.get_by_label("Барлық тақырыптардан іздеу").fill("ұстаған")
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name="Іздеу").click()
    assert posted.value.url == fixture_server.url + "kk/search/"
    expect(page.locator(".search-status")).to_have_text("Табылған беттер: 2")
    assert page.url == fixture_server.url + "kk/search/"  # the query is in no address
    expect(page.locator(".results mark").first).to_be_visible()
    expect(page.locator("[data-search-topics]")).to_be_hidden()
    page.locator(".results a").first.click()
    expect(page).to_have_url(fixture_server.url + "kk/detention/")


def test_without_javascript_the_home_page_form_posts(no_js_page, search_server):
    page = no_js_page
    page.goto(search_server.url + "en/")
    page.get_by_label("Search all topics").fill("suicide")
    page.keyboard.press("Enter")
    expect(page.locator(".crisis a").first).to_have_attribute("href", "../mental-health/#crisis")
    expect(page.locator(".results a").first).to_have_attribute("href", "../mental-health/")
    assert page.url == search_server.url + "en/search/"
    page.get_by_label("Search all topics").fill("hippopotamus")
    page.keyboard.press("Enter")
    expect(page.locator(".search-status")).to_have_text("Nothing found for “hippopotamus”.")
    expect(page.locator("[data-search-help] a[href='../contacts/']")).to_be_visible()


# Offline


def test_search_works_with_the_server_stopped(page, live_server_factory):
    server = live_server_factory(TIREK_RESOURCES_DIR=str(SEARCH_SITE))
    page.goto(server.url + "kk/")
    active = page.evaluate("""() => Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise(resolve => setTimeout(() => resolve(false), 10000))])""")
    assert active, "no service worker became active"
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=5_000)
    server.stop()
    page.goto(server.url + "kk/search/")
    page.wait_for_selector("[data-search-ready]", state="attached")
    field = page.locator("input[name=q]")
    field.fill("шантаж")
    expect(page.locator(".results a").first).to_have_attribute("href", "../blackmail/")
    expect(page.locator(".crisis a").first).to_have_attribute("href", "../blackmail/#now")
    field.fill("depression")  # the other languages' indexes are saved too
    expect(page.locator(".results a").first).to_have_attribute("href", "../../en/mental-health/")
    page.goto(server.url + "kk/")  # and the home page answers offline
    page.locator("#home-search").fill("суицид")
    expect(page.locator(".results a").first).to_have_attribute("href", "mental-health/")


@pytest.mark.parametrize("content", ["search fixture site", "shipped content"])
def test_the_issue_queries_offline(page, live_server_factory, content):
    """The queries issue 11 named find an answer first, in their language, with the server stopped."""
    from search_quality import QUERIES, answerable

    env = {"TIREK_RESOURCES_DIR": str(SEARCH_SITE)} if content == "search fixture site" else {}
    server = live_server_factory(**env)
    indexes = {lang: index_of(server.url, lang) for lang in LANGS}
    page.goto(server.url + "en/")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)", timeout=10_000)
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=5_000)
    server.stop()
    for case in (case for case in QUERIES if case.get("issue")):
        open_search(page, server.url, case["lang"])
        page.locator("input[name=q]").fill(case["query"])
        first = page.locator(".results a").first
        expect(first).to_be_visible()
        slug = first.get_attribute("href").strip("./").split("/")[0]
        assert slug in answerable(indexes, case), (case["query"], slug)
        assert first.get_attribute("lang") in (None, case["lang"])  # in the reader's language
