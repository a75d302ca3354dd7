"""Every URL in every language, the language choice, fallbacks, 404s, and the quick-exit link."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from app import create_app
from conftest import FIXTURE_SITE, Document
from tirek.languages import LANGUAGES
from tirek.sitemap import ROOT_PAGES, page_paths

LINK = re.compile(r'<a [^>]*href="([^"]+)"')


def test_every_page_in_every_language_renders(app, client):
    paths = page_paths(app.extensions["tirek_site"].slugs)
    assert len(paths) >= 3 * 4
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if path in ROOT_PAGES:
            continue  # the cover shows nothing of the app (test_safety.py); the chooser is in the visitor's language
        lang = path.split("/")[1]
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, path
        assert "data-quick-exit" in html and f'href="{app.config["QUICK_EXIT_URL"]}"' in html, path
        for other in set(LANGUAGES) - {lang}:
            assert re.search(rf'<a href="[^"]*" hreflang="{other}"', html), (path, other)


def test_every_internal_link_resolves(app, client):
    """Follow every relative link on every page: none may lead to a 404."""
    checked = set()
    for path in page_paths(app.extensions["tirek_site"].slugs):
        html = client.get(path).get_data(as_text=True)
        for href in LINK.findall(html):
            if re.match(r"^[a-z]+:", href) or href.startswith("#"):
                continue
            target = urljoin(f"http://localhost{path}", href).removeprefix("http://localhost")
            target = target.split("#")[0]
            if target in checked:
                continue
            checked.add(target)
            assert client.get(target).status_code == 200, f"{path} links to {href} ({target})"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk/"),
        ("ru-RU,ru;q=0.9", "ru/"),
        ("en-GB,en;q=0.8", "en/"),
        ("de-DE,de;q=0.9", "ru/"),
        ("", "ru/"),
        ("fr;q=0.9, en;q=0.5", "en/"),
    ],
)
def test_root_redirects_to_the_browser_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/xx/",
        "/de/",
        "/KK/",
        "/ru/no-such-page/",
        "/en/../../etc/passwd",
        "/ru/%00/",
        "/ru/a/b/c/",
        "/static/nothing.css",
        "/ru/index/",
        "/favicon.ico",
        "/ru/Police/",
        "/" + "a" * 3000 + "/",
    ],
)
def test_unknown_urls_get_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "data-quick-exit" in html


def test_404_speaks_the_language_of_the_url(client):
    assert '<html lang="kk">' in client.get("/kk/no-such-page/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/en/no-such-page/").get_data(as_text=True)
    html = client.get("/nowhere/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_untranslated_page_falls_back_with_a_notice(partial_app):
    # In the partial site, "phone-safety" is written only in English.
    response = partial_app.test_client().get("/kk/phone-safety/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="kk">' in html
    assert '<article lang="en">' in html
    assert "аударылмаған" in html  # the Kazakh notice
    assert 'href="../../en/phone-safety/" hreflang="en"' in html


def test_topic_list_keeps_the_order_from_front_matter(fixture_client):
    html = fixture_client.get("/en/").get_data(as_text=True)
    assert html.index("Safety") < html.index("Police")


def test_contacts_show_only_verified_entries_as_tel_links(fixture_client):
    html = fixture_client.get("/ru/contacts/").get_data(as_text=True)
    assert 'href="tel:112"' in html
    assert "Скрытая организация" not in html and "+7 700" not in html
    assert "102" in html  # the police warning


def test_shipped_contacts_dial_on_tap(client):
    html = client.get("/kk/contacts/").get_data(as_text=True)
    for number in ("112", "101", "102", "103", "104"):
        assert f'href="tel:{number}"' in html


def test_review_date_in_the_language_of_the_page(fixture_client):
    assert "November 1, 2026" in fixture_client.get("/en/police/").get_data(as_text=True)
    assert "1 ноября 2026" in fixture_client.get("/ru/police/").get_data(as_text=True)
    assert "1 қараша" in fixture_client.get("/kk/police/").get_data(as_text=True)


def test_legal_pages_say_whether_a_lawyer_reviewed_them(fixture_client):
    en = fixture_client.get("/en/police/").get_data(as_text=True)
    assert "not legal advice" in en and "has not reviewed" in en
    ru = fixture_client.get("/ru/police/").get_data(as_text=True)
    assert "Юрист проверил эту страницу 15 октября 2026" in ru
    safety = fixture_client.get("/en/safety/").get_data(as_text=True)
    assert "not legal advice" not in safety


def test_sources_are_listed(fixture_client):
    html = fixture_client.get("/en/police/").get_data(as_text=True)
    assert '<a href="https://www.ilga-europe.org/" rel="noreferrer">ILGA-Europe Annual Review</a>' in html
    assert "News reports, December 2025" in html


def test_home_page_links_work_from_the_home_page(client):
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="contacts/"' in html
    assert 'href="../contacts/"' not in html


def test_markdown_tables_and_heading_anchors(fixture_client):
    html = fixture_client.get("/en/police/").get_data(as_text=True)
    assert '<h2 id="stay-calm">' in html
    assert '<th align="left">Do</th>' in html
    assert "style=" not in html


def test_post_to_a_page_is_not_a_server_error(client):
    assert client.post("/ru/").status_code == 405


def test_an_unexpected_failure_shows_a_calm_page_not_a_traceback():
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})  # its own: the test adds a route

    @app.route("/kk/broken-on-purpose/")
    def broken():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/kk/broken-on-purpose/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="kk">' in html and "data-quick-exit" in html
    assert "secret detail" not in html and "Traceback" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_answers_i_need_help_now_one_tap_from_the_right_section(app, client, lang):
    """Detained, blackmailed, in crisis, someone to talk to: each a link to the section that helps."""
    html = client.get(f"/{lang}/").get_data(as_text=True)
    urgent = html[html.index('class="urgent"') : html.index("</aside>")]
    links = re.findall(r'href="([^"]+)"', urgent)
    assert links == ["tel:112", "police/#detained", "blackmail/#now", "mental-health/#crisis", "contacts/#talk"]
    for link in links[1:]:
        page, anchor = link.split("#")
        target = client.get(f"/{lang}/{page}").get_data(as_text=True)
        assert f'id="{anchor}"' in target, link


# --- what search engines read -------------------------------------------------------------------


def head_links(html: str) -> list[dict]:
    return [
        attrs for tag, attrs in Document(html).tags if tag == "link" and attrs.get("rel") in ("alternate", "canonical")
    ]


def description(client, path: str) -> str:
    (meta,) = Document(client.get(path).get_data(as_text=True)).find("meta", name="description")
    return meta["content"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ["", "search/"])
def test_home_and_search_pages_describe_themselves_in_their_language(fixture_client, lang, page):
    text = description(fixture_client, f"/{lang}/{page}")
    assert len(text) > 40
    assert (text == description(fixture_client, f"/en/{page}")) == (lang == "en")


def test_no_canonical_or_hreflang_links_without_a_site_url(fixture_client):
    html = fixture_client.get("/ru/police/").get_data(as_text=True)
    assert head_links(html) == []
    # The visible language switch still says which language each link leads to.
    assert 'href="../../kk/police/" hreflang="kk"' in html


@pytest.mark.parametrize("site_url", ["https://tirek.example", "https://example.org/mirror/"])
def test_absolute_canonical_and_hreflang_links_with_a_site_url(app_with, site_url):
    client = app_with(RESOURCES_DIR=str(FIXTURE_SITE), SITE_URL=site_url).test_client()
    base = site_url.rstrip("/")
    links = head_links(client.get("/ru/police/?from=search").get_data(as_text=True))
    assert links == [
        {"rel": "canonical", "href": f"{base}/ru/police/"},
        {"rel": "alternate", "hreflang": "kk", "href": f"{base}/kk/police/"},
        {"rel": "alternate", "hreflang": "ru", "href": f"{base}/ru/police/"},
        {"rel": "alternate", "hreflang": "en", "href": f"{base}/en/police/"},
        {"rel": "alternate", "hreflang": "x-default", "href": f"{base}/ru/police/"},
    ]
    home = head_links(client.get("/kk/").get_data(as_text=True))
    assert {"rel": "canonical", "href": f"{base}/kk/"} in home
    # An error page is nobody's canonical address and has no translations.
    assert head_links(client.get("/ru/no-such-page/").get_data(as_text=True)) == []


def test_a_static_copy_names_no_address_even_with_a_site_url(app_with):
    copy = app_with(RESOURCES_DIR=str(FIXTURE_SITE), SITE_URL="https://tirek.example", LINK_INDEX_FILES=True)
    assert head_links(copy.test_client().get("/ru/police/").get_data(as_text=True)) == []
