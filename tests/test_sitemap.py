"""The inventory of URLs (tirek/sitemap.py) and the languages' fallback order (tirek/languages.py).

Frozen-Flask's habit: every GET route the app has must be in the inventory, because the export and
the service worker take their lists from it; a route left out would be missing offline and in
static copies. Content slugs cannot take a name the inventory uses.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import re
import shutil

import pytest

from conftest import FIXTURE_SITE, PARTIAL_SITE_LANGUAGES
from tirek import export, sitemap
from tirek.content import SLUG_RE, load_site
from tirek.languages import FALLBACK_ORDER, LANGUAGES

# Routes whose URL is not in the inventory, and why that is right.
NOT_LISTED = {
    "/": "redirects to the reader's language; a static copy has the language chooser there instead",
}


def inventory(site) -> set[str]:
    return {*sitemap.page_paths(site.slugs), *sitemap.data_paths(), *sitemap.download_paths(), *sitemap.ROOT_FILES}


def urls_of(rule, site) -> list[str]:
    """Every URL a route answers on this site, with each of its variables filled in."""
    choices = {"lang": LANGUAGES, "slug": site.slugs}
    unknown = sorted(set(rule.arguments) - set(choices))
    assert not unknown, f"{rule.rule}: this test does not know the values of {unknown}; teach urls_of()"
    names = sorted(rule.arguments)
    urls = []
    for values in itertools.product(*(choices[name] for name in names)):
        _, url = rule.build(dict(zip(names, values)))
        urls.append(url)
    return urls


def test_every_get_route_is_in_the_inventory(fixture_app):
    site = fixture_app.extensions["tirek_site"]
    listed = inventory(site)
    checked = 0
    for rule in fixture_app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        for url in urls_of(rule, site):
            if url in NOT_LISTED:
                continue
            assert url in listed, (
                f"{rule.rule} ({rule.endpoint}) answers {url}, which tirek/sitemap.py does not list: "
                "static copies and offline readers would not have it"
            )
            checked += 1
    assert checked > len(LANGUAGES) * len(site.slugs)


def test_the_export_and_the_service_worker_take_the_whole_inventory(fixture_app):
    site = fixture_app.extensions["tirek_site"]
    static = {f"/static/{name}" for name in fixture_app.config["ASSET_MANIFEST"].values()}
    assert set(export.export_paths(fixture_app)) == inventory(site) | static
    precached = {"/" + entry["url"] for entry in fixture_app.extensions["tirek_precache"]["entries"]}
    # The worker does not store itself (the browser keeps it) nor the files to download (sitemap.py).
    not_stored = {sitemap.SERVICE_WORKER_PATH, *sitemap.download_paths()}
    assert precached == (inventory(site) - not_stored) | static


# --- reserved slugs -----------------------------------------------------------------------------


def names(path: str, under_a_language: bool) -> set[str]:
    """The name a path takes in its folder, with and without its extension: /kk/copy.html -> copy."""
    parts = path.strip("/").split("/")
    if (parts[0] in LANGUAGES) != under_a_language or parts == [""]:
        return set()
    name = parts[1] if under_a_language and len(parts) > 1 else parts[0]
    return {name for name in (name, name.split(".")[0]) if SLUG_RE.match(name) and name not in LANGUAGES}


def inventory_of_an_empty_site(module) -> list[str]:
    return [*module.page_paths([]), *module.data_paths(), *module.download_paths(), *module.ROOT_FILES]


def test_every_name_the_app_takes_in_a_language_folder_is_reserved():
    taken = set().union(*(names(path, True) for path in inventory_of_an_empty_site(sitemap)))
    assert {"contacts", "search", "remove", "copy"} <= taken
    missing = taken - sitemap.RESERVED_SLUGS
    assert not missing, f"content pages could take the app's own names {sorted(missing)}"


def test_every_reserved_slug_is_a_name_the_app_uses():
    """Derived, not typed: nothing is reserved that no URL of the app uses."""
    used = set(sitemap.ROOT_FOLDERS)
    for path in inventory_of_an_empty_site(sitemap):
        used |= names(path, True) | names(path, False)
    assert sitemap.RESERVED_SLUGS <= used
    assert "static" in sitemap.ROOT_FOLDERS  # WhiteNoise serves the assets there


def test_a_new_page_in_the_inventory_is_reserved_without_another_edit():
    """sitemap.py with one more name in LANGUAGE_PAGES: the name is reserved and listed."""
    spec = importlib.util.find_spec("tirek.sitemap")
    tree = ast.parse(spec.loader.get_source("tirek.sitemap"))
    (pages,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["LANGUAGE_PAGES"]
    ]
    pages.value.elts.append(ast.Constant("glossary"))
    namespace = {"__name__": "tirek.sitemap_with_a_new_page", "__package__": "tirek"}
    exec(compile(ast.fix_missing_locations(tree), spec.origin, "exec"), namespace)
    assert "glossary" in namespace["RESERVED_SLUGS"]
    assert "/kk/glossary/" in namespace["page_paths"]([])
    assert "glossary" not in sitemap.RESERVED_SLUGS


def test_content_cannot_take_a_reserved_slug(tmp_path):
    root = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, root)
    page = (FIXTURE_SITE / "en" / "police.md").read_text(encoding="utf-8")
    for slug in sitemap.RESERVED_SLUGS:
        (root / "en" / f"{slug}.md").write_text(page, encoding="utf-8")
    site = load_site(root)
    assert sorted(str(problem) for problem in site.problems) == sorted(
        f"resources/en/{slug}.md:1: slug {slug!r} is reserved for a page the app makes"
        for slug in sitemap.RESERVED_SLUGS
    )
    assert not set(site.slugs) & sitemap.RESERVED_SLUGS


# --- the fallback order -------------------------------------------------------------------------

# The partial site's pages (conftest.PARTIAL_SITE_LANGUAGES): which language each reader gets.
# Kazakh readers nearly all read Russian; Russian and English readers get English or Russian
# before Kazakh. Written out, not computed from languages.py, so that changing the order there
# fails here.
SERVED = {
    "police": {"kk": "ru", "ru": "ru", "en": "en"},  # en, ru
    "detention": {"kk": "kk", "ru": "en", "en": "en"},  # en, kk
    "safety": {"kk": "kk", "ru": "ru", "en": "ru"},  # kk, ru
    "phone-safety": {"kk": "en", "ru": "en", "en": "en"},  # en
    "using-this-site-safely": {"kk": "kk", "ru": "kk", "en": "kk"},  # kk
}


def served_language(html: str, lang: str) -> str:
    """The language of the page's article: its own lang attribute, or the page's."""
    match = re.search(r'<article(?: lang="([a-z]+)")?>', html)
    assert match, "no article on the page"
    return match[1] or lang


def test_the_partial_site_is_what_the_table_describes(partial_site):
    assert set(SERVED) == set(PARTIAL_SITE_LANGUAGES)
    for slug, languages in PARTIAL_SITE_LANGUAGES.items():
        assert {lang for lang in LANGUAGES if (partial_site / lang / f"{slug}.md").exists()} == set(languages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_page_comes_in_the_next_language_of_the_fallback_order(partial_app, lang):
    client = partial_app.test_client()
    for slug, served in SERVED.items():
        response = client.get(sitemap.page_path(lang, slug))
        assert response.status_code == 200, slug
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert served_language(html, lang) == served[lang], f"/{lang}/{slug}/"
    # The topic list offers the same versions.
    topics = partial_app.extensions["tirek_site"].topics(lang)
    listed = {page.slug: page.lang for page in topics if page.slug in SERVED}
    assert listed == {slug: served[lang] for slug, served in SERVED.items()}


def test_every_language_falls_back_through_all_the_others():
    for lang in LANGUAGES:
        assert FALLBACK_ORDER[lang][0] == lang
        assert sorted(FALLBACK_ORDER[lang]) == sorted(LANGUAGES)
