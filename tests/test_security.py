"""Headers on every kind of response, no cookies, no client addresses in logs."""

from __future__ import annotations

import logging

import pytest

from tirek.security import DropClientAddresses


def responses(app, client):
    manifest = app.config["ASSET_MANIFEST"]
    yield "redirect", client.get("/", headers={"Accept-Language": "kk"})
    yield "home", client.get("/ru/")
    yield "page", client.get("/en/police/")
    yield "contacts", client.get("/kk/contacts/")
    yield "404", client.get("/ru/missing/")
    yield "405", client.post("/ru/")
    yield "static", client.get("/static/" + manifest["css/site.css"])
    yield "static 404", client.get("/static/css/site.css")


def test_security_headers_on_every_kind_of_response(app, client):
    for kind, response in responses(app, client):
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp.startswith("default-src 'none'"), kind
        # base-uri 'self': the reader module's <base> names the page it shows (issue 12).
        assert "frame-ancestors 'none'" in csp and "base-uri 'self'" in csp, kind
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, kind
        assert response.headers["Referrer-Policy"] == "no-referrer", kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", kind
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", kind
        assert "camera=()" in response.headers["Permissions-Policy"], kind
        assert "Set-Cookie" not in response.headers, kind
        assert "Strict-Transport-Security" not in response.headers, kind


def test_no_cookie_even_when_the_client_sends_one(client):
    client.set_cookie("session", "x")
    response = client.get("/ru/")
    assert "Set-Cookie" not in response.headers


def test_hsts_and_onion_location_when_configured():
    from app import create_app

    app = create_app({"TESTING": True, "HSTS": True, "ONION_LOCATION": "http://example.onion/"})
    response = app.test_client().get("/en/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Onion-Location"] == "http://example.onion/en/"


def test_static_files_hashed_immutable_and_compressed(app, client):
    name = app.config["ASSET_MANIFEST"]["css/site.css"]
    assert name.startswith("css/site.") and name != "css/site.css"
    response = client.get("/static/" + name, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "br"
    gzip = client.get("/static/" + name, headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["Content-Encoding"] == "gzip"


def test_pages_load_nothing_from_another_origin(app, client):
    from tirek.sitemap import page_paths
    import re

    for path in page_paths(app.extensions["tirek_site"].slugs):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html):
            assert "http:" not in tag and "https:" not in tag and "//" not in tag, (path, tag)
        assert "<script>" not in html and "style=" not in html, path


def test_request_lines_with_client_addresses_are_dropped():
    keep = logging.LogRecord("werkzeug", logging.INFO, "", 0, " * Running on http://127.0.0.1:5000", (), None)
    drop = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '203.0.113.9 - - [23/Nov/2026 15:00:00] "GET /ru/ HTTP/1.1" 200 -', (), None
    )
    log_filter = DropClientAddresses()
    assert log_filter.filter(keep)
    assert not log_filter.filter(drop)


def test_dev_server_logs_no_client_address(live_server_factory):
    import urllib.request

    server = live_server_factory()
    urllib.request.urlopen(server.url + "ru/").read()
    server.stop()
    assert "Running on" in server.log  # the server does log, just not who asked
    assert "127.0.0.1 - -" not in server.log and "GET /ru/" not in server.log
