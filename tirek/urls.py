"""Relative URLs, so the same pages work under any path prefix and in a static copy."""

from __future__ import annotations

import dataclasses
import posixpath
import re

from flask import current_app, request

from .languages import LANGUAGE_NAMES, LANGUAGES
from .sitemap import page_path


def relative(target: str, base: str | None = None) -> str:
    """The URL of absolute path ``target`` relative to the page at ``base`` (default: this request).

    >>> relative("/ru/contacts/", "/ru/police/")
    '../contacts/'
    """
    base = base if base is not None else request.path
    base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
    rel = posixpath.relpath(target, base_dir)
    if target.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    if current_app.config.get("LINK_INDEX_FILES") and rel.endswith("/"):
        # Static copies opened from file:// cannot resolve a folder to its index.html.
        rel += "index.html"
    return rel


# A relative link to a folder in rendered Markdown: no scheme, not from the root, not a #fragment.
FOLDER_LINK = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"?#]*/)([?#][^"]*)?"')


def link_index_files(site) -> None:
    """Make the folder links that authors write in Markdown end in index.html, as relative() does.

    Called once at start-up when LINK_INDEX_FILES is set, for the static copy.
    """

    def rewrite(page):
        html = FOLDER_LINK.sub(lambda m: f'href="{m[1]}index.html{m[2] or ""}"', page.html)
        return dataclasses.replace(page, html=html)

    for pages in site.pages.values():
        for slug, page in pages.items():
            pages[slug] = rewrite(page)
    for lang, page in site.homes.items():
        site.homes[lang] = rewrite(page)


def asset_url(name: str) -> str:
    hashed = current_app.config["ASSET_MANIFEST"].get(name)
    if hashed is None:
        raise KeyError(f"no static file named {name!r}")
    return relative(f"/static/{hashed}")


def alternates(lang: str, slug: str | None) -> list[dict]:
    """This page in every language, for the language switch and hreflang links."""
    return [
        {
            "lang": code,
            "name": LANGUAGE_NAMES[code],
            "url": relative(page_path(code, slug)),
            "path": page_path(code, slug),
            "current": code == lang,
        }
        for code in LANGUAGES
    ]


def template_helpers() -> dict:
    return {"rel": relative, "asset": asset_url, "page_path": page_path, "LANGUAGE_NAMES": LANGUAGE_NAMES}
