"""Markdown to safe HTML.

Python-Markdown passes raw HTML, event handlers and ``javascript:`` links
straight through, so raw HTML is escaped as text and the output is cleaned by
bleach against a small allow-list. What the allow-list removes is reported, so
the author learns about it from ``content check`` instead of a silently
changed page.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
import markdown
from markdown.extensions.toc import slugify_unicode

ALLOWED_TAGS = frozenset({
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
})
ALLOWED_PROTOCOLS = frozenset({"https", "mailto", "tel"})


def link_allowed(href: str) -> bool:
    """https, tel, a plain mailto (no cc, bcc or prefilled body), or a link within the site.

    ``//host/`` has no scheme but leaves the site, so it counts as an outside link without https.
    """
    parts = urlsplit(href.strip())
    scheme = parts.scheme.lower()
    if scheme == "":
        return not parts.netloc and not href.strip().startswith(("//", "\\", "/\\"))
    if scheme == "mailto":
        return not parts.query and "@" in parts.path and "," not in parts.path
    return scheme in ALLOWED_PROTOCOLS


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name == "title" or (name == "href" and link_allowed(value))
    return name in {"h2": ("id",), "h3": ("id",), "h4": ("id",), "th": ("align",), "td": ("align",)}.get(tag, ())


ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "h2": ["id"], "h3": ["id"], "h4": ["id"],
                      "th": ["align"], "td": ["align"]}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        # attr_list lets authors give a heading a stable id in every language: ## Now {#now}
        extensions=["tables", "sane_lists", "attr_list", "toc"],
        extension_configs={
            "toc": {"slugify": slugify_unicode},
            # align= instead of style=, which the Content-Security-Policy forbids.
            "tables": {"use_align_attribute": True},
        },
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str) -> tuple[str, list[str]]:
    """Return (safe HTML, descriptions of what the sanitizer removed)."""
    raw = _markdown().convert(text)
    removed = _Audit.run(raw)
    clean = bleach.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=_attribute_allowed,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return clean, removed


class _Audit(HTMLParser):
    """Lists the tags, attributes and links in Markdown's output that bleach will drop."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    @classmethod
    def run(cls, html: str) -> list[str]:
        audit = cls()
        audit.feed(html)
        audit.close()
        return audit.removed

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.removed.append(f"<{tag}> is not allowed (images and embeds are removed)")
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, []):
                self.removed.append(f"attribute {name!r} on <{tag}> is removed")
            elif name == "href" and not link_allowed(value or ""):
                self.removed.append(f"link {value!r} is removed: only https, mailto, tel and relative links")
