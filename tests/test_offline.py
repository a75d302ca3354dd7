"""The installable app, server side: sw.js and its precache list, the manifest, the offline page."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import struct
from urllib.parse import urljoin

import pytest

from app import create_app
from conftest import FIXTURE_SITE, ROOT
from tirek import offline, sitemap
from tirek.languages import LANGUAGES

SW_HEADERS_SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def served_precache(client) -> dict:
    source = client.get("/sw.js").get_data(as_text=True)
    match = re.search(r"^const PRECACHE = (\{.*?^\});$", source, re.MULTILINE | re.DOTALL)
    assert match, "sw.js does not define PRECACHE as a JSON object"
    return json.loads(match.group(1))


def revisions(client) -> dict[str, str | None]:
    return {entry["url"]: entry["revision"] for entry in served_precache(client)["entries"]}


def png_size(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def test_service_worker_is_never_cached_as_immutable(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    for name in SW_HEADERS_SECURITY:
        assert name in response.headers
    assert "Set-Cookie" not in response.headers
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_service_worker_source_has_one_placeholder_and_the_served_file_none(client):
    source = offline.SERVICE_WORKER.read_text(encoding="utf-8")
    assert source.count(offline.PLACEHOLDER) == 1
    assert offline.PLACEHOLDER not in client.get("/sw.js").get_data(as_text=True)


def test_service_worker_is_not_a_hashed_static_file(app):
    assert "sw.js" not in app.config["ASSET_MANIFEST"]


def test_precache_lists_every_page_data_file_and_static_file(app, client):
    site = app.extensions["tirek_site"]
    listed = revisions(client)
    expected = {path.lstrip("/") for path in sitemap.page_paths(site.slugs) + sitemap.data_paths()}
    expected.add("manifest.webmanifest")
    expected |= {f"static/{name}" for name in app.config["ASSET_MANIFEST"].values()}
    assert set(listed) == expected
    for lang in LANGUAGES:
        assert f"{lang}/offline/" in listed
    for url in listed:
        assert not url.startswith("/") and "://" not in url, f"{url} must be relative to sw.js"


def test_precache_revisions_are_hashes_of_what_the_server_sends(client):
    for url, revision in revisions(client).items():
        response = client.get("/" + url)
        assert response.status_code == 200, url
        if url.startswith("static/"):
            assert revision is None, "hashed static files are versioned by their name"
        else:
            assert revision == offline.revision(response.get_data()), url


def test_a_content_change_changes_sw_js_and_no_other_page(tmp_path):
    content = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, content)
    before_client = create_app({"TESTING": True, "RESOURCES_DIR": str(content)}).test_client()
    before_source = before_client.get("/sw.js").get_data()
    before = served_precache(before_client)

    police = content / "en" / "police.md"
    police.write_text(police.read_text(encoding="utf-8").replace("Stay calm", "Stay very calm"), encoding="utf-8")
    after_app = create_app({"TESTING": True, "RESOURCES_DIR": str(content)})
    after_client = after_app.test_client()
    after = served_precache(after_client)
    data = {path.lstrip("/") for path in sitemap.data_paths()}

    assert after_client.get("/sw.js").get_data() != before_source
    assert after["version"] != before["version"]
    old = {e["url"]: e["revision"] for e in before["entries"]}
    new = {e["url"]: e["revision"] for e in after["entries"]}
    changed = [url for url in new if new[url] != old.get(url)]
    # Data built from the pages (a search index) may change with them; no other page does.
    assert [url for url in changed if url not in data] == ["en/police/"]


def test_the_same_content_gives_the_same_sw_js(app):
    other = create_app({"TESTING": True, "RESOURCES_DIR": app.config["RESOURCES_DIR"]})
    assert app.test_client().get("/sw.js").data == other.test_client().get("/sw.js").data


def test_a_page_that_fails_stops_the_precache(app, monkeypatch):
    monkeypatch.setattr(offline, "offline_paths", lambda site: ["/en/", "/en/no-such-page/"])
    with pytest.raises(offline.PrecacheError, match="/en/no-such-page/: status 404"):
        offline.build_precache(app)


def test_manifest_headers_and_fields(app, client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    for name in SW_HEADERS_SECURITY:
        assert name in response.headers
    manifest = response.get_json(force=True)
    assert manifest["name"] == app.config["APP_NAME"]
    assert manifest["short_name"] == app.config["APP_SHORT_NAME"]
    assert 0 < len(manifest["short_name"]) <= 12
    # Relative, so that a copy under any path prefix installs as itself.
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "./"
    assert manifest["display"] == "standalone"
    for key in ("theme_color", "background_color"):
        assert re.fullmatch(r"#[0-9a-f]{6}", manifest[key])


def test_manifest_says_nothing_about_what_the_app_is(app, client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert "description" not in manifest
    text = json.dumps(manifest).lower()
    for word in (app.config["SITE_NAME"].lower(), "lgbt", "queer", "gay", "trans", "tirek"):
        assert word not in text


def test_manifest_icons_are_real_pngs_of_the_stated_size(client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    found = set()
    for icon in manifest["icons"]:
        assert not icon["src"].startswith("/")
        response = client.get(urljoin("/manifest.webmanifest", icon["src"]))
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"] == "image/png"
        assert "immutable" in response.headers["Cache-Control"]
        width, height, colour = png_size(response.get_data())
        assert icon["sizes"] == f"{width}x{height}"
        if icon["purpose"] == "maskable":
            assert colour in (2, 6)
        found.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any")} <= found
    assert any(purpose == "maskable" for _, purpose in found)


def test_app_name_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIREK_APP_NAME", "Daily reading")
    monkeypatch.setenv("TIREK_APP_SHORT_NAME", "Daily")
    client = create_app({"TESTING": True, "RESOURCES_DIR": str(FIXTURE_SITE)}).test_client()
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert (manifest["name"], manifest["short_name"]) == ("Daily reading", "Daily")
    assert '<meta name="application-name" content="Daily reading">' in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_offline_page_in_each_language(client, lang):
    response = client.get(f"/{lang}/offline/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert 'href="../"' in html and 'href="../contacts/"' in html


def test_offline_page_only_for_known_languages(client):
    assert client.get("/xx/offline/").status_code == 404


def test_every_page_links_the_manifest_and_registers_the_worker(app, client):
    checked = 0
    for path in sitemap.page_paths(app.extensions["tirek_site"].slugs):
        html = client.get(path).get_data(as_text=True)
        if not re.search(rf"<html lang=\"({'|'.join(LANGUAGES)})\">", html):
            continue  # a bare page on purpose, such as the quick exit's cover page
        manifest = re.search(r'<link rel="manifest" href="([^"]+)">', html)
        worker = re.search(r'data-module="offline-status"[^>]* data-service-worker="([^"]+)"', html)
        assert manifest and urljoin(path, manifest.group(1)) == "/manifest.webmanifest", path
        assert worker and urljoin(path, worker.group(1)) == "/sw.js", path
        assert re.search(r'<script src="[^"]*js/offline\.[0-9a-f]+\.js" defer>', html), path
        checked += 1
    assert checked >= 3 * len(LANGUAGES)


def test_precache_fits_the_budget(app):
    spec = importlib.util.spec_from_file_location("bench_precache", ROOT / "bench" / "precache.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    groups = bench.measure(app)
    assert sum(group["files"] for group in groups.values()) == len(app.extensions["tirek_precache"]["entries"])
    total = sum(group["gzipped"] for group in groups.values())
    assert 0 < total <= bench.BUDGET_GZIPPED, f"precache is {total:,} bytes gzipped"
