"""The mirrors list: validated like the contacts, shown in every language, linked from every page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import textwrap
from pathlib import Path
from urllib.parse import urljoin

import pytest

from app import create_app
from tirek.content import load_site
from tirek.languages import LANGUAGES
from tirek.mirrors import load_mirrors

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"

GOOD = """\
# Copies checked against SHA256SUMS.
- url: https://mirror.example.org/tirek/
  kind: web
  added: 2026-10-01
  note:
    kk: "Ерікті адамдар жүргізеді."
    ru: "Ведут волонтёры."
    en: "Run by volunteers."
- url: http://exampleexampleexampleexampleexampleexampleexampleexam.onion/
  kind: onion
  added: 2026-10-02
  note: {kk: "Tor арқылы.", ru: "Через Tor.", en: "Through Tor."}
"""


def mirrors_problems(tmp_path, text: str):
    root = tmp_path / "resources"
    root.mkdir(exist_ok=True)
    path = root / "mirrors.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    problems = []
    mirrors = load_mirrors(path, root, problems)
    return mirrors, [str(p) for p in problems]


@pytest.fixture
def site_with_mirrors(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "mirrors.yaml").write_text(GOOD, encoding="utf-8")
    return site


def test_good_mirrors_load_with_their_lines(tmp_path):
    mirrors, problems = mirrors_problems(tmp_path, GOOD)
    assert problems == []
    assert [(m.kind, m.line, m.added) for m in mirrors] == [
        ("web", 2, dt.date(2026, 10, 1)),
        ("onion", 9, dt.date(2026, 10, 2)),
    ]
    assert mirrors[1].note["kk"] == "Tor арқылы."


def test_no_file_or_an_empty_list_means_no_mirrors(tmp_path):
    assert load_mirrors(tmp_path / "mirrors.yaml", tmp_path, []) == []
    assert mirrors_problems(tmp_path, "# nothing yet\n") == ([], [])
    assert mirrors_problems(tmp_path, "[]\n") == ([], [])


def test_shipped_mirrors_file_is_sound():
    problems = []
    load_mirrors(ROOT / "resources" / "mirrors.yaml", ROOT / "resources", problems)
    assert problems == []


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            "- url: http://mirror.example.org/\n  kind: web\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'http://mirror.example.org/': a web mirror's 'url' must start with https://",
        ),
        (
            "- url: https://mirror.example.org/\n  kind: ftp\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'https://mirror.example.org/': 'kind' must be one of web, onion, ipfs, zip",
        ),
        (
            "- url: https://mirror.example.org/\n  kind: onion\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'https://mirror.example.org/': an onion mirror's address must end in .onion",
        ),
        (
            "- url: https://x.onion/\n  kind: web\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'https://x.onion/': a .onion address needs kind: onion",
        ),
        (
            "- url: ipfs://bafyexample\n  kind: ipfs\n  added: soon\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'ipfs://bafyexample': 'added' must be the date the mirror was listed, as YYYY-MM-DD",
        ),
        (
            "- url: https://mirror.example.org/\n  kind: web\n  added: 2026-10-01\n  note: {kk: a, en: c}\n",
            "resources/mirrors.yaml:1: mirror 'https://mirror.example.org/': 'note' needs text for each of kk, ru, en"
            " (who runs it, how often it is updated)",
        ),
        (
            "- kind: web\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:1: mirror '?': 'url' is missing",
        ),
        (
            "- url: https://mirror.example.org/\n  kind: web\n  added: 2026-10-01\n  note: {kk: a, ru: b, en: c}\n"
            "  owner: me\n",
            "resources/mirrors.yaml:1: mirror 'https://mirror.example.org/': unknown field 'owner' (known: added, kind, note, url)",
        ),
        (
            "- url: https://mirror.example.org/\n  kind: web\n  added: 2026-02-30\n  note: {kk: a, ru: b, en: c}\n",
            "resources/mirrors.yaml:3: impossible date (day is out of range for month); dates are written YYYY-MM-DD",
        ),
        ("- just a line\n", "resources/mirrors.yaml:1: each mirror must be a set of 'field: value' lines"),
        (
            "url: https://mirror.example.org/\n",
            "resources/mirrors.yaml:1: mirrors must be a list of entries ('- url: …'), or []",
        ),
        (
            "- url: [https://a\n",
            "resources/mirrors.yaml:2: not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
    ],
)
def test_problems_name_the_file_and_line(tmp_path, entry, message):
    mirrors, problems = mirrors_problems(tmp_path, entry)
    assert mirrors == []
    assert problems == [message]


def test_a_problem_points_at_its_own_entry_and_the_good_ones_stay(tmp_path):
    text = (
        GOOD + "- url: https://mirror.example.org/tirek/\n  kind: web\n  added: 2026-10-03\n"
        "  note: {kk: a, ru: b, en: c}\n"
    )
    mirrors, problems = mirrors_problems(tmp_path, text)
    assert len(mirrors) == 2
    assert problems == ["resources/mirrors.yaml:13: mirror 'https://mirror.example.org/tirek/' is listed twice"]


def test_site_problems_include_the_mirrors(tmp_path, site_with_mirrors):
    (site_with_mirrors / "mirrors.yaml").write_text("- url: https://a.example/\n  kind: web\n", encoding="utf-8")
    problems = [str(p) for p in load_site(site_with_mirrors).problems]
    assert (
        "site/mirrors.yaml:1: mirror 'https://a.example/': 'added' must be the date the mirror was listed,"
        " as YYYY-MM-DD" in problems
    )


def test_mirrors_is_a_reserved_slug(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "en" / "mirrors.md").write_text("---\ntitle: x\nsummary: y\nupdated: 2026-01-01\n---\nz\n")
    assert "site/en/mirrors.md:1: slug 'mirrors' is reserved for a page the app makes" in [
        str(p) for p in load_site(site).problems
    ]


def test_mirrors_page_lists_each_mirror_in_every_language(site_with_mirrors):
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(site_with_mirrors)}).test_client()
    notes = {"kk": "Ерікті адамдар жүргізеді.", "ru": "Ведут волонтёры.", "en": "Run by volunteers."}
    for lang in LANGUAGES:
        html = client.get(f"/{lang}/mirrors/").get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert '<a href="https://mirror.example.org/tirek/" rel="noreferrer">' in html
        assert "exampleexampleexampleexampleexampleexampleexampleexam.onion/" in html
        assert notes[lang] in html
        assert all(note not in html for other, note in notes.items() if other != lang)
        # Readers get addresses and plain words; the operators' commands are in docs/deploy.md.
        assert "<pre>" not in html and "<code>" not in html and "sha256sum" not in html


def test_mirrors_page_without_mirrors_says_so(fixture_client):
    with_list = fixture_client.get("/en/mirrors/").get_data(as_text=True)
    assert "No other copies are listed yet" in with_list
    assert 'class="contacts mirrors"' not in with_list
    assert "No other copies are listed yet" not in fixture_client.get("/ru/mirrors/").get_data(as_text=True)


def test_mirrors_page_shows_the_fingerprint_in_plain_words_and_the_one_file_copy(site_with_mirrors):
    from tirek import signing

    key = signing.generate().public_key
    client = create_app(
        {"TESTING": True, "RESOURCES_DIR": str(site_with_mirrors), "SIGNING_PUBLIC_KEY": key.text}
    ).test_client()
    for lang in LANGUAGES:
        html = client.get(f"/{lang}/mirrors/").get_data(as_text=True)
        assert f'<code class="fingerprint">{key.text}</code>' in html
        assert f'<a href="../copy.html" download="reader-{lang}.html">' in html
        assert 'href="../share-a-copy/"' in html
    unsigned = create_app({"TESTING": True, "RESOURCES_DIR": str(site_with_mirrors)}).test_client()
    assert "fingerprint" not in unsigned.get("/en/mirrors/").get_data(as_text=True)


def test_every_page_links_to_the_mirrors_page(fixture_app):
    from tirek.sitemap import page_paths

    client = fixture_app.test_client()
    paths = page_paths(fixture_app.extensions["tirek_site"].slugs) + ["/kk/no-such-page/"]
    # Pages with the site's layout, which live in a language's folder (not e.g. a neutral cover).
    for path in [p for p in paths if p.split("/")[1] in LANGUAGES]:
        html = client.get(path).get_data(as_text=True)
        lang = re.search(r'<html lang="(\w+)">', html)[1]
        links = {urljoin("http://tirek.test" + path, href) for href in re.findall(r'href="([^"]*)"', html)}
        assert f"http://tirek.test/{lang}/mirrors/" in links, path
