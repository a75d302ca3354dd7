"""Response headers and logging that protect the reader.

The headers are added by one WSGI wrapper around everything, so Flask's pages,
WhiteNoise's static files and WhiteNoise's own 304 and 405 answers all get
them, no cookie can get out whatever a later change does, and no page is kept in
the browser's HTTP cache (every HTML response is Cache-Control: no-store).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlsplit

POLICY_DIRECTIVES = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "connect-src 'self'",
    # Reading inside one address (static/js/reader.js) points a <base> at the page it shows.
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(POLICY_DIRECTIVES)
# The same policy in every page's <meta http-equiv>, so a static copy on a host that sends no
# headers (or opened from file://) is protected too. Browsers ignore frame-ancestors there.
META_CONTENT_SECURITY_POLICY = "; ".join(d for d in POLICY_DIRECTIVES if not d.startswith("frame-ancestors"))

# Every powerful feature is off: the pages only show text and links.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def security_headers(config) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        # Links to other sites (sources, the exit) must not be looked up before anyone taps them.
        "X-DNS-Prefetch-Control": "off",
    }
    if config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


# What a URL path may hold as it is (RFC 3986); anything else, control characters included, is
# percent-encoded, so no request can put a line break or a NUL into a header.
URL_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def onion_location(config, path: str, query: str = "") -> str | None:
    """The same page on the onion service, for Tor Browser's Onion-Location header.

    ONION_LOCATION is the onion site's address; the page's path and query are added,
    as Tor's own guide does with nginx's $request_uri. ``path`` is the WSGI PATH_INFO (decoded,
    so encoded again here) and ``query`` the raw query string (its escapes kept).
    """
    base = config.get("ONION_LOCATION")
    if not base:
        return None
    path = quote(path, safe=URL_PATH_SAFE, encoding="latin-1", errors="replace")
    query = quote(query, safe=URL_PATH_SAFE + "?%", encoding="latin-1", errors="replace")
    return base.rstrip("/") + path + (f"?{query}" if query else "")


def without_host(location: str, environ) -> str:
    """A redirect to this site as a path only: Werkzeug's slash redirects (/ru to /ru/) name the
    host the client claimed in its Host header, which must never come back in an answer."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc not in (environ.get("HTTP_HOST"), environ.get("SERVER_NAME")):
        return location
    path = "/" + parts.path.lstrip("/")  # never '//host', which would leave the site
    return path + (f"?{parts.query}" if parts.query else "")


def guard_every_response(app) -> None:
    """Wrap the whole WSGI app (WhiteNoise included) in the header and cookie guard."""
    app.wsgi_app = _HeadersOnEveryResponse(app.wsgi_app, security_headers(app.config), app.config)


class _HeadersOnEveryResponse:
    def __init__(self, wsgi_app, headers: dict[str, str], config):
        self.wsgi_app = wsgi_app
        self.headers = headers
        self.config = config

    def __call__(self, environ, start_response):
        headers = dict(self.headers)
        onion = onion_location(self.config, environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))
        if onion:
            headers["Onion-Location"] = onion

        def start(status, response_headers, exc_info=None):
            html = any(n.lower() == "content-type" and v.lower().startswith("text/html") for n, v in response_headers)
            dropped = {"set-cookie", "cache-control"} if html else {"set-cookie"}
            kept = [
                (n, without_host(v, environ) if n.lower() == "location" else v)
                for n, v in response_headers
                if n.lower() not in dropped
            ]
            if html:
                # No page in the HTTP cache: the service worker's copy is the one kept offline,
                # and "Remove from this device" deletes it.
                kept.append(("Cache-Control", "no-store"))
            present = {name.lower() for name, _ in kept}
            added = [(n, v) for n, v in headers.items() if n.lower() not in present]
            return start_response(status, kept + added, exc_info)

        return self.wsgi_app(environ, start)


class DropClientAddresses(logging.Filter):
    """Drops the development server's request lines, which start with the client's address."""

    REQUEST_LINE = re.compile(r"^\S+ - - \[")

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.REQUEST_LINE.match(str(record.msg))


def quiet_request_logs() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropClientAddresses) for f in logger.filters):
        logger.addFilter(DropClientAddresses())
