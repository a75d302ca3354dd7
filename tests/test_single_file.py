"""The one-file copy, /<lang>/copy.html: the whole site in one language, needing nothing else."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import shutil
from html.parser import HTMLParser

import pytest

from app import create_app
from conftest import FIXTURE_SITE
from tirek import signing, single_file
from tirek.languages import LANGUAGES
from tirek.sitemap import download_paths


class Document(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def key():
    return signing.generate().public_key


@pytest.fixture(scope="module")
def fixture_copy(key):
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE), "SIGNING_PUBLIC_KEY": key.text})
    client = app.test_client()
    return app, {lang: client.get(f"/{lang}/copy.html") for lang in LANGUAGES}


def test_it_downloads_under_a_neutral_name_with_its_own_policy(fixture_copy):
    app, responses = fixture_copy
    for lang, response in responses.items():
        assert response.status_code == 200 and response.mimetype == "text/html"
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="reader-{lang}.html"'
        assert not re.search(r"tirek|lgbt|queer|gay|trans", disposition, re.I)
        assert response.headers["Cache-Control"] == "no-store"
        html = response.get_data(as_text=True)
        css = html.split("<style>", 1)[1].split("</style>", 1)[0]
        style_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        policy = response.headers["Content-Security-Policy"]
        assert policy == (
            f"default-src 'none'; style-src 'sha256-{style_hash}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
        meta = next(a for a in Document(html).all("meta") if a.get("http-equiv") == "Content-Security-Policy")
        assert meta["content"] == policy.removesuffix("; frame-ancestors 'none'")
        # The neutral app name, not the site's, in the tab and the browser's history.
        assert f"<title>{app.config['APP_NAME']}</title>" in html


def test_it_loads_nothing_and_runs_nothing(fixture_copy):
    _, responses = fixture_copy
    for lang, response in responses.items():
        document = Document(response.get_data(as_text=True))
        used = {name for name, _ in document.tags}
        assert not used & {"script", "link", "img", "iframe", "object", "embed", "form", "video", "audio", "base"}, lang
        assert not [attrs for _, attrs in document.tags if "src" in attrs or "srcset" in attrs], lang
        assert not [attrs for _, attrs in document.tags if any(name.startswith("on") for name in attrs)], lang
        assert "url(" not in response.get_data(as_text=True).split("</style>")[0], lang


def test_every_link_is_a_fragment_of_the_file_or_leaves_it(fixture_copy):
    _, responses = fixture_copy
    for lang, response in responses.items():
        document = Document(response.get_data(as_text=True))
        ids = [attrs["id"] for _, attrs in document.tags if "id" in attrs]
        assert len(ids) == len(set(ids)), f"{lang}: an id is used twice"
        for attrs in document.all("a"):
            href = attrs["href"]
            if href.startswith("#"):
                assert href[1:] in ids, f"{lang}: {href} leads nowhere in the file"
            else:
                assert re.match(r"(https|mailto|tel):", href), f"{lang}: {href} is not inside the file"


def test_it_holds_every_topic_and_every_contact_with_its_trace(fixture_copy):
    app, responses = fixture_copy
    site = app.extensions["tirek_site"]
    for lang, response in responses.items():
        html = response.get_data(as_text=True)
        document = Document(html)
        topics = site.topics(lang)
        assert topics
        for page in topics:
            assert page.slug in [a["id"] for a in document.all("article")], (lang, page.slug)
            assert f'<a href="#{page.slug}"' in html, (lang, page.slug)
        for contact in site.verified_contacts():
            assert contact.name[lang] in html and contact.trace[lang] in html, (lang, contact.id)
        unverified = [c for c in site.contacts if not c.verified]
        assert unverified and all(c.name[lang] not in html for c in unverified)
        assert len(document.all("h1")) == 1


def test_links_between_pages_become_fragments_and_anchors_stay_apart(fixture_copy):
    _, responses = fixture_copy
    html = responses["en"].get_data(as_text=True)
    article = html.split('<article id="share-a-copy"', 1)[1].split("</article>", 1)[0]
    assert '<a href="#copy">Download the copy</a>' in article
    assert '<a href="#share-a-copy--fingerprint">fingerprint</a>' in article
    assert '<a href="#mirrors">mirrors page</a>' in article
    assert '<a href="#police--stay-calm">stay calm</a>' in article
    assert '<a href="#copy">remove them</a>' in article
    # The page's headings sit under its title: one level down, their ids prefixed by its slug.
    assert '<h3 id="share-a-copy--download">' in article and "<h2" not in article.split("</h2>", 1)[1]
    assert '<h3 id="police--stay-calm">' in html
    assert '<a href="#contacts">contacts</a>' in html.split('<article id="police"', 1)[1]


@pytest.mark.parametrize(
    "path, fragment, expected",
    [
        ("/ru/police/", "", "#police"),
        ("/ru/police/index.html", "stay-calm", "#police--stay-calm"),
        ("/ru/", "", "#index"),
        ("/ru/index.html", "", "#index"),
        ("/ru/contacts/", "talk", "#contacts--talk"),
        ("/ru/copy.html", "", "#copy"),
        ("/ru/remove/", "", "#copy"),
        ("/ru/search/", "", "#search"),
        ("/ru/mirrors/", "x", "#mirrors"),
        ("/ru/offline/", "", "#index"),
        ("/kk/police/", "", "#police"),
        ("/ru/no-such-page/", "", "#index"),
        ("/static/css/site.css", "", "#index"),
    ],
)
def test_anchor_for_every_kind_of_site_link(path, fragment, expected):
    assert single_file.anchor(path, fragment, {"police", "safety"}) == expected


def test_it_carries_its_date_the_fingerprint_a_quick_exit_and_where_to_get_a_newer_one(fixture_copy, key):
    app, responses = fixture_copy
    date = single_file.content_date(app.extensions["tirek_site"])
    for response in responses.values():
        html = response.get_data(as_text=True)
        document = Document(html)
        exits = [a for a in document.all("a") if "data-quick-exit" in a]
        assert [a["href"] for a in exits] == [app.config["QUICK_EXIT_URL"]]
        assert html.count(key.text) == 2  # in "About this copy" and where the fingerprint is explained
        assert str(date.year) in html.split('id="copy"')[0]
        assert 'id="mirrors"' in html and 'id="copy"' in html
    en = responses["en"].get_data(as_text=True)
    assert "ask the person who sent it to you" in en


def test_untranslated_pages_say_so_in_their_own_language(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "kk" / "police.md").unlink()
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(site)}).test_client()
    html = client.get("/kk/copy.html").get_data(as_text=True)
    assert '<article id="police" lang="ru">' in html


def test_every_copy_is_exported_and_none_is_stored_offline(fixture_copy):
    app, _ = fixture_copy
    precached = {entry["url"] for entry in app.extensions["tirek_precache"]["entries"]}
    for path in download_paths():
        assert path.lstrip("/") not in precached


def test_footer_links_to_the_share_page_only_when_it_exists(tmp_path, fixture_copy):
    app, _ = fixture_copy
    html = app.test_client().get("/ru/police/").get_data(as_text=True)
    assert '<a href="../share-a-copy/">' in html
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    for lang in LANGUAGES:
        (site / lang / "share-a-copy.md").unlink()
    without = create_app({"TESTING": True, "RESOURCES_DIR": str(site)}).test_client()
    assert "share-a-copy" not in without.get("/ru/police/").get_data(as_text=True)


def test_the_shipped_content_fits_the_budget(client):
    for lang in LANGUAGES:
        data = client.get(f"/{lang}/copy.html").get_data()
        assert len(gzip.compress(data, 9)) <= single_file.BUDGET_GZIPPED, f"{lang}: run bench/copy_size.py"


def test_only_real_tags_are_rewritten_not_code_samples():
    html = (
        '<h2 id="a">A</h2><p><code>&lt;a href="../x/"&gt; id="q"</code> '
        '<a href="../police/#b" title="t">p</a> <a href="https://x.org/">x</a></p>'
    )
    assert single_file.into_file(html, "/ru/s/", "s", {"police", "s"}) == (
        '<h3 id="s--a">A</h3><p><code>&lt;a href="../x/"&gt; id="q"</code> '
        '<a href="#police--b" title="t">p</a> <a href="https://x.org/">x</a></p>'
    )
