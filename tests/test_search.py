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
from tirek import search, sitemap
from tirek.languages import fallback_order
from tirek.search import EXACT, PREFIX, STEM, TYPO, matcher_for, normalize_word, query_words

SEARCH_SITE = Path(__file__).parent / "fixtures" / "search-site"  # pages with keywords and crisis sections
CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text(encoding="utf-8"))["cases"]


def slugs(found: dict) -> list[str]:
    return [r["url"].strip("./").split("/")[0] for r in found["results"]]


def text_of(segments) -> str:
    return "".join(piece for piece, _ in segments)


def marks_of(segments) -> list[str]:
    return [piece for piece, is_match in segments if is_match]


# The matching rules


@pytest.mark.parametrize(
    "word, folded",
    [
        ("ПОЛИЦИЯ", "полиция"),
        ("Ёлка", "елка"),
        ("ЁЛКА", "елка"),
        ("Straße", "strasse"),
        ("ҰСТАУ", "ұстау"),
        ("ӘЖЕ", "әже"),
        ("ҮЙ", "үй"),
        ("Қала", "қала"),
        ("ҒЫЛЫМ", "ғылым"),
        ("ҢҮ", "ңү"),
        ("ӨЗ", "өз"),
        ("Һ", "һ"),
        ("І", "і"),
        ("бiлiм", "білім"),  # Latin i typed for Kazakh і
        ("police", "police"),  # a Latin word keeps its letters
    ],
)
def test_normalize_word(word, folded):
    assert normalize_word(word) == folded


def test_folding_is_unicode_case_folding():
    for low, high in ((0, 0x530), (0x1C80, 0x1C90), (0x1E00, 0x1F00), (0xFB00, 0xFB07)):
        for char in map(chr, range(low, high)):
            assert normalize_word(char) == char.casefold().replace("ё", "е"), hex(ord(char))


@pytest.mark.parametrize(
    "kazakh, russian",
    [("ә", "а"), ("ү", "у"), ("ұ", "у"), ("қ", "к"), ("ғ", "г"), ("ң", "н"), ("ө", "о"), ("һ", "х"), ("і", "и")],
)
def test_kazakh_letters_stay_distinct(kazakh, russian):
    assert normalize_word(kazakh) != normalize_word(russian)
    assert matcher_for("kk").quality(normalize_word("ақша"), "акша") == 0


@pytest.mark.parametrize(
    "lang, query, word, level",
    [
        ("ru", "полиция", "полиция", EXACT),
        ("ru", "поли", "полиция", PREFIX),
        ("ru", "полицией", "полиция", STEM),  # Russian case ending
        ("ru", "полицейский", "полицейского", STEM),
        ("ru", "задержали", "задержание", STEM),
        ("kk", "ұстаған", "ұстау", STEM),  # Kazakh participle and verbal noun share the stem ұста-
        ("kk", "ұстау", "ұсталған", STEM),  # a chain of suffixes: л-ған
        ("kk", "адвокаттарымызға", "адвокат", STEM),
        ("kk", "құқығы", "құқық", STEM),  # the stem's last consonant voices before a vowel
        ("kk", "избили", "избил", STEM),  # Russian words on a Kazakh page keep their endings
        ("en", "lawyers", "lawyer", STEM),
        ("en", "detaining", "detained", STEM),
        ("ru", "адвакат", "адвокат", TYPO),  # one wrong letter
        ("kk", "адокат", "адвокатқа", TYPO),  # one missing letter
        ("ru", "аддвокат", "адвокат", TYPO),  # one extra letter
        ("ru", "двокат", "адвокат", TYPO),  # the first letter missing
        ("en", "lwayer", "lawyer", TYPO),  # two letters swapped
        ("ru", "полицейский", "полиция", 0),  # a different word from the same root is too far
        ("ru", "полиция", "политика", 0),
        ("en", "police", "politics", 0),
        ("en", "police", "policy", TYPO),  # counts only where "police" itself is not on the site
        ("ru", "поп", "полиция", 0),
        ("ru", "адвк", "адвокат", 0),  # no typo tolerance under five letters
        ("kk", "акша", "ақша", 0),
        ("en", "lawyer", "law", 0),
    ],
)
def test_quality(lang, query, word, level):
    assert matcher_for(lang).quality(query, word) == level


def test_a_word_the_site_uses_is_never_read_as_a_typo(search_indexes):
    """ "police" is one letter from "polite", and both are on the police page: only "police" counts."""
    index = search_indexes["en"]
    assert {"police", "polite"} <= set(index["terms"])
    found = search.search(index, "police")
    assert slugs(found)[0] == "police"
    marks = {mark.lower() for r in found["results"] for mark in marks_of(r["title"]) + marks_of(r["snippet"])}
    assert "polite" not in marks and "police" in marks
    assert "polite" not in {index["terms"][t] for t in search.term_levels(index, "police")}
    # A misspelling the site does not use still finds the page.
    assert slugs(search.search(index, "polise"))[:1] == ["police"]


def test_query_words_drop_single_letters_repeats_and_stop_words():
    assert query_words("В полиции, в ПОЛИЦИИ: a b") == ["полиции"]
    assert query_words("что делать если меня задержали") == ["задержали"]
    assert query_words("what to do if I am arrested") == ["arrested"]
    assert query_words("не істеу керек ұстаса") == ["ұстаса"]
    assert query_words("what is it") == ["what", "is", "it"]  # nothing but stop words: keep them
    assert query_words("x" * 1000) == ["x" * search.MAX_QUERY_CHARS]
    assert len(query_words(" ".join(f"word{i}" for i in range(50)))) == search.MAX_QUERY_TOKENS


# The shared query table, on the fixture site


@pytest.fixture(scope="module")
def search_indexes():
    """The search fixture site: pages with keywords and crisis sections."""
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(SEARCH_SITE)})
    return {lang: index.data for lang, index in app.extensions["tirek_search"].items()}


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
        search.search(fixture_indexes["en"], "police")
    )


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


# Keywords, crisis words, other languages


def test_keywords_are_found_and_never_shown(search_indexes):
    index = search_indexes["en"]
    assert slugs(search.search(index, "hotline")) == ["mental-health"]  # a keyword, not in the text
    assert not any("hotline" in "".join(map(str, doc)).lower() for doc in index["docs"])
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(SEARCH_SITE)}).test_client()
    assert "hotline" not in client.get("/en/mental-health/").get_data(as_text=True).lower()
    answer = client.post("/en/search/", data={"q": "hotline"}).get_data(as_text=True).lower()
    assert "helpline" not in answer and "psychologist" not in answer


@pytest.mark.parametrize(
    "lang, query, first",
    [
        ("ru", "суицид", "../mental-health/#crisis"),
        ("ru", "хочу покончить с собой", "../mental-health/#crisis"),
        ("kk", "өлгім келеді", "../mental-health/#crisis"),
        ("kk", "суицид", "../mental-health/#crisis"),
        ("en", "I want to kill myself", "../mental-health/#crisis"),
        ("en", "sucidal", "../mental-health/#crisis"),  # a typo
        ("en", "self-harm", "../mental-health/#crisis"),
        ("ru", "меня избили", "../contacts/#emergency"),
        ("kk", "мені ұрып кетті", "../contacts/#emergency"),
        ("kk", "избили", "../contacts/#emergency"),  # Russian on the Kazakh page
        ("en", "my partner beat me", "../contacts/#emergency"),
        ("ru", "меня задержали", "../police/#detained"),
        ("kk", "полиция ұстап алды", "../police/#detained"),
        ("en", "arrested", "../police/#detained"),
        ("en", "arrested right now", "../police/#detained"),
        ("kk", "шантаж", "../blackmail/#now"),
        ("ru", "шантажируют", "../blackmail/#now"),
    ],
)
def test_crisis_words_put_help_first(search_indexes, lang, query, first):
    found = search.answer(search_indexes, lang, query)
    assert found["crisis"][0][0] == first


@pytest.mark.parametrize(
    "lang, query",
    [
        ("ru", "полиция"),
        ("ru", "избирательное право"),
        ("ru", "задержка рейса"),
        ("en", "police"),
        ("en", "politics"),
        ("kk", "құқық"),
        ("kk", "заң"),
        ("en", "hormones"),
        ("ru", "сменить имя"),
    ],
)
def test_other_queries_have_no_crisis_box(search_indexes, lang, query):
    assert search.answer(search_indexes, lang, query)["crisis"] == []


def test_crisis_links_name_the_sections_in_the_readers_language(search_indexes):
    [entry] = [c for c in search_indexes["ru"]["crisis"] if c["name"] == "suicide"]
    assert entry["links"] == [
        ["../mental-health/#crisis", "Если вам плохо прямо сейчас", "Психическое здоровье и поддержка"],
        ["../help-a-friend/#crisis", "Другу очень плохо", "Как помочь другу"],
        ["../contacts/#talk", "С кем поговорить", "Экстренные контакты"],
    ]


def test_crisis_links_skip_missing_pages_and_sections(fixture_indexes):
    # The small fixture site has no mental-health page and no section ids.
    links = {c["name"]: c["links"] for c in fixture_indexes["en"]["crisis"]}
    assert [url for url, _, _ in links["suicide"]] == ["../contacts/"]  # no talk line there either
    assert [url for url, _, _ in links["detained"]] == ["../police/", "../contacts/#emergency"]


def test_crisis_vocabulary_travels_in_the_index(search_indexes):
    from tirek.crisis import CRISES

    for lang in LANGS:
        names = [entry["name"] for entry in search_indexes[lang]["crisis"]]
        assert names == [crisis.name for crisis in CRISES]
        suicide = search_indexes[lang]["crisis"][0]["triggers"]
        assert ["суицид"] in suicide and ["suicid"] in suicide and ["өлгім"] in suicide


def test_nothing_here_tries_the_other_languages(search_indexes):
    found = search.answer(search_indexes, "kk", "depression")
    assert found["elsewhere"] and found["results"][0]["url"] == "../../en/mental-health/"
    assert found["results"][0]["lang"] == "en"
    # Found here first: the other languages are not searched.
    assert not search.answer(search_indexes, "en", "depression")["elsewhere"]
    nothing = search.answer(search_indexes, "ru", "гиппопотам")
    assert nothing["total"] == 0 and not nothing["elsewhere"]


@pytest.mark.parametrize(
    "path, url, expected",
    [
        ("../../en/search/index.json", "../police/", "../../en/police/"),
        ("../../en/search/index.json", "../police/#detained", "../../en/police/#detained"),
        ("search/index.json", "../police/", "police/"),
        ("index.json", "../police/", "../police/"),
        ("search/index.json", "../../en/police/", "../en/police/"),
    ],
)
def test_relocate(path, url, expected):
    assert search.relocate(path, url) == expected


def test_answers_are_cached_without_the_query(search_indexes):
    cache = search.AnswerCache(size=2)
    first = cache.get(search_indexes, "ru", "Суицид")
    assert cache.get(search_indexes, "ru", "суицид ") is first  # the same words: one answer
    cache.get(search_indexes, "ru", "полиция")
    cache.get(search_indexes, "ru", "адвокат")
    assert cache.get(search_indexes, "ru", "суицид") is not first  # the oldest left
    assert len(cache._values) == 2
    assert not any("суицид".encode() in key or "полиция".encode() in key for key in cache._values)


def test_limits_bound_the_work_of_a_query(search_indexes):
    words = " ".join(f"полиция{i}" for i in range(100))
    assert len(query_words(words)) == search.MAX_QUERY_TOKENS
    assert len(query_words("я" * 10_000)[0]) == search.MAX_QUERY_CHARS


# The pages, without JavaScript


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each label."""

    def __init__(self):
        super().__init__()
        self.tags, self.labels, self._label = [], {}, None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "label":
            self._label = dict(attrs).get("for")
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data

    def all(self, element: str, **wanted) -> list[dict]:
        return [
            attrs
            for tag, attrs in self.tags
            if tag == element and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def status_of(html: str) -> str:
    return re.search(r'<p class="search-status"[^>]*>(.*?)</p>', html, re.DOTALL).group(1).strip()


@pytest.mark.parametrize("lang", LANGS)
def test_search_page_without_a_query_lists_every_topic(app, client, lang):
    response = client.get(f"/{lang}/search/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    page = parse(html)
    [root] = page.all("div", data_module="search")
    assert root["data-search-index"] == "index.json" and root["data-search-load"] == "eager"
    assert {"data-i18n-found", "data-i18n-none", "data-i18n-elsewhere"} <= set(root)
    [form] = page.all("form", role="search")
    assert form["method"] == "post" and form["action"] == "./"
    [field] = page.all("input", name="q")
    assert field["type"] == "search" and page.labels[field["id"]].strip() and "value" not in field or not field["value"]
    assert field["autocomplete"] == "off"  # past searches are not offered to whoever holds the phone
    [script] = page.all("script", type="module")
    assert "js/search." in script["src"]
    for topic in app.extensions["tirek_site"].topics(lang):
        assert f'href="../{topic.slug}/"' in html
    assert re.search(r'<section class="search-topics"[^>]*aria-labelledby="topics-title">', html)


def test_search_page_answers_a_post(fixture_client):
    response = fixture_client.post("/ru/search/", data={"q": "полицией"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'value="полицией"' in html
    assert "<mark>Полиция</mark>" in html
    assert 'href="../police/"' in html and 'href="../detention/"' in html
    assert status_of(html) == "Найдено страниц: 3"
    assert re.search(r'<section class="search-topics"[^>]*hidden>', html)
    assert re.search(r'<div class="search-help"[^>]*hidden>', html)
    assert re.search(r'<aside class="crisis"[^>]*hidden>', html)


def test_an_old_search_address_leads_to_the_empty_search_page(fixture_client):
    response = fixture_client.get("/ru/search/?q=полиция")
    assert response.status_code == 303 and response.headers["Location"] == "./"
    assert response.headers["Cache-Control"] == "no-store"
    assert "полиция" not in response.get_data(as_text=True)


def test_a_search_form_is_small(fixture_client):
    response = fixture_client.post("/ru/search/", data={"q": "полиция" * 1000})
    assert response.status_code == 413


def test_crisis_box_comes_first_on_the_server(tmp_path):
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(SEARCH_SITE)}).test_client()
    html = client.post("/kk/search/", data={"q": "суицид"}).get_data(as_text=True)
    box = html[html.index('<aside class="crisis"') : html.index("</aside>", html.index('<aside class="crisis"'))]
    assert " hidden" not in box.split(">")[0]
    assert re.findall(r'<a href="([^"]+)">', box) == [
        "../mental-health/#crisis",
        "../help-a-friend/#crisis",
        "../contacts/#talk",
    ]
    assert "Дәл қазір қиын болса" in box
    assert html.index('<aside class="crisis"') < html.index('<ol class="results">')
    # In a copy for file:// links the section links keep their ids after index.html.
    copy = create_app({"TESTING": True, "RESOURCES_DIR": str(SEARCH_SITE), "LINK_INDEX_FILES": True})
    html = copy.test_client().post("/kk/search/", data={"q": "суицид"}).get_data(as_text=True)
    assert 'href="../mental-health/index.html#crisis"' in html


def test_other_languages_are_named_on_the_server():
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(SEARCH_SITE)}).test_client()
    html = client.post("/kk/search/", data={"q": "depression"}).get_data(as_text=True)
    assert status_of(html) == "Бұл тілде ештеңе табылмады. Басқа тілдерде табылған беттер: 1"
    assert re.search(r'<a href="../../en/mental-health/" lang="en">\s*<span class="result-title">', html)
    assert '<span class="result-lang">English</span>' in html


def test_search_page_result_in_another_language_says_so(tmp_path):
    import shutil

    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    for lang in ("kk", "ru"):
        (tmp_path / "site" / lang / "safety.md").unlink()  # the safety page is now English only
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(tmp_path / "site")}).test_client()
    html = client.post("/kk/search/", data={"q": "plan"}).get_data(as_text=True)
    assert re.search(r'<a href="../safety/" lang="en">', html)


def test_search_page_says_when_nothing_is_found(fixture_client):
    html = fixture_client.post("/en/search/", data={"q": "hippopotamus"}).get_data(as_text=True)
    assert status_of(html) == "Nothing found for “hippopotamus”."
    help_block = html[html.index('class="search-help"') : html.index("</div>", html.index('class="search-help"'))]
    assert "hidden" not in help_block.split(">")[0]
    assert 'href="../"' in help_block and 'href="../contacts/"' in help_block
    assert "<mark>" not in html
    # Never a blank page: the topics are listed too.
    assert not re.search(r'<section class="search-topics"[^>]*hidden>', html)


def test_search_page_escapes_the_query(fixture_client):
    html = fixture_client.post("/en/search/", data={"q": "<img src=x onerror=alert(1)>"}).get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_marked_text_is_escaped(fixture_client, monkeypatch):
    index = fixture_client.application.extensions["tirek_search"]["en"].data
    docs = list(index["docs"])
    police = [d[0] for d in docs].index("../police/")
    docs[police] = ["../police/", "<b>Police</b> & co", "", "<script>police</script>", "en"]
    monkeypatch.setitem(index, "docs", docs)
    html = fixture_client.post("/en/search/", data={"q": "police"}).get_data(as_text=True)
    assert "&lt;b&gt;<mark>Police</mark>&lt;/b&gt; &amp; co" in html
    assert "&lt;script&gt;<mark>police</mark>&lt;/script&gt;" in html


def test_a_query_of_single_letters_lists_the_topics(fixture_client):
    html = fixture_client.post("/ru/search/", data={"q": "в"}).get_data(as_text=True)
    assert not re.search(r'<section class="search-topics"[^>]*hidden>', html)


@pytest.mark.parametrize("lang", LANGS)
def test_index_file(fixture_client, lang):
    response = fixture_client.get(f"/{lang}/search/index.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-cache"
    data = response.get_json()
    assert data["lang"] == lang and data["rules"] == search.rules(lang)
    assert {"../police/", "../detention/", "../phone-safety/", "../contacts/"} <= {d[0] for d in data["docs"]}
    assert [other for other, _ in data["others"]] == [code for code in fallback_order(lang) if code != lang]
    again = fixture_client.get(f"/{lang}/search/index.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_index_leaves_out_unverified_contacts(fixture_client):
    for lang in LANGS:
        payload = fixture_client.get(f"/{lang}/search/index.json").get_data(as_text=True)
        assert "+7 700" not in payload and "Hidden Org" not in payload and "Жасырын" not in payload


def test_unknown_language_has_no_search(fixture_client):
    assert fixture_client.get("/de/search/").status_code == 404
    assert fixture_client.post("/de/search/", data={"q": "x"}).status_code == 404
    assert fixture_client.get("/de/search/index.json").status_code == 404


def test_static_copy_links_end_in_index_html():
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE), "LINK_INDEX_FILES": True})
    html = app.test_client().post("/ru/search/", data={"q": "полиция"}).get_data(as_text=True)
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
    [root] = home.all("div", data_module="search")
    assert root["data-search-index"] == "search/index.json" and root["data-search-load"] == "lazy"
    [form] = home.all("form", role="search")
    assert form["action"] == "search/" and form["method"] == "post"


def test_the_server_never_logs_a_query():
    import urllib.parse
    import urllib.request

    from conftest import LiveServer, free_port

    server = LiveServer(free_port(), {"TIREK_RESOURCES_DIR": str(SEARCH_SITE)}).start()
    try:
        for lang, query in (("ru", "секретныйзапрос"), ("en", "secretquery"), ("kk", "суицид")):
            body = urllib.parse.urlencode({"q": query}).encode()
            with urllib.request.urlopen(server.url + f"{lang}/search/", data=body) as response:
                assert response.status == 200
                assert response.headers["Cache-Control"] == "no-store"
    finally:
        server.stop()
    log = server.log
    assert "секретныйзапрос" not in log and "secretquery" not in log and "суицид" not in log
    assert "search" not in log  # not even the address


def test_every_crisis_section_is_in_the_content(app):
    """The writers keep the ids the crisis help links to (docs/content.md lists them)."""
    from tirek.crisis import CRISES

    for lang in LANGS:
        index = app.extensions["tirek_search"][lang].data
        for crisis, entry in zip(CRISES, index["crisis"]):
            assert [url for url, _, _ in entry["links"]] == [
                "../{}/#{}".format(*link.split("#")) for link in crisis.links
            ], (lang, crisis.name)


def test_a_repeated_query_is_answered_with_the_same_page_without_rendering_again(app, monkeypatch):
    client = app.test_client()
    first = client.post("/ru/search/", data={"q": "полиция"}).get_data()
    import tirek.views as views

    monkeypatch.setattr(views, "render_template", lambda *args, **kwargs: pytest.fail("rendered again"))
    assert client.post("/ru/search/", data={"q": "полиция"}).get_data() == first
