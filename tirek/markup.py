"""Markdown to safe HTML.

Python-Markdown passes raw HTML, event handlers and ``javascript:`` links
straight through, so raw HTML is escaped as text and the output is cleaned by
bleach against a small allow-list. What the allow-list removes is reported, so
the author learns about it from ``content check`` instead of a silently
changed page.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import bleach
import markdown
from markdown.extensions.toc import slugify_unicode

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
    }
)
ALLOWED_PROTOCOLS = frozenset({"https", "mailto", "tel"})
# One address, nothing that a mail app would read as a second one or as headers.
MAILTO_ADDRESS = re.compile(r"[^@\s,;?&<>]+@[^@\s,;?&<>]+")
# Python-Markdown looks for the end of a link from every '[' it meets, so n unclosed '[' in one
# paragraph take about n² steps: 16,000 take half a minute, 2,000 a third of a second. Pages
# have a few dozen.
MAX_BRACKETS = 2000


def too_slow_to_render(text: str) -> str | None:
    """Why this Markdown would hold up start-up, or None."""
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        return (
            f"has {brackets:,} '[' characters; a page may have at most {MAX_BRACKETS:,} "
            "(each link uses one): split the page"
        )
    return None


def link_allowed(href: str) -> bool:
    """https, tel, a plain mailto (one address: no cc, bcc or prefilled body), or a link within the site.

    Checked as the browser will read it: bleach hands over the value with its character references
    (``&#47;`` is '/'), and browsers drop tabs and line breaks anywhere in a URL and read '\\' as '/'.
    So ``//host/``, ``&#47;/host/`` and ``/\\host/`` all leave the site without https.
    """
    url = re.sub(r"[\t\n\r]", "", html.unescape(href)).strip("".join(map(chr, range(0x21))))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "":
        return not parts.netloc and not url.replace("\\", "/").startswith("//")
    if scheme == "mailto":
        return not parts.query and MAILTO_ADDRESS.fullmatch(unquote(parts.path)) is not None
    return scheme in ALLOWED_PROTOCOLS


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name == "title" or (name == "href" and link_allowed(value))
    return name in {"h2": ("id",), "h3": ("id",), "h4": ("id",), "th": ("align",), "td": ("align",)}.get(tag, ())


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "th": ["align"],
    "td": ["align"],
}


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
