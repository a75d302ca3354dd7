"""The static copy: complete, relative, deterministic, checkable, and the same as the server."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest

from app import create_app
from conftest import sound_content
from tirek import export, sitemap
from tirek.export import CHECKSUMS, build_copy, link_problems
from tirek.languages import LANGUAGES


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> str:
    return str(sound_content(tmp_path_factory.mktemp("content") / "resources"))


@pytest.fixture(scope="module")
def app(content):
    """The server, on the same content as the copy (shared: the tests only read it)."""
    return create_app({"TESTING": True, "RESOURCES_DIR": content})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def copy_app(content):
    """The app that renders the copy (shared: the tests only read it)."""
    app = create_app({"TESTING": True, "LINK_INDEX_FILES": True, "RESOURCES_DIR": content})
    return lambda: app


@pytest.fixture(scope="module")
def files(copy_app):
    return build_copy(copy_app())


def read_tree(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def run_export(app, *args):
    return app.test_cli_runner().invoke(export.export_command, list(map(str, args)))


def test_copy_has_every_page_data_file_and_hashed_asset(files, copy_app):
    app = copy_app()
    site = app.extensions["tirek_site"]
    for path in sitemap.page_paths(site.slugs):
        assert path.lstrip("/") + "index.html" in files, path
    for path in sitemap.data_paths() + sitemap.download_paths():
        assert path.lstrip("/") in files, path
    for hashed in app.config["ASSET_MANIFEST"].values():
        assert f"static/{hashed}" in files
    for name in ("index.html", "404.html", CHECKSUMS):
        assert name in files
    # Pre-compressed siblings stay out: the copy is passed around, so it stays small.
    assert not [name for name in files if name.endswith((".gz", ".br"))]


def test_root_files_are_exported_exactly_when_the_app_serves_them(files, copy_app):
    app = copy_app()
    client = app.test_client()
    for path in export.ROOT_FILES:
        served = client.get(path).status_code == 200
        assert (path.lstrip("/") in files) == served, path


def test_every_link_in_the_copy_is_relative_and_leads_to_a_file_in_it(files):
    assert link_problems(files) == []


def test_link_check_finds_root_absolute_and_dangling_links():
    files = {
        "ru/index.html": b'<a href="/ru/contacts/">x</a><a href="../en/index.html">y</a>'
        b'<link href="../static/a.css"><a href="https://example.org/">z</a>'
        b'<a href="#main">m</a><a href="../index.html#top">r</a>',
        "index.html": b'<a href="ru/">ru</a><a href="./">self</a>',
        "404.html": b'<a href="/ru/">kept: absolute on purpose</a>',
    }
    assert link_problems(files) == [
        "ru/index.html: '/ru/contacts/' is not relative, so it breaks under a path prefix",
        "ru/index.html: '../en/index.html' points to no file in the copy",
        "ru/index.html: '../static/a.css' points to no file in the copy",
    ]


# Pages a static copy answers differently on purpose, because it has no server behind it:
# search and removal (tested in test_static_copy_* below).
NO_SERVER_PAGES = tuple(f"/{lang}/{name}/" for lang in LANGUAGES for name in ("search", "remove"))


def test_exported_pages_are_the_servers_pages_with_index_html_links(app, files):
    """One code path: the copy differs from the server only by the index.html it adds to links."""
    client = app.test_client()
    for path in sitemap.page_paths(app.extensions["tirek_site"].slugs):
        if path in NO_SERVER_PAGES:
            continue
        served = client.get(path).get_data(as_text=True)
        exported = files[path.lstrip("/") + "index.html"].decode()
        # A copy's search form waits for search.js: a static host cannot answer its POST.
        exported = exported.replace(" hidden data-search-needs-script", "")
        assert re.sub(r'(="[^"]*/)index\.html', r"\1", exported) == served, path
        if path.startswith(tuple(f"/{lang}/" for lang in LANGUAGES)):
            assert "index.html" in exported, path


def test_content_folder_links_get_index_html():
    from tirek.urls import FOLDER_LINK

    def rewrite(html):
        return FOLDER_LINK.sub(lambda m: f'href="{m[1]}index.html{m[2] or ""}"', html)

    assert rewrite('<a href="../contacts/">') == '<a href="../contacts/index.html">'
    assert rewrite('<a href="../">') == '<a href="../index.html">'
    assert rewrite('<a href="../police/#stay-calm">') == '<a href="../police/index.html#stay-calm">'
    for unchanged in (
        '<a href="https://example.org/">',
        '<a href="/ru/">',
        '<a href="#x">',
        '<a href="mailto:a@b.c">',
        '<a href="../police/index.html">',
        '<a href="tel:112">',
    ):
        assert rewrite(unchanged) == unchanged


def test_export_is_deterministic_and_checksums_match(app, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_export(app, first).exit_code == 0
    assert run_export(app, second).exit_code == 0
    tree = read_tree(first)
    assert tree == read_tree(second)

    lines = tree[CHECKSUMS].decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == [name for name in tree if name != CHECKSUMS]
    assert [line.split("  ", 1)[1] for line in lines] == sorted(listed)
    for name, digest in listed.items():
        assert hashlib.sha256(tree[name]).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--quiet", "-c", CHECKSUMS], cwd=first, check=True)


def test_export_has_no_date_of_export_or_build_folder(files):
    from datetime import date

    today = date.today()
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        assert today.isoformat() not in text, name
        assert "tirek-build-" not in text, name


def test_zip_is_deterministic_and_holds_the_same_files(app, tmp_path):
    zips = []
    for run in ("a", "b"):
        zip_path = tmp_path / run / "tirek-copy.zip"
        zip_path.parent.mkdir()
        result = run_export(app, tmp_path / run / "copy", "--zip", zip_path)
        assert result.exit_code == 0, result.output
        zips.append(zip_path.read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(tmp_path / "a" / "tirek-copy.zip") as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(info.filename for info in infos)
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        unpacked = {info.filename.removeprefix("tirek-copy/"): archive.read(info) for info in infos}
    assert unpacked == read_tree(tmp_path / "a" / "copy")


def test_export_prints_the_release_fingerprint(app, tmp_path):
    result = run_export(app, tmp_path / "copy")
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256((tmp_path / "copy" / CHECKSUMS).read_bytes()).hexdigest()
    assert digest in result.output


def test_export_replaces_a_previous_copy_and_its_stale_files(app, tmp_path, copy_app):
    target = tmp_path / "copy"
    assert run_export(app, target).exit_code == 0
    stale = target / "ru" / "old-page" / "index.html"
    stale.parent.mkdir()
    stale.write_text("old")
    with (target / CHECKSUMS).open("a") as sums:
        sums.write(f"{hashlib.sha256(b'old').hexdigest()}  ru/old-page/index.html\n")
    result = run_export(app, target)
    assert result.exit_code == 0, result.output
    assert not stale.parent.exists()
    assert read_tree(target) == build_copy(copy_app())


@pytest.mark.parametrize("extra", ["notes.txt", "ru/notes.txt"])
def test_export_refuses_a_folder_that_is_not_a_previous_copy(app, tmp_path, extra):
    target = tmp_path / "copy"
    assert run_export(app, target).exit_code == 0
    (target / extra).write_text("mine")
    before = read_tree(target)
    result = run_export(app, target)
    assert result.exit_code == 1
    assert extra in result.output and "not a previous copy" in result.output
    assert read_tree(target) == before


def test_export_refuses_a_zip_inside_the_copy(app, tmp_path):
    result = run_export(app, tmp_path / "copy", "--zip", tmp_path / "copy" / "copy.zip")
    assert result.exit_code == 1
    assert "outside" in result.output


def test_export_into_an_empty_folder(app, tmp_path):
    assert run_export(app, tmp_path).exit_code == 0
    assert (tmp_path / "index.html").is_file()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(data: bytes) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(data.decode())
    return parser.tags


def test_root_page_offers_the_three_languages_and_picks_one_with_javascript(files):
    found = tags(files["index.html"])
    chooser = [attrs for tag, attrs in found if "data-choose-language" in attrs]
    assert chooser
    links = {attrs["hreflang"]: attrs["href"] for tag, attrs in found if tag == "a" and "hreflang" in attrs}
    assert links == {lang: f"{lang}/index.html" for lang in LANGUAGES}
    scripts = [attrs["src"] for tag, attrs in found if tag == "script"]
    assert any("choose-language" in src for src in scripts)
    assert all(src in files for src in scripts)


def test_languages_page_is_a_server_page_without_the_automatic_pick(client):
    response = client.get("/languages/", headers={"Accept-Language": "kk"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert "data-choose-language" not in html and "choose-language" not in html
    for lang in LANGUAGES:
        assert f'href="../{lang}/"' in html
    assert response.headers["Vary"] == "Accept-Language"


def test_404_page_works_at_any_depth(app, files):
    """A host shows 404.html at any missing address, so it may use nothing relative."""
    found = tags(files["404.html"])
    assert not [tag for tag, attrs in found if tag in ("link", "script", "img")]
    # Styled like the other pages: the stylesheet is inside it, allowed by its hash and nothing else.
    assert [tag for tag, attrs in found if tag == "style"] == ["style"]
    html = files["404.html"].decode()
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = meta_policy(files["404.html"])
    assert f"style-src 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "body {" in css and ".quick-exit" in css
    hrefs = [attrs["href"] for tag, attrs in found if tag == "a"]
    assert app.config["QUICK_EXIT_URL"] in hrefs
    assert [href for href in hrefs if href != app.config["QUICK_EXIT_URL"]] == [f"/{lang}/" for lang in LANGUAGES]
    assert [attrs["lang"] for tag, attrs in found if tag == "section"] == list(LANGUAGES)
    assert any(tag == "a" and "data-quick-exit" in attrs for tag, attrs in found)


def test_every_exported_page_names_its_language(files):
    for name, data in files.items():
        if name.endswith(".html"):
            lang = next(attrs for tag, attrs in tags(data) if tag == "html").get("lang")
            folder = name.split("/")[0]
            # A page outside the language folders (the chooser, 404.html, a neutral cover) names its own.
            assert lang == folder if folder in LANGUAGES else lang, name


def test_export_needs_index_file_links(app):
    with pytest.raises(ValueError):
        build_copy(app)


def test_a_broken_page_stops_the_export(monkeypatch, copy_app):
    app = copy_app()
    monkeypatch.setattr(export, "page_paths", lambda slugs: ["/ru/", "/ru/no-such-page/"])
    with pytest.raises(export.ExportError, match="/ru/no-such-page/: the app answered 404"):
        build_copy(app)


def meta_policy(data: bytes) -> str | None:
    """The policy in a page's <meta http-equiv="Content-Security-Policy">, if it comes before
    anything it must govern (a policy applies only to what follows it)."""
    found = tags(data)
    for index, (tag, attrs) in enumerate(found):
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy":
            assert not [t for t, _ in found[:index] if t in ("script", "link", "style", "img")]
            return attrs["content"]
        if tag in ("script", "link", "style", "img", "body"):
            return None
    return None


def test_every_exported_page_carries_the_servers_policy_in_a_meta_tag(app, files):
    from tirek.security import CONTENT_SECURITY_POLICY

    server = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        policy = meta_policy(data)
        assert policy, f"{name}: no <meta> Content-Security-Policy before its first script or style"
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert "frame-ancestors" not in directives, name  # ignored in a meta tag
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        if name.endswith("copy.html") or name == "404.html":
            assert directives["default-src"] == "'none'" and "script-src" not in directives, name
        else:
            assert directives == {k: v for k, v in server.items() if k != "frame-ancestors"}, name


def test_static_copy_search_page_offers_topics_and_keywords_and_says_why(fixture_app):
    from conftest import FIXTURE_SITE

    copy_client = create_app(
        {"TESTING": True, "LINK_INDEX_FILES": True, "RESOURCES_DIR": str(FIXTURE_SITE)}
    ).test_client()
    site = fixture_app.extensions["tirek_site"]
    for lang in LANGUAGES:
        html = copy_client.get(f"/{lang}/search/").get_data(as_text=True)
        assert 'class="notice" role="note"' in html
        words = [word for page in site.topics(lang) for word in page.keywords]
        assert words, f"{lang}: the fixture site has no keywords to list"
        index = html.split('class="keywords"')[1]
        for word in words:
            page = next(p for p in site.topics(lang) if word in p.keywords)
            assert re.search(
                rf'<dd>{re.escape(word)}:\s*<a href="../{page.slug}/index.html"[^>]*>'
                rf"{re.escape(page.title)}</a>",
                index,
            ), (lang, word)
        served = fixture_app.test_client().get(f"/{lang}/search/").get_data(as_text=True)
        assert 'class="keywords"' not in served and 'role="note"' not in served


def test_static_copy_removal_page_needs_no_server(files, client):
    for lang in LANGUAGES:
        form = next(attrs for tag, attrs in tags(files[f"{lang}/remove/index.html"]) if tag == "form")
        assert (form["method"], form["action"]) == ("get", "#by-hand")
        assert 'id="by-hand"' in files[f"{lang}/remove/index.html"].decode()
        served = next(attrs for tag, attrs in tags(client.get(f"/{lang}/remove/").get_data()) if tag == "form")
        assert (served["method"], served["action"]) == ("post", "./")


def test_one_file_copies_are_the_servers(files, client):
    for lang in LANGUAGES:
        assert files[f"{lang}/copy.html"] == client.get(f"/{lang}/copy.html").get_data(), lang


def test_every_get_route_of_the_app_is_in_the_copy(files, copy_app):
    """sitemap.py is the inventory: a new route that is not in it would be missing from every copy."""
    app = copy_app()
    slugs = app.extensions["tirek_site"].slugs
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule == "/":  # the root is the chooser, index.html
            continue
        paths = [rule.rule]
        for placeholder, values in (("<lang:lang>", LANGUAGES), ("<slug>", slugs)):
            paths = (
                [path.replace(placeholder, value) for path in paths for value in values]
                if placeholder in rule.rule
                else paths
            )
        assert "<" not in paths[0], f"{rule.rule}: a new kind of route; add it to tirek/sitemap.py and here"
        for path in paths:
            assert export.file_name(path) in files, (
                f"{path} ({rule.endpoint}) is not in the copy: add it to tirek/sitemap.py"
            )
