"""Search in the server: matching rules, the shared query table, the page without JavaScript, the index file."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app import create_app
from conftest import FIXTURE_SITE, LANGS
from tirek import search, sitemap, views
from tirek.search import EXACT, PREFIX, STEM, TYPO, normalize_word, quality, query_words

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text(encoding="utf-8"))["cases"]


def slugs(found: dict) -> list[str]:
    return [r["url"].strip("./").split("/")[0] for r in found["results"]]


def text_of(segments) -> str:
    return "".join(piece for piece, _ in segments)


def marks_of(segments) -> list[str]:
    return [piece for piece, is_match in segments if is_match]


# The matching rules

@pytest.mark.parametrize("word, folded", [
    ("ПОЛИЦИЯ", "полиция"), ("Ёлка", "елка"), ("ЁЛКА", "елка"), ("Straße", "strasse"),
    ("ҰСТАУ", "ұстау"), ("ӘЖЕ", "әже"), ("ҮЙ", "үй"), ("Қала", "қала"), ("ҒЫЛЫМ", "ғылым"),
    ("ҢҮ", "ңү"), ("ӨЗ", "өз"), ("Һ", "һ"), ("І", "і"),
    ("бiлiм", "білім"),  # Latin i typed for Kazakh і
    ("police", "police"),  # a Latin word keeps its letters
])
def test_normalize_word(word, folded):
    assert normalize_word(word) == folded


def test_folding_is_unicode_case_folding():
    for low, high in ((0, 0x530), (0x1C80, 0x1C90), (0x1E00, 0x1F00), (0xFB00, 0xFB07)):
        for char in map(chr, range(low, high)):
            assert normalize_word(char) == char.casefold().replace("ё", "е"), hex(ord(char))


@pytest.mark.parametrize("kazakh, russian", [("ә", "а"), ("ү", "у"), ("ұ", "у"), ("қ", "к"), ("ғ", "г"),
                                             ("ң", "н"), ("ө", "о"), ("һ", "х"), ("і", "и")])
def test_kazakh_letters_stay_distinct(kazakh, russian):
    assert normalize_word(kazakh) != normalize_word(russian)
    assert quality(normalize_word("ақша"), "акша") == 0


@pytest.mark.parametrize("query, word, level", [
    ("полиция", "полиция", EXACT),
    ("поли", "полиция", PREFIX),
    ("полицией", "полиция", STEM),  # Russian case ending
    ("полицейский", "полицейского", STEM),
    ("ұстаған", "ұстау", STEM),  # Kazakh participle and verbal noun share the stem ұста-
    ("ұстау", "ұсталған", STEM),
    ("адвакат", "адвокат", TYPO),  # one wrong letter
    ("адокат", "адвокатқа", TYPO),  # one missing letter
    ("аддвокат", "адвокат", TYPO),  # one extra letter
    ("двокат", "адвокат", TYPO),  # the first letter missing
    ("lwayer", "lawyer", TYPO),  # two letters swapped
    ("полицейский", "полиция", 0),  # a different word from the same root is too far
    ("поп", "полиция", 0),
    ("адвк", "адвокат", 0),  # no typo tolerance under five letters
    ("акша", "ақша", 0),
    ("lawyer", "law", 0),
])
def test_quality(query, word, level):
    assert quality(query, word) == level


def test_query_words_drop_single_letters_and_repeats():
    assert query_words("В полиции, в ПОЛИЦИИ: a b") == ["полиции"]
    assert query_words("x" * 1000) == ["x" * search.MAX_QUERY_CHARS]
    assert len(query_words(" ".join(f"word{i}" for i in range(50)))) == search.MAX_QUERY_TOKENS


# The shared query table, on the fixture site

@pytest.fixture(scope="module")
def fixture_indexes():
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    return {lang: index.data for lang, index in app.extensions["tirek_search"].items()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['lang']}:{c['query']}")
def test_query_table(fixture_indexes, case):
    found = search.search(fixture_indexes[case["lang"]], case["query"])
    if case.get("nothing"):
        assert found == {"total": 0, "results": []}
        return
    assert set(case["find"]) <= set(slugs(found)), slugs(found)
    if "first" in case:
        assert slugs(found)[0] == case["first"]
    for result in found["results"]:
        marks = marks_of(result["title"]) + marks_of(result["snippet"])
        assert marks, f"{result['url']}: nothing marked"


def test_titles_weigh_more_than_body(fixture_indexes):
    # «полиция» is the Russian police page's title and only in the detention page's summary and body.
    assert slugs(search.search(fixture_indexes["ru"], "полиция"))[:2] == ["police", "detention"]


def test_snippet_marks_the_inflected_form_and_keeps_the_text(fixture_indexes):
    [result] = search.search(fixture_indexes["kk"], "хаттамалар")["results"]
    assert marks_of(result["snippet"]) == ["хаттамаға"]
    snippet = text_of(result["snippet"])
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "хаттамаға қол қоймаңыз" in snippet


def test_a_word_found_nowhere_does_not_empty_the_results(fixture_indexes):
    assert slugs(search.search(fixture_indexes["en"], "police zzyzx")) == slugs(
        search.search(fixture_indexes["en"], "police"))


def test_every_query_word_must_match(fixture_indexes):
    assert slugs(search.search(fixture_indexes["en"], "passcode lawyer")) == []


# Any sound content: every page can be found by its title

def test_every_page_is_found_by_its_title(app):
    site = app.extensions["tirek_site"]
    for lang in LANGS:
        index = app.extensions["tirek_search"][lang].data
        for page in site.topics(lang):
            if not query_words(page.title):
                continue
            found = slugs(search.search(index, page.title))
            assert page.slug in found[:3], (lang, page.title, found)


def test_index_stays_small_and_holds_only_relative_links(app):
    for lang in LANGS:
        index = app.extensions["tirek_search"][lang]
        assert len(gzip.compress(index.payload)) < 100 * 1024, f"{lang}: index over 100 KB gzipped"
        data = json.loads(index.payload)
        assert data["lang"] == lang and data["version"] == search.INDEX_VERSION
        assert len(data["terms"]) == len(data["postings"]) and data["terms"] == sorted(data["terms"])
        for url, *_ in data["docs"]:
            assert url.startswith("../") and "//" not in url, url


# The pages, without JavaScript

class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.labels, self.inputs, self.marks = [], {}, [], 0
        self._label = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(attrs)
        elif tag == "label":
            self._label = attrs.get("for")
            self.labels[self._label] = ""
        elif tag == "input":
            self.inputs.append(attrs)
        elif tag == "mark":
            self.marks += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data


def parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("lang", LANGS)
def test_search_page_without_a_query_lists_every_topic(app, client, lang):
    response = client.get(f"/{lang}/search/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    [form] = [f for f in page.forms if "data-search-index" in f]
    assert form["method"] == "get" and form["action"] == "./" and form["data-search-index"] == "index.json"
    [field] = [i for i in page.inputs if i.get("name") == "q"]
    assert field["type"] == "search" and page.labels[field["id"]].strip()
    assert field["autocomplete"] == "off"  # past searches are not offered to whoever holds the phone
    for topic in app.extensions["tirek_site"].topics(lang):
        assert f'href="../{topic.slug}/"' in html
    assert re.search(r'<section class="search-topics"[^>]*aria-labelledby="topics-title">', html)


def test_search_page_answers_a_query(fixture_client):
    html = fixture_client.get("/ru/search/?q=полицией").get_data(as_text=True)
    assert 'value="полицией"' in html
    assert "<mark>Полиция</mark>" in html
    assert 'href="../police/"' in html and 'href="../detention/"' in html
    assert re.search(r'role="status"[^>]*>Найдено страниц: 3<', html)
    assert re.search(r'<section class="search-topics"[^>]*hidden>', html)
    assert re.search(r'<div class="search-help"[^>]*hidden>', html)


def test_search_page_result_in_another_language_says_so(tmp_path):
    import shutil

    from app import create_app
    from conftest import FIXTURE_SITE

    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    for lang in ("kk", "ru"):
        (tmp_path / "site" / lang / "safety.md").unlink()  # the safety page is now English only
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(tmp_path / "site")}).test_client()
    html = client.get("/kk/search/?q=plan").get_data(as_text=True)
    assert re.search(r'<a href="../safety/" lang="en">', html)


def test_search_page_says_when_nothing_is_found(fixture_client):
    html = fixture_client.get("/en/search/?q=hippopotamus").get_data(as_text=True)
    assert "Nothing found for “hippopotamus”." in html
    help_block = html[html.index('class="search-help"'):html.index("</div>", html.index('class="search-help"'))]
    assert "hidden" not in help_block.split(">")[0]
    assert 'href="../"' in help_block and 'href="../contacts/"' in help_block
    assert "<mark>" not in html


def test_search_page_escapes_the_query(fixture_client):
    html = fixture_client.get("/en/search/?q=<img src=x onerror=alert(1)>").get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_marked_text_is_escaped(fixture_client, monkeypatch):
    index = fixture_client.application.extensions["tirek_search"]["en"].data
    docs = list(index["docs"])
    police = [d[0] for d in docs].index("../police/")
    docs[police] = ["../police/", "<b>Police</b> & co", "", "<script>police</script>", "en"]
    monkeypatch.setitem(index, "docs", docs)
    html = fixture_client.get("/en/search/?q=police").get_data(as_text=True)
    assert "&lt;b&gt;<mark>Police</mark>&lt;/b&gt; &amp; co" in html
    assert "&lt;script&gt;<mark>police</mark>&lt;/script&gt;" in html


def test_a_query_of_single_letters_lists_the_topics(fixture_client):
    html = fixture_client.get("/ru/search/?q=в").get_data(as_text=True)
    assert not re.search(r'<section class="search-topics"[^>]*hidden>', html)


@pytest.mark.parametrize("lang", LANGS)
def test_index_file(fixture_client, lang):
    response = fixture_client.get(f"/{lang}/search/index.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-cache"
    data = response.get_json()
    assert data["lang"] == lang
    assert {"../police/", "../detention/", "../phone-safety/", "../contacts/"} <= {d[0] for d in data["docs"]}
    again = fixture_client.get(f"/{lang}/search/index.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_index_leaves_out_unverified_contacts(fixture_client):
    for lang in LANGS:
        payload = fixture_client.get(f"/{lang}/search/index.json").get_data(as_text=True)
        assert "+7 700" not in payload and "Hidden Org" not in payload and "Жасырын" not in payload


def test_unknown_language_has_no_search(fixture_client):
    assert fixture_client.get("/de/search/").status_code == 404
    assert fixture_client.get("/de/search/index.json").status_code == 404


def test_static_copy_links_end_in_index_html():
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE), "LINK_INDEX_FILES": True})
    html = app.test_client().get("/ru/search/?q=полиция").get_data(as_text=True)
    assert 'action="./index.html"' in html and 'data-search-index="index.json"' in html
    assert 'href="../police/index.html"' in html and 'href="../detention/index.html"' in html
    # One index for both: search.js adds index.html where the page's own links have it.
    plain = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    assert app.extensions["tirek_search"]["ru"].payload == plain.extensions["tirek_search"]["ru"].payload


def test_search_is_listed_for_export_and_offline(app):
    site = app.extensions["tirek_site"]
    for lang in LANGS:
        assert f"/{lang}/search/" in sitemap.page_paths(site.slugs)
        assert f"/{lang}/search/index.json" in sitemap.data_paths()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_to_search(fixture_client, lang):
    for path in (f"/{lang}/", f"/{lang}/police/", f"/{lang}/contacts/", f"/{lang}/nowhere/"):
        html = fixture_client.get(path).get_data(as_text=True)
        assert re.search(r'<a class="search-link" href="(\.\./)*search/">', html), path
    home = parse(fixture_client.get(f"/{lang}/").get_data(as_text=True))
    [form] = [f for f in home.forms if f.get("role") == "search"]
    assert form["action"] == "search/" and form["method"] == "get"
