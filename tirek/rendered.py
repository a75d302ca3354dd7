"""Pages kept as bytes: each rendered once, at start-up, and answered from memory.

Content, translations and templates are read when the app starts, so between start-ups a page is
the same bytes for every reader of its address. The precache renders every page once for its hash
(offline.py); that rendering is kept here, with its gzip and Brotli forms, and answered without
Flask or Jinja, with an ETag, so a browser that already has it gets a 304. The export reads the
same bytes through the test client, so the copy, the service worker's hashes and the server agree.

Only what cannot differ between readers is kept: a 200 to a plain GET, without a Vary header (the
language chooser varies with Accept-Language) and without a query string. Everything else, and any
other method, goes to the app as before. This sits outside the security guard and renders through
it, so a kept page carries exactly the headers the guard gave it (security headers, HSTS,
Onion-Location for its path, cache rules) without paying for the guard on every request.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import brotli
from werkzeug.test import EnvironBuilder, run_wsgi_app

# Quality 5 is within 15% of Brotli's best for our pages at a fiftieth of the time (0.8 ms a page,
# against 40 ms at 11), which keeps start-up short as content grows.
BROTLI_QUALITY = 5
# Headers the app set that depend on the bytes: computed again for each form.
RECOMPUTED = {"content-length", "content-encoding", "etag", "vary"}
# What a 304 leaves out of the 200's headers: those that describe the body it does not send.
BODY_HEADERS = {"content-length", "content-encoding", "content-type"}


@dataclass(frozen=True)
class Variant:
    body: bytes
    headers: list[tuple[str, str]]
    etag: str

    @property
    def not_modified_headers(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.headers if name.lower() not in BODY_HEADERS]


@dataclass(frozen=True)
class KeptPage:
    identity: Variant
    gzip: Variant
    br: Variant

    @classmethod
    def from_rendering(cls, body: bytes, headers: list[tuple[str, str]]) -> KeptPage:
        tag = hashlib.sha256(body).hexdigest()[:20]
        own = [(name, value) for name, value in headers if name.lower() not in RECOMPUTED]

        def variant(data: bytes, encoding: str | None) -> Variant:
            etag = f'"{tag}-{encoding}"' if encoding else f'"{tag}"'
            extra = [("Content-Encoding", encoding)] if encoding else []
            return Variant(
                data,
                [*own, *extra, ("Content-Length", str(len(data))), ("ETag", etag), ("Vary", "Accept-Encoding")],
                etag,
            )

        return cls(
            identity=variant(body, None),
            gzip=variant(gzip.compress(body, compresslevel=9, mtime=0), "gzip"),
            br=variant(brotli.compress(body, quality=BROTLI_QUALITY), "br"),
        )

    def variant_for(self, accept_encoding: str) -> Variant:
        return getattr(self, best_encoding(accept_encoding))

    @property
    def size(self) -> int:
        return len(self.identity.body) + len(self.gzip.body) + len(self.br.body)


_best_encodings: dict[str, str] = {}


def best_encoding(accept_encoding: str) -> str:
    """'br', 'gzip' or 'identity' for an Accept-Encoding header; browsers send a few distinct ones."""
    best = _best_encodings.get(accept_encoding)
    if best is None:
        accepted = accepted_encodings(accept_encoding)
        best = "br" if "br" in accepted else "gzip" if "gzip" in accepted else "identity"
        if len(_best_encodings) > 256:  # bounded: anyone can send any header
            _best_encodings.clear()
        _best_encodings[accept_encoding] = best
    return best


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (q above 0); '*' allows gzip and br."""
    accepted, refused = set(), set()
    for item in header.lower().split(","):
        name, _, parameters = item.partition(";")
        name, quality = name.strip(), 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        (accepted if quality > 0 else refused).add(name)
    if "*" in accepted:
        accepted |= {"gzip", "br"} - refused
    return accepted


def etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = {candidate.strip().removeprefix("W/") for candidate in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


class KeptPages:
    """WSGI middleware: answers GET and HEAD for kept paths from memory, passes the rest on."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.pages: dict[str, KeptPage] = {}

    def render(self, path: str) -> tuple[int, bytes]:
        """Render ``path`` through the app (once), keep it if it is the same for everyone; (status, body)."""
        if path in self.pages:
            return 200, self.pages[path].identity.body
        environ = EnvironBuilder(path=path, base_url="http://localhost/").get_environ()
        chunks, status, headers = run_wsgi_app(self.wsgi_app, environ, buffered=True)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        code = int(status.split(" ", 1)[0])
        if code == 200 and "Vary" not in headers and "Set-Cookie" not in headers:
            self.pages[path] = KeptPage.from_rendering(body, list(headers.items()))
        return code, body

    @property
    def size(self) -> int:
        """Bytes held in memory, all three forms of every page."""
        return sum(page.size for page in self.pages.values())

    def __call__(self, environ, start_response):
        page = self.pages.get(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if page is None or method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        accept_encoding = environ.get("HTTP_ACCEPT_ENCODING")
        variant = page.variant_for(accept_encoding) if accept_encoding else page.identity
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and etag_matches(if_none_match, variant.etag):
            start_response("304 Not Modified", variant.not_modified_headers)
            return []
        start_response("200 OK", list(variant.headers))
        return [] if method == "HEAD" else [variant.body]


def keep_pages(app) -> KeptPages:
    """Put the kept pages in front of the app and its security guard, whose headers they keep."""
    kept = KeptPages(app.wsgi_app)
    app.wsgi_app = kept
    app.extensions["tirek_pages"] = kept
    return kept
