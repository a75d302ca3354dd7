"""The inventory of the site's pages: every URL the app serves, in one place.

The export, the service worker's precache list, content check and the tests read it; a test
checks that every GET route in the app is covered here, so a new page cannot be forgotten
offline or in static copies.
"""

from __future__ import annotations

import re

from .languages import LANGUAGES

# Pages the app makes in each language, at /<lang>/<name>/; content files may not take these names.
LANGUAGE_PAGES = ("contacts", "search", "offline", "remove", "mirrors")
# Files the app makes in each language, at /<lang>/<name>.
LANGUAGE_FILES = ("search/index.json",)
# Files to download, made in each language at /<lang>/<name>: the whole site as one file to pass on.
# The export writes them; the service worker does not store them: a reader keeps one as a file,
# and all three would add about 130 KB gzipped to the offline download, past its budget.
DOWNLOAD_FILES = ("copy.html",)
# Pages outside the language folders.
COVER_PATH = "/cover/"  # the neutral page the quick exit shows offline
ROOT_PAGES = (COVER_PATH, "/languages/")
# Files at fixed root URLs: the service worker must sit at the root of its scope.
SERVICE_WORKER_PATH = "/sw.js"
MANIFEST_PATH = "/manifest.webmanifest"
ROOT_FILES = (SERVICE_WORKER_PATH, MANIFEST_PATH)
# Names under the root that are not pages but still cannot be content slugs.
ROOT_FOLDERS = ("static",)

# A page's address in every language: lowercase Latin letters, digits and single dashes.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset(
    LANGUAGE_PAGES
    + tuple(path.strip("/") for path in ROOT_PAGES)
    + tuple(name.split("/")[0] for name in LANGUAGE_FILES)
    + tuple(name.split(".")[0] for name in DOWNLOAD_FILES)
    + ROOT_FOLDERS
)


def page_path(lang: str, slug: str | None = None) -> str:
    return f"/{lang}/{slug}/" if slug else f"/{lang}/"


def page_paths(slugs: list[str]) -> list[str]:
    """Every HTML page, as absolute paths: the homes, the app's pages and the content pages."""
    paths = []
    for lang in LANGUAGES:
        paths.append(page_path(lang))
        paths.extend(page_path(lang, name) for name in LANGUAGE_PAGES)
        paths.extend(page_path(lang, slug) for slug in slugs)
    paths.extend(ROOT_PAGES)
    return paths


def data_paths() -> list[str]:
    """Non-HTML files the pages need offline (the search indexes), as absolute paths."""
    return [f"/{lang}/{name}" for lang in LANGUAGES for name in LANGUAGE_FILES]


def download_paths() -> list[str]:
    """The files to download (the one-file copies), as absolute paths."""
    return [f"/{lang}/{name}" for lang in LANGUAGES for name in DOWNLOAD_FILES]
