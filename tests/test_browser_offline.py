"""Offline use in Chromium: the server process is really stopped, nothing is mocked."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from conftest import FIXTURE_SITE, ROOT
from tirek import sitemap
from tirek.languages import LANGUAGES

pytestmark = pytest.mark.browser

SAVED = "[data-offline-status] [data-state^='saved']:not([hidden])"
PROMPT = "[data-update-prompt]"
# What the service worker keeps besides pages: the reader's language, under the scope's settings cache.
REMEMBERED_LANGUAGE = """async (lang) => {
  const registration = await navigator.serviceWorker.ready;
  const cache = await caches.open(registration.scope + ' settings');
  const saved = await cache.match(new URL('__language', registration.scope).href);
  return saved !== undefined && (await saved.text()) === lang;
}"""


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.DOTALL)
    return html.unescape(match.group(1)).strip()


def page_title(page) -> str:
    """The page's own title. With JavaScript the browser shows the neutral app name, which
    neutral-title.js puts first; the server's <title> follows it."""
    return page.locator("title").last.text_content().strip()


def heading_of(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.DOTALL)
    return html.unescape(match.group(1)).strip()


def wait_until_controlled(page) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)


def wait_for_language(page, lang: str) -> None:
    page.wait_for_function(REMEMBERED_LANGUAGE, arg=lang, polling=100, timeout=10_000)


def translated(lang: str, msgid: str) -> str:
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang).get(msgid).string


def test_every_page_in_every_language_offline_after_one_visit(page, app, live_server_factory):
    client = app.test_client()
    paths = sitemap.page_paths(app.extensions["tirek_site"].slugs)
    served = {path: client.get(path) for path in paths}
    titles = {path: title_of(response) for path, response in served.items()}
    # Some pages are bare on purpose (the quick exit's cover page): no stylesheet, no script.
    with_layout = {path for path, response in served.items() if b"data-offline-status" in response.get_data()}
    assert with_layout, "no page shows whether the site is saved"
    server = live_server_factory()

    page.goto(server.url + "en/")
    wait_until_controlled(page)
    page.wait_for_selector(SAVED)
    server.stop()

    for path in paths:
        response = page.goto(server.url + path.lstrip("/"))
        assert response.ok, path
        assert page_title(page) == titles[path], path
        lang = path.split("/")[1]
        if lang in LANGUAGES:
            assert page.get_attribute("html", "lang") == lang, path
        if path in with_layout:
            # The stylesheet and the script came from the cache too.
            assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px", path
            page.wait_for_selector(SAVED, timeout=5_000)

    # The root (the installed app's start URL) opens the language the reader used last.
    page.goto(server.url + "kk/contacts/")
    wait_for_language(page, "kk")
    page.goto(server.url)
    assert page.url == server.url + "kk/"
    assert page_title(page) == titles["/kk/"]


def test_unknown_address_offline_shows_the_offline_page(page, app, live_server_factory):
    client = app.test_client()
    offline_titles = {lang: title_of(client.get(f"/{lang}/offline/")) for lang in LANGUAGES}
    server = live_server_factory()
    page.goto(server.url + "ru/")
    wait_until_controlled(page)
    server.stop()

    page.goto(server.url + "ru/no-such-page/")
    assert page_title(page) == offline_titles["ru"]
    # Its links work from there: they lead to saved pages (opened inside the same address).
    page.click("main a[href='../contacts/']")
    expect(page.locator("base[data-reader-base]")).to_have_attribute("href", server.url + "ru/contacts/")
    expect(page.locator("main h1")).to_have_text(heading_of(client.get("/ru/contacts/")))

    page.goto(server.url + "kk/no/such/page/")
    assert page.url == server.url + "kk/offline/"
    assert page_title(page) == offline_titles["kk"]
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"


def test_new_content_waits_for_the_reader_then_stays_offline(page, tmp_path, live_server_factory):
    content = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, content)
    server = live_server_factory(TIREK_RESOURCES_DIR=str(content))
    page.goto(server.url + "kk/police/")
    wait_until_controlled(page)
    page.wait_for_selector(SAVED)
    old_heading = page.inner_text("main h2")

    server.stop()
    police = content / "kk" / "police.md"
    police.write_text(police.read_text(encoding="utf-8").replace("## ", "## Жаңа мәтін: ", 1), encoding="utf-8")
    server.start()

    page.reload()
    prompt = page.locator(PROMPT)
    prompt.wait_for(state="visible", timeout=20_000)
    assert prompt.locator("p").inner_text() == translated("kk", "A new version of this site is ready.")
    # The new version waits: the page still shows what was saved.
    page.reload()
    assert page.inner_text("main h2") == old_heading
    prompt.wait_for(state="visible", timeout=20_000)

    with page.expect_navigation():
        prompt.locator("[data-update-accept]").click()
    page.wait_for_selector("main h2:has-text('Жаңа мәтін')")
    assert page.locator(PROMPT).is_hidden()
    caches = page.evaluate("caches.keys()")
    assert len([name for name in caches if " precache " in name]) == 1, caches

    server.stop()
    page.goto(server.url + "kk/")
    page.goto(server.url + "kk/police/")
    assert page.inner_text("main h2").startswith("Жаңа мәтін")


def test_chromium_finds_the_app_installable(
    browser_type, browser_type_launch_args, browser_context_args, live_server, tmp_path
):
    # A profile on disk: Chromium never offers to install from an incognito-like context.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, **browser_context_args
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "en/")
        wait_until_controlled(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()
