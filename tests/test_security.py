"""What the server sends and keeps: the headers on every kind of response, no cookies,
HSTS and Onion-Location when configured, and no client addresses in any log."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import urllib.request

from flask import make_response

from app import create_app
from conftest import ROOT, answers, every_kind_of_request, free_port, wait_until
from tirek.security import DropClientAddresses

EXPECTED_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-DNS-Prefetch-Control": "off",
}
ONION = "http://exampleexampleexampleexampleexampleexampleexampleexam.onion"


def policy(header: str) -> dict[str, set[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


def test_every_response_has_the_headers_and_no_cookie(app, client):
    statuses = set()
    for method, path, headers in every_kind_of_request(app):
        response = client.open(path, method=method, headers=headers)
        statuses.add(response.status_code)
        where = f"{method} {path} -> {response.status_code}"
        for name, value in EXPECTED_HEADERS.items():
            assert response.headers.get(name) == value, f"{where}: {name}"
        csp = policy(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == {"'none'"}, where
        assert "camera=()" in response.headers.get("Permissions-Policy", ""), where
        assert "Set-Cookie" not in response.headers, where
        assert "Strict-Transport-Security" not in response.headers, where
        assert "Onion-Location" not in response.headers, where
    assert {200, 302, 304, 404, 405} <= statuses


def test_the_content_security_policy_allows_only_this_origin(client):
    csp = policy(client.get("/ru/").headers["Content-Security-Policy"])
    assert csp["default-src"] == csp["frame-ancestors"] == {"'none'"}
    # 'self', not 'none': the reader module's <base> names the page it shows (issue 12).
    assert csp["base-uri"] == {"'self'"}
    assert csp["form-action"] == {"'self'"}
    for name, sources in csp.items():
        assert sources <= {"'none'", "'self'"}, f"{name} allows {sources}"


def test_a_cookie_or_a_failure_gets_the_same_guard():
    app = create_app({"TESTING": True})  # its own: the test adds routes

    @app.get("/cookie-test/")
    def cookie_test():
        response = make_response("x")
        response.set_cookie("tracking", "1")
        return response

    @app.get("/ru/broken-on-purpose/")
    def broken():
        raise RuntimeError("on purpose")

    client = app.test_client()
    client.set_cookie("session", "sent by the browser")
    assert "Set-Cookie" not in client.get("/cookie-test/").headers
    failed = client.get("/ru/broken-on-purpose/")
    assert failed.status_code == 500
    for name, value in EXPECTED_HEADERS.items():
        assert failed.headers.get(name) == value, name
    assert "Set-Cookie" not in failed.headers


def test_hsts_and_onion_location_everywhere_when_configured(app_with):
    app = app_with(HSTS=True, ONION_LOCATION=ONION + "/")
    client = app.test_client()
    static = f"/static/{app.config['ASSET_MANIFEST']['css/site.css']}"
    for path in ("/ru/contacts/", "/cover/", "/en/nope/", static, "/sw.js"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"].startswith("max-age="), path
        # Tor Browser offers the same page on the onion service.
        assert response.headers["Onion-Location"] == ONION + path, path
    assert client.get("/en/?x=1").headers["Onion-Location"] == ONION + "/en/?x=1"
    assert "Strict-Transport-Security" in client.post(static).headers


def test_static_files_hashed_immutable_and_compressed(app, client):
    name = app.config["ASSET_MANIFEST"]["css/site.css"]
    assert name.startswith("css/site.") and name != "css/site.css"
    response = client.get("/static/" + name, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "br"
    gzip = client.get("/static/" + name, headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["Content-Encoding"] == "gzip"


# --- logs ---------------------------------------------------------------------------------------


def test_request_lines_with_client_addresses_are_dropped():
    keep = logging.LogRecord("werkzeug", logging.INFO, "", 0, " * Running on http://127.0.0.1:5000", (), None)
    drop = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '203.0.113.9 - - [23/Nov/2026 15:00:00] "GET /ru/ HTTP/1.1" 200 -', (), None
    )
    log_filter = DropClientAddresses()
    assert log_filter.filter(keep)
    assert not log_filter.filter(drop)


def test_dev_server_logs_no_client_address(live_server_factory):
    server = live_server_factory()
    urllib.request.urlopen(server.url + "ru/").read()
    server.stop()
    assert "Running on" in server.log  # the server does log, just not who asked
    assert "127.0.0.1 - -" not in server.log and "GET /ru/" not in server.log


def test_gunicorn_keeps_no_access_log_and_no_client_address(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "app:create_app()"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def up() -> bool:
            assert server.poll() is None, log.read_text()
            return answers(f"{url}/en/contacts/")

        wait_until(up, 30, "gunicorn to start")
        urllib.request.urlopen(f"{url}/en/remove/", timeout=5)
        with socket.create_connection(("127.0.0.1", port)) as sock:  # an invalid request
            sock.sendall(b"NONSENSE\r\n\r\n")
            sock.recv(100)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "Using worker: gthread" in text, "gunicorn.conf.py was not read:\n" + text
    assert "Invalid request" in text
    assert "/en/contacts/" not in text and "/en/remove/" not in text
    lines_with_address = [line for line in text.splitlines() if "127.0.0.1" in line and "Listening at" not in line]
    assert lines_with_address == []
