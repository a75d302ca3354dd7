"""The content pipeline: front matter, sanitizing, and errors that name the file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from app import create_app
from conftest import FIXTURE_SITE, ROOT
from tirek.content import ContentError, load_site
from tirek.markup import render_markdown


@pytest.fixture
def broken_site(tmp_path):
    site = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, site)
    return site


def write(site, relative, text):
    path = site / relative
    path.write_text(text, encoding="utf-8")
    return path


def problems(site):
    return [str(p) for p in load_site(site).problems]


def test_shipped_content_loads_without_problems():
    site = load_site(ROOT / "resources")
    assert site.problems == []
    assert set(site.homes) == {"kk", "ru", "en"}
    for lang in ("kk", "ru", "en"):
        assert len(site.pages[lang]) >= 2


def test_fixture_site_loads_without_problems():
    assert problems(FIXTURE_SITE) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\norder: [\n---\nbody",
            "resources/en/x.md:5: front matter is not valid YAML",
        ),
        ("no front matter", "resources/en/x.md:1: front matter missing"),
        (
            "---\ntitle: A\nupdated: 2026-01-01\n---\n",
            "resources/en/x.md:2: required field 'summary' is missing or empty",
        ),
        (
            "---\ntitle: A\nsummary: B\nupdated: 1 May\n---\n",
            "resources/en/x.md:4: field 'updated' must be a date as YYYY-MM-DD, got '1 May'",
        ),
        (
            "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\nauthor: me\n---\n",
            "resources/en/x.md:5: unknown field 'author'",
        ),
        (
            "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\nlegal_review: yes\n---\n",
            "resources/en/x.md:5: field 'legal_review' must be 'pending' or the date",
        ),
        (
            "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\nsources:\n  - title: S\n    url: http://x.example\n---\n",
            "resources/en/x.md:5: source 'S': url must start with https://",
        ),
        (
            "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\norder: first\n---\n",
            "resources/en/x.md:5: field 'order' must be a whole number",
        ),
    ],
)
def test_front_matter_problems_name_file_and_line(broken_site, text, expected):
    write(broken_site, "en/x.md", text)
    found = problems(broken_site)
    assert any(line.startswith(expected) for line in found), found


def test_reserved_and_bad_slugs(broken_site):
    write(broken_site, "en/contacts.md", "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\n---\n")
    write(broken_site, "en/Bad_Name.md", "---\ntitle: A\nsummary: B\nupdated: 2026-01-01\n---\n")
    found = problems(broken_site)
    assert "resources/en/contacts.md:1: slug 'contacts' is reserved for a page the app makes" in found
    assert any(line.startswith("resources/en/Bad_Name.md:1: file name 'Bad_Name' is not a slug") for line in found)


def test_non_utf8_file(broken_site):
    (broken_site / "en" / "x.md").write_bytes(b"---\ntitle: \xff\n---\n")
    assert any(line.startswith("resources/en/x.md:1: not UTF-8") for line in problems(broken_site))


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            "- id: a\n  category: emergency\n  name: {en: A}\n  description: {en: A, ru: A, kk: A}\n  trace: {en: T, ru: T, kk: T}\n  verified: false\n  source: s\n",
            "resources/contacts.yaml:1: contact 'a': 'name' needs text for each of kk, ru, en",
        ),
        (
            "- id: b\n  category: police\n  name: {en: A, ru: A, kk: A}\n  description: {en: A, ru: A, kk: A}\n  trace: {en: T, ru: T, kk: T}\n  verified: false\n  source: s\n",
            "resources/contacts.yaml:1: contact 'b': 'category' must be one of talk, lgbti, digital, images, relocation, international, emergency",
        ),
        (
            "- id: c\n  category: emergency\n  name: {en: A, ru: A, kk: A}\n  description: {en: A, ru: A, kk: A}\n  trace: {en: T, ru: T, kk: T}\n  phone: call me\n  verified: true\n  verified_on: 2026-01-01\n  source: s\n",
            "resources/contacts.yaml:1: contact 'c': 'phone' 'call me' must be digits as dialled",
        ),
        (
            "- id: d\n  category: emergency\n  name: {en: A, ru: A, kk: A}\n  description: {en: A, ru: A, kk: A}\n  trace: {en: T, ru: T, kk: T}\n  verified: true\n  source: s\n",
            "resources/contacts.yaml:1: contact 'd': a verified contact needs 'verified_on' as YYYY-MM-DD",
        ),
        ("- id: e\n  category: emergency\n  name: [\n", "resources/contacts.yaml:4: not valid YAML"),
    ],
)
def test_contact_problems_name_file_and_line(broken_site, entry, message):
    write(broken_site, "contacts.yaml", entry)
    found = problems(broken_site)
    assert any(line.startswith(message) for line in found), found


def test_second_contact_problem_points_at_its_own_line(broken_site):
    good = "- id: a\n  category: emergency\n  name: {en: A, ru: A, kk: A}\n  description: {en: A, ru: A, kk: A}\n  trace: {en: T, ru: T, kk: T}\n  verified: false\n  source: s\n"
    write(broken_site, "contacts.yaml", good + good)
    assert "resources/contacts.yaml:8: contact id 'a' is used twice" in problems(broken_site)


def test_broken_content_stops_create_app_with_the_problems(broken_site):
    write(broken_site, "ru/x.md", "---\ntitle: [\n---\n")
    with pytest.raises(ContentError) as error:
        create_app({"RESOURCES_DIR": str(broken_site)})
    assert "resources/ru/x.md:2: front matter is not valid YAML" in str(error.value.code)


def test_broken_content_stops_the_server_without_a_traceback(broken_site):
    write(broken_site, "kk/x.md", "---\ntitle: A\nupdated: never\n---\n")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "TIREK_RESOURCES_DIR": str(broken_site)},
    )
    assert result.returncode != 0
    assert "resources/kk/x.md:2: required field 'summary' is missing or empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_catalog_names_the_file(tmp_path, monkeypatch):
    from tirek import i18n

    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    po = translations / "kk" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + "\ngarbage line\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", translations)
    with pytest.raises(i18n.CatalogError) as error:
        create_app({"TESTING": True})
    assert f"{po}:{len(po.read_text(encoding='utf-8').splitlines())}: " in str(error.value.code)


def test_translation_with_a_wrong_placeholder_falls_back_instead_of_crashing(tmp_path, monkeypatch):
    from tirek import i18n

    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    po = translations / "ru" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert "Факты последний раз проверены: %(date)s" in text
    po.write_text(
        text.replace("Факты последний раз проверены: %(date)s", "Факты последний раз проверены: %(dat)s"),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", translations)
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)})
    response = app.test_client().get("/ru/police/")
    assert response.status_code == 200
    assert "Facts last checked: 1 ноября 2026" in response.get_data(as_text=True)


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="https://evil.example" onclick="steal()">x</a>',
    "![tracker](https://tracker.example/pixel.png)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="position:fixed">x</div>',
    "[plain](http://insecure.example/)",
]


class Elements(HTMLParser):
    """Collects the real elements and attributes of an HTML fragment (escaped text is not one)."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_is_rendered_harmless(markdown):
    html, _ = render_markdown(markdown)
    for tag, attrs in Elements(html).found:
        assert tag in {"p", "a"}, (markdown, html)
        assert set(attrs) <= {"href"}, (markdown, html)
        href = attrs.get("href")
        assert href is None or href.startswith("https://"), (markdown, html)
    assert "tracker.example" not in html


def test_raw_html_is_shown_as_text():
    html, _ = render_markdown("Hello <b>world</b>")
    assert "&lt;b&gt;world&lt;/b&gt;" in html


def test_sanitizer_reports_what_it_removes():
    _, removed = render_markdown("[x](javascript:alert(1)) ![i](https://a.example/i.png)")
    assert any("javascript:alert(1)" in line for line in removed)
    assert any("<img>" in line for line in removed)
    _, clean = render_markdown("[ok](https://ilga-europe.org/) [tel](tel:112) [mail](mailto:a@b.kz) [page](../police/)")
    assert clean == []


def test_hostile_page_served_harmlessly(broken_site):
    write(
        broken_site,
        "en/evil.md",
        "---\ntitle: <script>alert(1)</script>\nsummary: '\"><img src=x onerror=alert(1)>'\nupdated: 2026-01-01\n---\n"
        + "\n\n".join(HOSTILE),
    )
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(broken_site)})
    html = app.test_client().get("/en/evil/").get_data(as_text=True)
    assert (
        "<script>alert" not in html
        and "<img" not in html
        and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_page_shows_when_its_facts_were_checked_and_its_newest_source(fixture_client):
    """'Last checked' alone would overstate freshness when the newest source is older."""
    html = fixture_client.get("/en/police/").get_data(as_text=True)
    assert "Facts last checked: November 1, 2026" in html
    assert "Newest source: February 20, 2025" in html


@pytest.mark.parametrize(
    "value, shown",
    [
        ("2025-02-20", "Newest source: February 20, 2025"),
        ('"2025-02"', "Newest source: February 2025"),
        ("2025", "Newest source: 2025"),
    ],
)
def test_a_source_date_is_shown_as_precisely_as_it_is_known(tmp_path, value, shown):
    site = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, site)
    page = site / "en" / "police.md"
    text = page.read_text(encoding="utf-8").replace("date: 2025-02-20", f"date: {value}")
    page.write_text(text, encoding="utf-8")
    html = (
        create_app({"TESTING": True, "RESOURCES_DIR": str(site)})
        .test_client()
        .get("/en/police/")
        .get_data(as_text=True)
    )
    assert shown in html


def test_a_source_date_that_is_not_a_date_names_its_line(tmp_path):
    site = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, site)
    page = site / "en" / "police.md"
    page.write_text(page.read_text(encoding="utf-8").replace("date: 2025-02-20", "date: soon", 1), encoding="utf-8")
    found = [str(p) for p in load_site(site).problems]
    assert any(p.startswith("resources/en/police.md:") and "or YYYY-MM or YYYY" in p for p in found), found
