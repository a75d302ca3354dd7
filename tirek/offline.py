"""The installable app: the web app manifest, the offline page, and the service worker's precache list.

Workbox's precaching model, written out by hand: every page and data file is rendered once (and
kept, see rendered.py) and listed with a hash of its body; hashed static files are listed by their URL,
which is already their version. The list goes into ``sw.js`` in place of ``self.__TIREK_PRECACHE``,
so any change to a page, a translation, a template or a static file changes ``sw.js``, and browsers
install the new version. The list and the filled-in ``sw.js`` are built once, at start-up.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Flask, current_app, render_template, request

from .assets import STATIC_DIR
from .languages import DEFAULT_LANGUAGE, LANGUAGES
from .sitemap import MANIFEST_PATH, SERVICE_WORKER_PATH, data_paths, page_paths
from .urls import alternates, relative
from .views import site

offline = Blueprint("offline", __name__)

SERVICE_WORKER = STATIC_DIR / "sw.js"
PLACEHOLDER = "self.__TIREK_PRECACHE"
# The colours of the stylesheet: the splash screen's background and the installed app's title bar.
BACKGROUND_COLOR = "#fbfaf7"
THEME_COLOR = "#0f6b5c"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)


class PrecacheError(RuntimeError):
    """A page that must work offline cannot be rendered; the message names it."""


def revision(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def offline_paths(site) -> list[str]:
    """Everything the service worker stores besides the hashed static files, as absolute paths."""
    return [*page_paths(site.slugs), *data_paths(), MANIFEST_PATH]


def build_precache(app: Flask) -> dict:
    """The precache manifest: every URL (relative to sw.js, which sits at the root) and its version.

    Relative URLs, because a static copy may be served under any path prefix; the worker resolves
    them against its own scope.
    """
    pages = app.extensions["tirek_pages"]
    entries = []
    for path in offline_paths(app.extensions["tirek_site"]):
        status, body = pages.render(path)
        if status != 200:
            raise PrecacheError(f"{path}: status {status}; every page must work offline")
        entries.append({"url": path.lstrip("/"), "revision": revision(body)})
    for hashed in sorted(app.config["ASSET_MANIFEST"].values()):
        entries.append({"url": f"static/{hashed}", "revision": None})
    # The worker's own code is part of the version: a new worker never writes into a cache that an
    # older one is still serving from.
    fingerprint = json.dumps(entries, sort_keys=True).encode() + SERVICE_WORKER.read_bytes()
    return {
        "version": revision(fingerprint),
        "entries": entries,
        "languages": list(LANGUAGES),
        "defaultLanguage": DEFAULT_LANGUAGE,
    }


def fill_service_worker(precache: dict) -> str:
    """sw.js with its precache list, filled in once at start-up, not on every update check."""
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    if source.count(PLACEHOLDER) != 1:
        raise PrecacheError(f"{SERVICE_WORKER}: must contain {PLACEHOLDER} exactly once")
    return source.replace(PLACEHOLDER, json.dumps(precache, indent=1))


def prepare(app: Flask) -> None:
    """Build the precache list and sw.js; called by create_app once the routes are in place."""
    app.extensions["tirek_precache"] = build_precache(app)
    app.extensions["tirek_service_worker"] = fill_service_worker(app.extensions["tirek_precache"])
    # Every page load asks for sw.js (the update check): keep it too.
    app.extensions["tirek_pages"].render(SERVICE_WORKER_PATH)
    # Rendering the pages for their hashes is part of setting up, not a reader's first request.
    app._got_first_request = False


def web_app_manifest(config, asset_manifest: dict[str, str]) -> dict:
    """Name and icon say nothing about the app (see APP_NAME in config.py): no description either."""
    return {
        "name": config["APP_NAME"],
        "short_name": config["APP_SHORT_NAME"],
        # Relative to this file: the app works under any path prefix. The root opens the reader's
        # language home: the server chooses it online, the service worker offline.
        "id": "./",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": relative(f"/static/{asset_manifest[name]}", MANIFEST_PATH),
                "sizes": sizes,
                "type": "image/png",
                "purpose": purpose,
            }
            for name, sizes, purpose in ICONS
        ],
    }


def no_cache(response):
    """Browsers must ask every time (cheaply, with the ETag): these files announce new versions."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@offline.route("/sw.js")
def service_worker():
    source = current_app.extensions["tirek_service_worker"]
    return no_cache(current_app.response_class(source, mimetype="text/javascript"))


@offline.route(MANIFEST_PATH)
def manifest():
    body = json.dumps(web_app_manifest(current_app.config, current_app.config["ASSET_MANIFEST"]), indent=1)
    return no_cache(current_app.response_class(body, mimetype="application/manifest+json"))


@offline.route("/<lang:lang>/offline/")
def offline_page(lang: str):
    """What the service worker shows for a page it has not saved when there is no network."""
    return render_template(
        "offline.html", lang=lang, topics=site().topics(lang), alternates=alternates(lang, "offline")
    )
