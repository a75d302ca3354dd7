"""The per-language search index, built once at start-up from the rendered pages.

One JSON file per language, served at ``/<lang>/search/index.json`` and
precached for offline use. It holds what both search implementations need:

    {"version": 1, "lang": "ru",
     "docs": [[url, title, summary, text, lang], …],     # in topic order; url relative to the search page
                                                          # ("../police/"; search.js adds index.html in a
                                                          # copy whose links need it)
     "terms": ["адвокат", …],                             # every normalized word, sorted
     "postings": [[doc * 4 + field weight, …], …]}        # for each term: the pages and its best field
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import Flask
from flask_babel import gettext

from .content import Site
from .languages import LANGUAGES
from .search import BODY, INDEX_VERSION, SUMMARY, TITLE, tokens
from .sitemap import page_path

BLOCKS = frozenset({"p", "h2", "h3", "h4", "li", "td", "th", "tr", "blockquote", "pre", "br", "hr",
                    "ul", "ol", "table"})
HEADINGS = frozenset({"h2", "h3", "h4"})


@dataclass(frozen=True)
class SearchIndex:
    data: dict
    payload: bytes  # the JSON file, UTF-8
    etag: str

    @property
    def gzipped_size(self) -> int:
        return len(gzip.compress(self.payload, 9, mtime=0))


def search_path(lang: str) -> str:
    return page_path(lang, "search")


def index_path(lang: str) -> str:
    return search_path(lang) + "index.json"


def build_indexes(app: Flask, site: Site) -> dict[str, SearchIndex]:
    """Each language's index, with the contacts page's title in that language."""
    indexes = {}
    for lang in LANGUAGES:
        with app.test_request_context(search_path(lang)):
            indexes[lang] = pack(build_index(site, lang))
    return indexes


def build_index(site: Site, lang: str) -> dict:
    """Needs a request context for ``lang`` (for the translated title of the contacts page)."""
    docs, fields = [], []
    for page in site.topics(lang):
        text, headings = html_to_text(page.html)
        docs.append([f"../{page.slug}/", clean(page.title), clean(page.summary),
                     text, page.lang])
        fields.append(((page.title, TITLE), (page.summary, SUMMARY), (headings, SUMMARY), (text, BODY)))
    contacts_text = " · ".join(
        clean(" — ".join(filter(None, (c.name[lang], c.description[lang], c.phone, c.email))))
        for c in site.verified_contacts()
    )
    contacts_title = gettext("Emergency contacts")
    docs.append(["../contacts/", contacts_title, "", contacts_text, lang])
    fields.append(((contacts_title, TITLE), (contacts_text, BODY)))

    best: dict[str, dict[int, int]] = {}
    for doc, doc_fields in enumerate(fields):
        for text, weight in doc_fields:
            for _, _, word in tokens(clean(text)):
                pages = best.setdefault(word, {})
                if weight > pages.get(doc, 0):
                    pages[doc] = weight
    terms = sorted(best)
    return {
        "version": INDEX_VERSION,
        "lang": lang,
        "docs": docs,
        "terms": terms,
        "postings": [[doc * 4 + weight for doc, weight in sorted(best[t].items())] for t in terms],
    }


def pack(data: dict) -> SearchIndex:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return SearchIndex(data, payload, hashlib.sha256(payload).hexdigest()[:16])


def clean(text: str) -> str:
    """NFC, one space between words: both implementations read the same characters."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(all text, heading text) of a page's sanitized HTML."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return clean("".join(reader.parts)), clean(" ".join(reader.headings))


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[str] = []
        self.in_heading = 0

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append(" ")
        if tag in HEADINGS:
            self.in_heading += 1

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append(" ")
        if tag in HEADINGS:
            self.in_heading = max(0, self.in_heading - 1)
            self.headings.append(" ")

    def handle_data(self, data):
        self.parts.append(data)
        if self.in_heading:
            self.headings.append(data)
