"""The pages as a reader meets them in Chromium at phone size: layout, language switch, no JS, a11y."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tirek.sitemap import page_paths

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def test_page_fits_a_phone_and_the_exit_stays_in_view(page, live_server):
    page.goto(live_server.url + "ru/police/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    exit_link = page.locator("a[data-quick-exit]")
    assert exit_link.is_visible()
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 500")
    box = exit_link.bounding_box()
    assert box and 0 <= box["y"] < 100, box
    for selector in ("a[data-quick-exit]", ".languages a", ".back a", ".site-footer a"):
        for link in page.locator(selector).all():
            height = link.bounding_box()["height"]
            assert height >= 44, (selector, height)


def test_language_switch_keeps_the_page(page, live_server):
    page.goto(live_server.url + "kk/police/")
    # Read inside the first address: the page shown is the reader module's <base>.
    shown = page.locator("base[data-reader-base]")
    page.get_by_role("link", name="Русский").click()
    expect(shown).to_have_attribute("href", live_server.url + "ru/police/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_role("link", name="English").click()
    expect(shown).to_have_attribute("href", live_server.url + "en/police/")
    page.get_by_role("link", name="Қазақша").click()
    expect(shown).to_have_attribute("href", live_server.url + "kk/police/")
    assert page.url == live_server.url + "kk/police/"


def test_root_lands_in_the_browser_language(browser, live_server):
    context = browser.new_context(locale="kk-KZ", extra_http_headers={"Accept-Language": "kk-KZ,kk;q=0.9"})
    page = context.new_page()
    page.goto(live_server.url)
    assert page.url == live_server.url + "kk/"
    context.close()


def test_everything_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "en/")
    page.locator(".topics a").first.click()
    assert page.locator("article h1").is_visible()
    page.get_by_role("link", name="Emergency contacts").first.click()
    assert page.locator('a[href="tel:112"]').first.is_visible()
    page.get_by_role("link", name="Қазақша").click()
    assert page.url == live_server.url + "kk/contacts/"
    assert page.locator("a[data-quick-exit]").get_attribute("href") == "https://www.google.com/"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations_on_any_page(browser, app, live_server, scheme):
    """axe-core: no WCAG 2.2 A/AA violation on any page, in any language, at phone size."""
    axe = Axe()
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for path in page_paths(app.extensions["tirek_site"].slugs) + ["/ru/no-such-page/"]:
        page.goto(live_server.url + path.lstrip("/"))
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{path}: {violation['id']} ({violation['impact']}): {targets}")
    context.close()
    assert not failures, "\n".join(failures)


def test_readable_at_200_percent_zoom(browser, live_server):
    # 200% zoom on a 390 px phone is a 195 CSS px viewport: nothing may need sideways scrolling.
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.set_viewport_size({"width": 195, "height": 422})
    for path in ("kk/", "ru/contacts/", "en/legal-gender-recognition/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 200, path
    context.close()
