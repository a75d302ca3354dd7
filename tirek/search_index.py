"""The per-language search index, built once at start-up from the rendered pages.

One JSON file per language, served at ``/<lang>/search/index.json`` and
precached for offline use. It holds what both search implementations need:

    {"version": 2, "lang": "ru", "languageNames": {"kk": "Қазақша", …},
     "rules": {…},                                        # the folding and matching tables (search.rules)
     "docs": [[url, title, summary, text, lang], …],     # in topic order; url relative to the search page
                                                          # ("../police/"; search.js adds index.html in a
                                                          # copy whose links need it)
     "terms": ["адвокат", …],                             # every normalized word, sorted
     "postings": [[doc * 4 + field weight, …], …],        # for each term: the pages and its best field
     "crisis": [{"name": "suicide", "triggers": [["суицид"], …],
                 "links": [[url, heading, page title], …]}, …],   # crisis.py, with this language's links
     "others": [["en", "../../en/search/index.json"], …]} # where to look when nothing matches here

A page's keywords are indexed like its summary and never shown: they are in "terms", not in "docs".
"""

from __future__ import annotations

import gzip
import hashlib
import json
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import Flask
from flask_babel import gettext

from .content import Site
from .crisis import CRISES, crisis_table
from .languages import LANGUAGE_NAMES, LANGUAGES, fallback_order
from .search import BODY, INDEX_VERSION, MIN_TOKEN_LENGTH, SUMMARY, TITLE, Matcher, rules
from .sitemap import page_path

BLOCKS = frozenset(
    {"p", "h2", "h3", "h4", "li", "td", "th", "tr", "blockquote", "pre", "br", "hr", "ul", "ol", "table"}
)
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
    """Each language's index, with the contacts page's title and the crisis links in that language."""
    indexes = {}
    client = app.test_client()
    for lang in LANGUAGES:
        links = crisis_links(client, lang)
        with app.test_request_context(search_path(lang)):
            indexes[lang] = pack(build_index(site, lang, links))
    return indexes


def build_index(site: Site, lang: str, links: dict[str, list[list[str]]] | None = None) -> dict:
    """Needs a request context for ``lang`` (for the translated title of the contacts page)."""
    table = rules(lang)
    matcher = Matcher(table)
    docs, fields = [], []
    for page in site.topics(lang):
        text, headings = html_to_text(page.html)
        docs.append([f"../{page.slug}/", clean(page.title), clean(page.summary), text, page.lang])
        fields.append(
            (
                (page.title, TITLE),
                (page.summary, SUMMARY),
                (headings, SUMMARY),
                (" ".join(page.keywords), SUMMARY),
                (text, BODY),
            )
        )
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
            for _, _, word in matcher.tokens(clean(text)):
                pages = best.setdefault(word, {})
                if weight > pages.get(doc, 0):
                    pages[doc] = weight
    terms = sorted(best)
    links = links or {}
    crisis = [
        dict(entry, links=links.get(entry["name"], []))
        for entry in crisis_table(matcher.normalize_word, MIN_TOKEN_LENGTH)
    ]
    here = search_path(lang)
    return {
        "version": INDEX_VERSION,
        "lang": lang,
        "languageNames": LANGUAGE_NAMES,
        "rules": table,
        "docs": docs,
        "terms": terms,
        "postings": [[doc * 4 + weight for doc, weight in sorted(best[t].items())] for t in terms],
        "crisis": crisis,
        "others": [
            [other, posixpath.relpath(index_path(other), here)] for other in fallback_order(lang) if other != lang
        ],
    }


def crisis_links(client, lang: str) -> dict[str, list[list[str]]]:
    """{crisis name: [[url from the search page, section heading, page title], …]} in ``lang``.

    Read from the pages as the reader gets them, so a heading's words are the ones on the page;
    a page that does not exist is left out, and a section id it lacks links to its top.
    """
    pages: dict[str, _Headings | None] = {}
    found = {}
    for crisis in CRISES:
        found[crisis.name] = []
        for link in crisis.links:
            slug, _, section = link.partition("#")
            if slug not in pages:
                response = client.get(page_path(lang, slug))
                pages[slug] = _Headings.read(response.get_data(as_text=True)) if response.status_code == 200 else None
            page = pages[slug]
            if page is None:
                continue
            heading = page.sections.get(section)
            url = f"../{slug}/" + (f"#{section}" if heading else "")
            found[crisis.name].append([url, clean(heading or page.title), clean(page.title)])
    return found


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


class _Headings(HTMLParser):
    """A page's <h1> text and the text of every heading that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    @classmethod
    def read(cls, html: str) -> _Headings:
        reader = cls()
        reader.feed(html)
        reader.close()
        return reader

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self._open.append((tag, dict(attrs).get("id")))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for tag, section in self._open:
            if tag == "h1":
                self.title += data
            elif section:
                self.sections[section] = self.sections.get(section, "") + data
