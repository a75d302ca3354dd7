"""The whole site in one language as one HTML file to keep and pass on: /<lang>/copy.html.

People here pass things on as files in messengers. A file opened from Downloads or from a
messenger's viewer (file://, content://) has no web server and no service worker, and may
have no JavaScript, so this one needs none of them: every page and the contacts in one
document, the stylesheet inlined, links between pages turned into #fragments, nothing
loaded from anywhere. Its Content-Security-Policy allows that one stylesheet by its hash.

Ids in the file: ``index`` (the start: topics), ``copy`` (about this copy), ``search``
(A–Z of keywords), ``contacts``, ``mirrors`` (all names no content page may take), a page's
slug, and ``<slug>--<id>`` for a heading inside a page, so that "#remove" on one page and
on another stay two places.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from flask import current_app, render_template

from .assets import STATIC_DIR
from .contacts import by_category
from .content import HOME_SLUG
from .languages import LANGUAGES
from .sitemap import DOWNLOAD_FILES

STYLESHEET = STATIC_DIR / "css" / "site.css"
# Each file at most this many bytes gzipped (bench/copy_size.py shows the room left).
BUDGET_GZIPPED = 150 * 1024
# The name the file is saved under: ordinary, saying nothing of what is inside.
DOWNLOAD_NAME = "reader-{lang}.html"
COPY_ID, SEARCH_ID, CONTACTS_ID, MIRRORS_ID = "copy", "search", "contacts", "mirrors"
# The app's pages, as a link in a content page may name them, and where each goes in the file.
APP_PAGE_IDS = {
    "contacts": CONTACTS_ID,
    "mirrors": MIRRORS_ID,
    "search": SEARCH_ID,
    "remove": COPY_ID,
    **{name: COPY_ID for name in DOWNLOAD_FILES},
}


@dataclass(frozen=True)
class InlineStyle:
    """A stylesheet to put in a <style> element, and the CSP source that allows exactly it."""

    css: str

    @property
    def csp_source(self) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(self.css.encode()).digest()).decode() + "'"


def inline_style() -> InlineStyle:
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:
        # Inside <style>, "</style" would end the element early; the stylesheet never needs "</".
        raise ValueError(f"{STYLESHEET}: contains '</', which cannot go inside a <style> element")
    return InlineStyle(css)


def inline_policy(style: InlineStyle, in_meta: bool = False) -> str:
    """The policy of a page with one inline stylesheet and nothing else: no script, no loads.

    A <meta> policy cannot carry frame-ancestors (browsers ignore it there), so ``in_meta`` leaves it out.
    """
    directives = ["default-src 'none'", f"style-src {style.csp_source}", "base-uri 'none'", "form-action 'none'"]
    if not in_meta:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def content_date(site):
    """The copy's date: the newest review date of any page in it. Not the day it was made, so
    the same content gives the same file (the export is deterministic)."""
    pages = [page for pages in site.pages.values() for page in pages.values()] + list(site.homes.values())
    return max((page.updated for page in pages), default=None)


def anchor(path: str, fragment: str, slugs) -> str:
    """The #fragment in the file for a site path (and its own #fragment)."""
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[0] in LANGUAGES:
        segments = segments[1:]
    if segments and segments[-1] == "index.html":
        segments = segments[:-1]
    if not segments:
        name = HOME_SLUG
    elif len(segments) == 1 and segments[0] in slugs:
        name = segments[0]
    elif len(segments) == 1 and segments[0] in APP_PAGE_IDS:
        name = APP_PAGE_IDS[segments[0]]
    else:
        return f"#{HOME_SLUG}"
    inner = name in slugs or name in (HOME_SLUG, CONTACTS_ID)
    return f"#{name}--{fragment}" if fragment and inner else f"#{name}"


def into_file(page_html: str, base: str, prefix: str, slugs) -> str:
    """A page's HTML made to live inside the file: its ids prefixed, its links to the site turned
    into #fragments, its headings one level down (the page title is the file's <h2>)."""

    def link(match: re.Match) -> str:
        href = html.unescape(match[1])
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return match[0]
        target = urlsplit(urljoin("http://site" + base, href))
        return f'href="{html.escape(anchor(target.path, target.fragment, slugs))}"'

    def tag(match: re.Match) -> str:
        # Only in real tags: a code sample's text may show 'href="…"' too, escaped as &lt;a …&gt;.
        rewritten = re.sub(r'href="([^"]*)"', link, match[0])
        return re.sub(r' id="([^"]*)"', lambda m: f' id="{prefix}--{m[1]}"', rewritten)

    page_html = re.sub(r"<(?:a|h[1-6])\b[^>]*>", tag, page_html)
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", page_html)


def render_copy(lang: str, site, public_key) -> str:
    slugs = set(site.slugs)
    topics = [(page, into_file(page.html, f"/{lang}/{page.slug}/", page.slug, slugs)) for page in site.topics(lang)]
    intro = site.home(lang)
    intro_html = into_file(intro.html, f"/{lang}/", HOME_SLUG, slugs) if intro else ""
    style = inline_style()
    return render_template(
        "single-file.html",
        lang=lang,
        intro=intro,
        intro_html=intro_html,
        topics=topics,
        groups=by_category(site.contacts),
        mirrors=site.mirrors,
        date=content_date(site),
        police_url=anchor(f"/{lang}/police/", "", slugs),
        public_key=public_key,
        style=style,
        meta_policy=inline_policy(style, in_meta=True),
    )


def copy_response(lang: str):
    """The file as a download. Rendered once per language: the content does not change while the app runs."""
    app = current_app
    rendered = app.extensions.setdefault("tirek_single_file", {})
    if lang not in rendered:
        rendered[lang] = (
            render_copy(lang, app.extensions["tirek_site"], app.extensions["tirek_public_key"]),
            inline_policy(inline_style()),
        )
    body, policy = rendered[lang]
    response = app.response_class(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME.format(lang=lang)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
