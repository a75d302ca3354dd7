"""The pages in resources/: read, validated and rendered once, at start-up.

Everything a request needs is computed here: a request is a dictionary lookup. Problems are
collected, not raised one at a time, so a volunteer sees all of them in one run, each as
``path:line: message``. Contacts and mirrors have modules of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .contacts import Contact, load_contacts
from .languages import LANGUAGES, fallback_order
from .markup import render_markdown, too_slow_to_render
from .mirrors import Mirror, load_mirrors
from .sitemap import RESERVED_SLUGS, SLUG_RE
from .sourcefile import (
    FrontMatterError,
    Problem,
    YamlProblem,
    display_path,
    field_lines,
    parse_yaml,
    read_text,
    split_front_matter,
)

HOME_SLUG = "index"
PAGE_FIELDS = {"title", "summary", "updated", "order", "sources", "legal_review", "translation_of", "keywords"}
REQUIRED_FIELDS = ("title", "summary", "updated")
SOURCE_FIELDS = {"title", "url", "date"}


class ContentError(SystemExit):
    """The content cannot be served; ``problems`` says where and why.

    A SystemExit, so that ``flask run`` and gunicorn stop with these lines
    instead of a traceback.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__(
            "Tirek cannot start: the content has problems.\n"
            + "\n".join(lines)
            + "\nFix them, or run 'flask --app app content check' for a full report."
        )


@dataclass(frozen=True, order=True)
class SourceDate:
    """A source's date as precisely as it is known: a day, a month or only a year.

    Many reports give only a month or a year; writing a made-up day would make the page's
    "newest source" look more precise than it is.
    """

    start: dt.date
    precision: str  # "day", "month" or "year"

    @classmethod
    def parse(cls, value) -> SourceDate | None:
        """2025-02-18 (a date), "2025-02" or 2025; None when it is none of these."""
        if isinstance(value, dt.datetime):
            return None
        if isinstance(value, dt.date):
            return cls(value, "day")
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
            return cls(dt.date(value, 1, 1), "year")
        match = re.fullmatch(r"(\d{4})-(\d{2})", value) if isinstance(value, str) else None
        if match and 1 <= int(match[2]) <= 12:
            return cls(dt.date(int(match[1]), int(match[2]), 1), "month")
        return None


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    date: SourceDate | None = None


@dataclass(frozen=True)
class Page:
    lang: str
    slug: str
    title: str
    summary: str
    updated: dt.date  # when a volunteer last checked the facts
    order: int
    html: str
    path: str
    body_hash: str
    sources: tuple[Source, ...] = ()
    legal_review: str | dt.date | None = None
    translation_of: str | None = None
    # Words readers type for this subject that the text may not use: searched, and listed in the
    # A–Z that stands in for search where a copy has none (static copies, the one-file copy).
    keywords: tuple[str, ...] = ()
    # What the sanitizer removed from the author's Markdown; content check reports it.
    stripped: tuple[str, ...] = ()
    body_line: int = 1

    @property
    def is_legal(self) -> bool:
        return self.legal_review is not None

    @property
    def lawyer_reviewed(self) -> bool:
        return isinstance(self.legal_review, dt.date)

    @property
    def newest_source(self) -> SourceDate | None:
        """The date of the newest source: how current the facts can be, whatever 'updated' says."""
        dates = [source.date for source in self.sources if source.date]
        return max(dates) if dates else None


@dataclass
class Site:
    pages: dict[str, dict[str, Page]] = field(default_factory=dict)
    homes: dict[str, Page] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    mirrors: list[Mirror] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def slugs(self) -> list[str]:
        """Every content slug in any language, in topic order."""
        seen: dict[str, int] = {}
        for pages in self.pages.values():
            for page in pages.values():
                seen.setdefault(page.slug, page.order)
        return sorted(seen, key=lambda slug: (seen[slug], slug))

    def page(self, lang: str, slug: str) -> Page | None:
        """The page in ``lang``, or the best other language when it is not translated yet."""
        for candidate in fallback_order(lang):
            page = self.pages.get(candidate, {}).get(slug)
            if page:
                return page
        return None

    def home(self, lang: str) -> Page | None:
        for candidate in fallback_order(lang):
            if candidate in self.homes:
                return self.homes[candidate]
        return None

    def topics(self, lang: str) -> list[Page]:
        pages = [self.page(lang, slug) for slug in self.slugs]
        return [p for p in pages if p is not None]

    def verified_contacts(self) -> list[Contact]:
        return [c for c in self.contacts if c.verified]


def body_hash(text: str) -> str:
    """A short, stable fingerprint of a page body, for translation tracking."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def is_page_name(stem: str) -> bool:
    """A file name load_site reads as a page (it reports the others)."""
    return stem == HOME_SLUG or (bool(SLUG_RE.match(stem)) and stem not in RESERVED_SLUGS)


def load_site(resources_dir: Path | str) -> Site:
    """Read every content file; collect problems instead of stopping at the first."""
    root = Path(resources_dir)
    site = Site()
    if not root.is_dir():
        site.problems.append(Problem(str(root), 1, "content folder not found"))
        return site
    for lang in LANGUAGES:
        site.pages[lang] = {}
        for path in sorted((root / lang).glob("*.md")):
            page = load_page(path, lang, root, site.problems)
            if page is None:
                continue
            if page.slug == HOME_SLUG:
                site.homes[lang] = page
            else:
                site.pages[lang][page.slug] = page
    site.contacts = load_contacts(root / "contacts.yaml", root, site.problems)
    site.mirrors = load_mirrors(root / "mirrors.yaml", root, site.problems)
    return site


def load_page(path: Path, lang: str, root: Path, problems: list[Problem]) -> Page | None:
    where = display_path(path, root)
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append(Problem(where, 1, f"file name {slug!r} is not a slug (a-z, 0-9 and dashes)"))
        return None
    if slug in RESERVED_SLUGS:
        problems.append(Problem(where, 1, f"slug {slug!r} is reserved for a page the app makes"))
        return None
    text = read_text(path, root, problems)
    if text is None:
        return None
    try:
        front = split_front_matter(text)
        meta, _ = parse_yaml(front.text)
    except FrontMatterError as error:
        problems.append(Problem(where, error.line, str(error)))
        return None
    except YamlProblem as problem:
        # The YAML starts on the file's second line; a mistake found only at its end ("never
        # closed") is reported on the last field, not on the closing '---'.
        line = min(problem.line + 1, max(front.body_line - 2, 2))
        message = str(problem)
        if message.startswith("not valid YAML"):
            message = "front matter is " + message
        problems.append(Problem(where, line, message))
        return None
    meta = meta or {}
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "front matter must be 'field: value' lines"))
        return None

    before = len(problems)
    line_of = field_lines(front.text)

    def report(name: str, message: str) -> None:
        problems.append(Problem(where, line_of.get(name, 2), message))

    for name in sorted(set(meta) - PAGE_FIELDS):
        report(name, f"unknown field {name!r} (known: {', '.join(sorted(PAGE_FIELDS))})")
    for name in REQUIRED_FIELDS:
        if slug == HOME_SLUG and name == "summary":
            continue
        if not meta.get(name):
            problems.append(Problem(where, 2, f"required field {name!r} is missing or empty"))
    for name in ("title", "summary"):
        if name in meta and meta[name] is not None and not isinstance(meta[name], str):
            report(name, f"field {name!r} must be text")
    updated = meta.get("updated")
    if updated is not None and not isinstance(updated, dt.date):
        report("updated", f"field 'updated' must be a date as YYYY-MM-DD, got {updated!r}")
    order = meta.get("order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        report("order", f"field 'order' must be a whole number, got {order!r}")
        order = 1000
    legal_review = meta.get("legal_review")
    if "legal_review" in meta and not (legal_review == "pending" or isinstance(legal_review, dt.date)):
        report(
            "legal_review", "field 'legal_review' must be 'pending' or the date a lawyer reviewed the page (YYYY-MM-DD)"
        )
    sources = _read_sources(meta.get("sources"), lambda message: report("sources", message))
    keywords = _read_keywords(meta.get("keywords"), lambda message: report("keywords", message))
    translation_of = meta.get("translation_of")
    if translation_of is not None and not isinstance(translation_of, str):
        report("translation_of", "field 'translation_of' must be text (the source's hash)")
    slow = too_slow_to_render(front.body)
    if slow:
        problems.append(Problem(where, front.body_line, slow))
    if len(problems) > before:
        return None

    html, stripped = render_markdown(front.body)
    return Page(
        lang=lang,
        slug=slug,
        title=meta["title"].strip(),
        summary=(meta.get("summary") or "").strip(),
        updated=updated,
        order=order,
        html=html,
        path=where,
        body_hash=body_hash(front.body),
        sources=sources,
        legal_review=legal_review,
        translation_of=translation_of,
        keywords=keywords,
        stripped=tuple(stripped),
        body_line=front.body_line,
    )


def _read_sources(value, report) -> tuple[Source, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        report("field 'sources' must be a list of '- title: …' entries")
        return ()
    sources = []
    for item in value:
        if isinstance(item, str):
            sources.append(Source(item))
            continue
        if not (isinstance(item, dict) and isinstance(item.get("title"), str)):
            report("each source needs a 'title'")
            continue
        title = item["title"]
        unknown = sorted(set(item) - SOURCE_FIELDS)
        if unknown:
            report(f"source {title!r}: unknown field {unknown[0]!r} (known: date, title, url)")
            continue
        url = item.get("url")
        if url is not None and not (isinstance(url, str) and re.fullmatch(r"https://[^\s/?#]+\S*", url)):
            report(f"source {title!r}: url must start with https:// and a host name")
            continue
        date = SourceDate.parse(item["date"]) if "date" in item else None
        if "date" in item and date is None:
            report(
                f"source {title!r}: 'date' must be the source's date as YYYY-MM-DD, or YYYY-MM or YYYY "
                f"when only the month or the year is known, got {item['date']!r}"
            )
            continue
        sources.append(Source(title, url, date))
    return tuple(sources)


def _read_keywords(value, report) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(word, str) and word.strip() for word in value):
        report("field 'keywords' must be a list of words, such as [suicide, hotline]")
        return ()
    return tuple(word.strip() for word in value)
