"""Leaving no trace, as the reader meets it: nothing loaded from another site, the quick-exit
markup, the neutral cover page and the removal page. Headers, cookies and logs: test_security.py."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import FIXTURE_SITE, LANGS, ROOT, Document, every_kind_of_request
from tirek import sitemap, views

EXIT_URL = "https://exit.example/"
BASE = "http://localhost"


@pytest.fixture(scope="module")
def safety_app(app_with):
    """The fixture site (the safety page in every language), a recognisable exit and site name."""
    return app_with(RESOURCES_DIR=str(FIXTURE_SITE), QUICK_EXIT_URL=EXIT_URL, SITE_NAME="Pomegranate")


@pytest.fixture
def client(safety_app):
    return safety_app.test_client()


def site(app):
    return app.extensions["tirek_site"]


@pytest.mark.parametrize("which", ["shipped", "fixture"])
def test_no_page_loads_anything_from_another_origin(which, app, safety_app):
    app = app if which == "shipped" else safety_app
    client = app.test_client()
    pages = 0
    for method, path, headers in every_kind_of_request(app):
        response = client.open(path, method=method, headers=headers)
        if response.mimetype != "text/html" or method == "HEAD":
            continue
        html = response.get_data(as_text=True)
        for url in Document(html).loaded_urls():
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{path} loads {url}"
        # The CSP allows no inline script or style: there must be none to break.
        assert "<script>" not in html and "style=" not in html, path
        pages += 1
    assert pages > len(sitemap.page_paths(site(app).slugs))


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
        if path == sitemap.COVER_PATH:
            continue
        doc = Document(client.get(path).get_data(as_text=True))
        links = [(t, a) for t, a in doc.tags if t == "a"]
        assert "skip-link" in links[0][1].get("class", ""), path
        exit_link = links[1][1]
        assert "data-quick-exit" in exit_link, f"{path}: the quick exit is not right after the skip link"
        assert exit_link["href"] == EXIT_URL
        assert "noreferrer" in exit_link["rel"]
        assert urljoin(BASE + path, exit_link["data-cover"]) == BASE + sitemap.COVER_PATH
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
    english = {
        "data-i18n-press-twice": "Shift, press 2 more times to exit.",
        "data-i18n-press-once": "Shift, press 1 more time to exit.",
        "data-i18n-expired": "Exit this page expired.",
        "data-i18n-leaving": "Loading.",
    }
    for name, text in english.items():
        assert strings[name], name
        assert (strings[name] == text) == (lang == "en"), f"{lang} {name}: {strings[name]!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_explains_the_quick_exit(safety_app, client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert html.count('class="exit-hint"') == 1
    hint = html[html.index('class="exit-hint"') :].split("</p>", 1)[0]
    assert "Shift" in hint
    assert site(safety_app).page(lang, views.SAFETY_SLUG), "the fixture site has the safety page"
    assert f'href="{views.SAFETY_SLUG}/"' in hint


# --- the cover page -----------------------------------------------------------------------------


def test_cover_page_betrays_nothing(client):
    response = client.get(sitemap.COVER_PATH)
    html = response.get_data(as_text=True)
    doc = Document(html)
    assert response.status_code == 200
    assert "pomegranate" not in html.lower() and "tirek" not in html.lower()
    assert "data-quick-exit" not in html
    assert not doc.find("script") and not doc.find("link") and not doc.find("a")
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "about:blank"
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    assert body.strip() == ""
    # Language-neutral: the same bytes whatever the reader's language.
    for language in ("kk", "ru", "en"):
        assert client.get(sitemap.COVER_PATH, headers={"Accept-Language": language}).get_data(as_text=True) == html


# --- removal ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_remove_page_asks_first(client, lang):
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
        hrefs = [
            urljoin(BASE + path, a.get("href", "")) for a in Document(client.get(path).get_data(as_text=True)).find("a")
        ]
        lang = path.split("/")[1]
        assert f"{BASE}/{lang}/remove/" in hrefs, path
