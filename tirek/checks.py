"""The content checks that do not stop the app: what ``flask --app app content check`` adds.

``content.load_site`` already reports what makes a page unusable (broken front
matter, missing or unknown fields, dates that are not dates). This module adds
what a volunteer should fix but a reader can live with for a while: links to
pages that do not exist, Markdown the sanitizer removes, unverified contacts,
reviews that are too old, pages missing in a language and translations that
are behind their English source.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import tracking
from .content import HOME_SLUG, Page, Site, load_site
from .languages import LANGUAGES
from .markup import render_markdown
from .sitemap import DOWNLOAD_FILES, LANGUAGE_FILES, LANGUAGE_PAGES
from .sourcefile import FrontMatterError, Problem, field_lines, split_front_matter
from .sourcefile import display_path as _display

# Pages the app makes itself in each language; content may link to them.
APP_SLUGS = frozenset(LANGUAGE_PAGES)
HEADING_HINTS = {
    "h1": "start headings at '##': the page title is the only top-level heading",
    "h5": "use '##', '###' or '####' for headings",
    "h6": "use '##', '###' or '####' for headings",
}


def check_content(resources_dir: Path | str, today: dt.date, max_age_days: int) -> tuple[list[Problem], int]:
    """Every problem and notice in the content, sorted by file and line; and how many stop the app."""
    root = Path(resources_dir)
    site = load_site(root)
    blocking = list(site.problems)
    if not root.is_dir():
        return blocking, len(blocking)
    problems = blocking + check_site(site, root, today, max_age_days)
    return sorted(problems, key=lambda p: (p.path, p.line, p.notice)), len(blocking)


def check_site(site: Site, root: Path, today: dt.date, max_age_days: int) -> list[Problem]:
    files = tracking.content_files(root)
    problems: list[Problem] = []
    for page in all_pages(site):
        lines = source_lines(root, page)
        problems += broken_links(site, files, page, lines)
        problems += raw_html(page, lines)
        problems += stripped_markup(page, lines)
        fields = _front_field_lines(lines)
        problems += bad_review_dates(page, fields, today, max_age_days)
        problems += undated_sources(page, lines, fields)
    problems += unverified_contacts(site, root)
    problems += missing_pages(files, root)
    problems += tracking.translation_problems(root)
    return problems


def all_pages(site: Site) -> list[Page]:
    pages = list(site.homes.values())
    for by_slug in site.pages.values():
        pages.extend(by_slug.values())
    return pages


def source_lines(root: Path, page: Page) -> list[str]:
    return (root.parent / page.path).read_text(encoding="utf-8").splitlines()


def page_url(lang: str, slug: str) -> str:
    return f"/{lang}/" if slug == HOME_SLUG else f"/{lang}/{slug}/"


# Links ---------------------------------------------------------------------


class _Anchors(HTMLParser):
    """The hrefs of links and the ids of headings in a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def broken_links(site: Site, files: dict[str, dict[str, Path]], page: Page, lines: list[str]) -> list[Problem]:
    problems = []
    here = page_url(page.lang, page.slug)
    for href in _Anchors(page.html).hrefs:
        message = link_problem(site, files, page, here, href)
        if message:
            problems.append(Problem(page.path, find_line(lines, href, page.body_line), message))
    return problems


def link_problem(site: Site, files: dict[str, dict[str, Path]], page: Page, here: str, href: str) -> str | None:
    """What is wrong with one link on the page at ``here``, or None."""
    split = urlsplit(href)
    if split.scheme or split.netloc:
        return None  # https, mailto, tel; other schemes are removed and reported as stripped
    if href.startswith("/"):
        return (
            f"link {href!r} starts with '/': links must be relative (like '../police/') "
            "so that copies of the site work under any address"
        )
    if not split.path:
        target, target_page = here, page
    else:
        target = urljoin(here, split.path)
        if not _page_exists(files, target):
            if not target.endswith("/") and _page_exists(files, target + "/"):
                return f"link {href!r} needs a slash at the end: {split.path + '/'!r}"
            return _not_a_page(files, page, here, href, target)
        target_page = _served_page(site, target)
    if split.fragment and target_page is not None and split.fragment not in _Anchors(target_page.html).ids:
        return f"link {href!r}: {target} has no heading with the id {split.fragment!r}"
    return None


def _page_exists(files: dict[str, dict[str, Path]], target: str) -> bool:
    if not target.endswith("/"):
        # A file the app makes in each language: a search index, the one-file copy (../copy.html).
        lang, _, name = target.lstrip("/").partition("/")
        return lang in LANGUAGES and name in LANGUAGE_FILES + DOWNLOAD_FILES
    parts = [part for part in target.split("/") if part]
    if not parts:
        return True  # the language chooser
    if parts[0] not in LANGUAGES or len(parts) > 2:
        return False
    if len(parts) == 1:
        return True  # a home page; the app serves it even without index.md
    slug = parts[1]
    return slug in APP_SLUGS or (slug != HOME_SLUG and any(slug in by_slug for by_slug in files.values()))


def _served_page(site: Site, target: str) -> Page | None:
    parts = target.strip("/").split("/")
    if len(parts) == 1 and parts[0]:
        return site.home(parts[0])
    if len(parts) == 2 and parts[1] not in APP_SLUGS:
        return site.page(parts[0], parts[1])
    return None


def _not_a_page(files, page: Page, here: str, href: str, target: str) -> str:
    message = f"link {href!r} goes to {target}, which is not a page"
    slug = [part for part in target.split("/") if part][-1:] or [""]
    if _page_exists(files, page_url(page.lang, slug[0])) and slug[0] not in LANGUAGES:
        suggestion = posixpath.relpath(page_url(page.lang, slug[0]), here) + "/"
        message += f": write {suggestion!r}"
        if page.slug == HOME_SLUG:
            message += f" (links in {HOME_SLUG}.md start from {here}, the home page)"
    return message


def find_line(lines: list[str], needle: str, default: int) -> int:
    """The first line at or after ``default`` that contains ``needle`` (a link, a value)."""
    for number in range(default, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return default


# Raw HTML and Markdown the sanitizer removes ------------------------------------

RAW_TAG = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^>]*>|<!--")
CODE_SPAN = re.compile(r"(`+).*?\1")


def raw_html(page: Page, lines: list[str]) -> list[Problem]:
    """HTML written into Markdown: readers see it as text (it never runs), so the author is told."""
    problems, fenced = [], False
    for number in range(page.body_line, len(lines) + 1):
        line = lines[number - 1]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")):
            continue
        for match in RAW_TAG.finditer(CODE_SPAN.sub("", line)):
            tag = f"<{match[1]}>" if match[1] else "<!--"
            problems.append(
                Problem(
                    page.path,
                    number,
                    f"raw HTML {tag} is shown to readers as text, never run: write Markdown instead "
                    "(or put it in `backticks` to show code)",
                )
            )
    return problems


def stripped_markup(page: Page, lines: list[str]) -> list[Problem]:
    """Each removal the sanitizer made, on the line of the Markdown block that caused it."""
    if not page.stripped:
        return []
    located = []
    for start, block in _blocks(lines, page.body_line):
        for removed in render_markdown(block)[1]:
            located.append((_line_in_block(block, start, removed), removed))
    problems = []
    for removed in page.stripped:
        match = next((item for item in located if item[1] == removed), None)
        if match:
            located.remove(match)
        line = match[0] if match else _quoted_value_line(lines, removed, page.body_line)
        message = f"the sanitizer removes this: {removed}"
        tag = removed[1 : removed.find(">")] if removed.startswith("<") else ""
        if tag in HEADING_HINTS:
            message += f"; {HEADING_HINTS[tag]}"
        problems.append(Problem(page.path, line, message))
    return problems


def _blocks(lines: list[str], first: int) -> list[tuple[int, str]]:
    """The body's blocks (runs of non-blank lines) with the line each starts on."""
    blocks, start, current = [], None, []
    for number in range(first, len(lines) + 2):
        line = lines[number - 1] if number <= len(lines) else ""
        if line.strip():
            start = start or number
            current.append(line)
        elif current:
            blocks.append((start, "\n".join(current) + "\n"))
            start, current = None, []
    return blocks


def _line_in_block(block: str, start: int, removed: str) -> int:
    """The block's line that causes ``removed`` on its own, else the block's first line."""
    for offset, line in enumerate(block.splitlines()):
        if removed in render_markdown(line)[1]:
            return start + offset
    return start


def _quoted_value_line(lines: list[str], removed: str, default: int) -> int:
    if "'" in removed:
        value = removed.split("'")[1]
        return find_line(lines, value, default)
    return default


# Dates and contacts ----------------------------------------------------------


def bad_review_dates(page: Page, lines_of: dict[str, int], today: dt.date, max_age_days: int) -> list[Problem]:
    problems = []
    if page.updated > today:
        problems.append(
            Problem(page.path, lines_of.get("updated", 2), f"'updated' {page.updated.isoformat()} is in the future")
        )
    elif (today - page.updated).days > max_age_days:
        problems.append(
            Problem(
                page.path,
                lines_of.get("updated", 2),
                f"last reviewed {page.updated.isoformat()}, more than {max_age_days} days ago: "
                "check the page, then set 'updated' to the date of your review",
                notice=True,
            )
        )
    if isinstance(page.legal_review, dt.date) and page.legal_review > today:
        problems.append(
            Problem(
                page.path,
                lines_of.get("legal_review", 2),
                f"'legal_review' {page.legal_review.isoformat()} is in the future",
            )
        )
    return problems


def _front_field_lines(lines: list[str]) -> dict[str, int]:
    try:
        return field_lines(split_front_matter("\n".join(lines)).text)
    except FrontMatterError:
        return {}


def undated_sources(page: Page, lines: list[str], lines_of: dict[str, int]) -> list[Problem]:
    """Readers see the date of a page's newest source; a source without a date cannot count."""
    undated = [source for source in page.sources if source.date is None]
    if not undated:
        return []
    line = find_line(lines, undated[0].title, lines_of.get("sources", 2))
    return [
        Problem(
            page.path,
            line,
            f"{len(undated)} of {len(page.sources)} sources have no 'date', so the page cannot count "
            "them in its 'newest source': add the date each was published where you know it (YYYY-MM-DD, or YYYY-MM or YYYY when only the month or the year is known)",
            notice=True,
        )
    ]


def unverified_contacts(site: Site, root: Path) -> list[Problem]:
    where = _display(root / "contacts.yaml", root)
    return [
        Problem(
            where,
            contact.line,
            f"contact {contact.id!r} is not verified, so readers do not see it: confirm its "
            "details from a trustworthy source, then set 'verified: true' and 'verified_on'",
            notice=True,
        )
        for contact in site.contacts
        if not contact.verified
    ]


# Languages -------------------------------------------------------------------


def missing_pages(files: dict[str, dict[str, Path]], root: Path) -> list[Problem]:
    """A page that exists in one language and not in another."""
    problems = []
    slugs = sorted({slug for by_slug in files.values() for slug in by_slug})
    for slug in slugs:
        have = [lang for lang in tracking.SOURCE_FIRST if slug in files[lang]]
        for lang in LANGUAGES:
            if slug not in files[lang]:
                source = _display(files[have[0]][slug], root)
                where = _display(root / lang / f"{slug}.md", root)
                problems.append(Problem(where, 1, f"page missing in {lang}: translate {source}", notice=True))
    return problems
