"""Load, validate and render the content in resources/ once, at start-up.

Everything a request needs is computed here: a request is a dictionary lookup.
Problems are collected, not raised one at a time, so a volunteer sees all of
them in one run, each as ``path:line: message``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .markup import render_markdown

LANGUAGES = ("kk", "ru", "en")
SOURCE_LANGUAGE = "en"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Slugs the app itself serves; a content file may not take them.
RESERVED_SLUGS = frozenset({"contacts", "search", "offline", "cover", "remove", "static", "mirrors"})
HOME_SLUG = "index"
PAGE_FIELDS = {"title", "summary", "updated", "order", "sources", "legal_review", "translation_of"}
REQUIRED_FIELDS = ("title", "summary", "updated")
CONTACT_FIELDS = {
    "id", "category", "name", "description", "phone", "email", "url",
    "verified", "verified_on", "source",
}
CONTACT_CATEGORIES = ("emergency", "organisation")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(SystemExit):
    """The content cannot be served; ``problems`` says where and why.

    A SystemExit, so that ``flask run`` and gunicorn stop with these lines
    instead of a traceback.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__("Tirek cannot start: the content has problems.\n" + "\n".join(lines)
                         + "\nFix them, or run 'flask --app app content check' for a full report.")


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Page:
    lang: str
    slug: str
    title: str
    summary: str
    updated: dt.date
    order: int
    html: str
    path: str
    body_hash: str
    sources: tuple[Source, ...] = ()
    legal_review: str | dt.date | None = None
    translation_of: str | None = None
    # What the sanitizer removed from the author's Markdown; content check reports it.
    stripped: tuple[str, ...] = ()
    body_line: int = 1

    @property
    def is_legal(self) -> bool:
        return self.legal_review is not None

    @property
    def lawyer_reviewed(self) -> bool:
        return isinstance(self.legal_review, dt.date)


@dataclass(frozen=True)
class Contact:
    id: str
    category: str
    name: dict[str, str]
    description: dict[str, str]
    verified: bool
    verified_on: dt.date | None
    source: str
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    line: int = 1

    @property
    def tel(self) -> str | None:
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else None


@dataclass
class Site:
    pages: dict[str, dict[str, Page]] = field(default_factory=dict)
    homes: dict[str, Page] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    mirrors: list = field(default_factory=list)  # tirek.mirrors.Mirror
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


def fallback_order(lang: str) -> list[str]:
    """Kazakh readers nearly all read Russian; Russian readers get English last."""
    order = {"kk": ["kk", "ru", "en"], "ru": ["ru", "en", "kk"], "en": ["en", "ru", "kk"]}
    return order.get(lang, list(LANGUAGES))


def body_hash(text: str) -> str:
    """A short, stable fingerprint of a page body, for translation tracking."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


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
            page = _load_page(path, lang, root, site.problems)
            if page is None:
                continue
            if page.slug == HOME_SLUG:
                site.homes[lang] = page
            else:
                site.pages[lang][page.slug] = page
    site.contacts = _load_contacts(root / "contacts.yaml", root, site.problems)
    from .mirrors import load_mirrors  # mirrors.py builds on this module's helpers

    site.mirrors = load_mirrors(root / "mirrors.yaml", root, site.problems)
    return site


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, line number where the body starts), or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def _load_page(path: Path, lang: str, root: Path, problems: list[Problem]) -> Page | None:
    where = _display(path, root)
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append(Problem(where, 1, f"file name {slug!r} is not a slug (a-z, 0-9 and dashes)"))
        return None
    if slug in RESERVED_SLUGS:
        problems.append(Problem(where, 1, f"slug {slug!r} is reserved for a page the app makes"))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(where, 1, f"not UTF-8 text ({error.reason})"))
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(where, 1, "front matter missing: the file must start with '---', the fields, and '---'"))
        return None
    front_text, body, body_line = parts
    try:
        meta = yaml.safe_load(front_text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # A mark past the closing '---' means "unfinished"; point at the last field instead.
        line = min(mark.line + 2, body_line - 2) if mark else 1
        reason = getattr(error, "problem", None) or "cannot be read"
        problems.append(Problem(where, line, f"front matter is not valid YAML: {reason}"))
        return None
    except ValueError as error:  # YAML reads 2026-13-01 as a date, then fails to build it
        problems.append(Problem(where, _impossible_date_line(front_text, 2),
                                f"impossible date ({error}); dates are written YYYY-MM-DD"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "front matter must be 'field: value' lines"))
        return None

    before = len(problems)
    line_of = _field_lines(front_text)

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
        report("legal_review", "field 'legal_review' must be 'pending' or the date a lawyer reviewed the page (YYYY-MM-DD)")
    sources = _read_sources(meta.get("sources"), lambda message: report("sources", message))
    translation_of = meta.get("translation_of")
    if translation_of is not None and not isinstance(translation_of, str):
        report("translation_of", "field 'translation_of' must be text (the source's hash)")
    if len(problems) > before:
        return None

    html, stripped = render_markdown(body)
    return Page(
        lang=lang,
        slug=slug,
        title=meta["title"].strip(),
        summary=(meta.get("summary") or "").strip(),
        updated=updated,
        order=order,
        html=html,
        path=where,
        body_hash=body_hash(body),
        sources=sources,
        legal_review=legal_review,
        translation_of=translation_of,
        stripped=tuple(stripped),
        body_line=body_line,
    )


def _field_lines(front_text: str) -> dict[str, int]:
    """Line numbers (in the file) of top-level front-matter fields."""
    lines = {}
    for number, line in enumerate(front_text.splitlines(), start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _impossible_date_line(text: str, first: int) -> int:
    """The line of the first YYYY-MM-DD value that is not a real date."""
    for number, line in enumerate(text.splitlines(), start=first):
        for match in re.finditer(r"\b(\d{4})-(\d\d?)-(\d\d?)\b", line):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return number
    return first


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
        elif isinstance(item, dict) and isinstance(item.get("title"), str):
            url = item.get("url")
            if url is not None and not (isinstance(url, str) and url.startswith("https://")):
                report(f"source {item['title']!r}: url must start with https://")
                continue
            sources.append(Source(item["title"], url))
        else:
            report("each source needs a 'title'")
    return tuple(sources)


def load_yaml_list(path: Path, where: str, problems: list[Problem], not_a_list: str,
                   empty_ok: bool = False) -> list[tuple[object, int]] | None:
    """The entries of a YAML file that holds a list, each with its line; None after a problem.

    ``not_a_list`` is the message when the file holds something else; with ``empty_ok``
    a file of only comments is an empty list.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(where, 1, f"not UTF-8 text ({error.reason})"))
        return None
    try:
        nodes = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or "cannot be read"
        problems.append(Problem(where, mark.line + 1 if mark else 1, f"not valid YAML: {reason}"))
        return None
    except ValueError as error:  # an impossible date such as 2026-02-30
        problems.append(Problem(where, _impossible_date_line(text, 1),
                                f"impossible date ({error}); dates are written YYYY-MM-DD"))
        return None
    if data is None and empty_ok:
        return []
    if not isinstance(data, list):
        problems.append(Problem(where, 1, not_a_list))
        return None
    return [(entry, nodes.value[index].start_mark.line + 1) for index, entry in enumerate(data)]


def text_in_each_language(value) -> bool:
    """True for a mapping like {kk: "…", ru: "…", en: "…"} with text for every language."""
    return isinstance(value, dict) and all(isinstance(value.get(l), str) and value.get(l).strip() for l in LANGUAGES)


def _load_contacts(path: Path, root: Path, problems: list[Problem]) -> list[Contact]:
    where = _display(path, root)
    if not path.exists():
        problems.append(Problem(where, 1, "contacts file missing"))
        return []
    entries = load_yaml_list(path, where, problems, "contacts must be a list of entries ('- id: …')")
    if entries is None:
        return []
    contacts, ids = [], set()
    for entry, line in entries:
        contact = _read_contact(entry, where, line, problems)
        if contact is None:
            continue
        if contact.id in ids:
            problems.append(Problem(where, line, f"contact id {contact.id!r} is used twice"))
            continue
        ids.add(contact.id)
        contacts.append(contact)
    return contacts


def _read_contact(entry, where: str, line: int, problems: list[Problem]) -> Contact | None:
    if not isinstance(entry, dict):
        problems.append(Problem(where, line, "each contact must be a set of 'field: value' lines"))
        return None
    before = len(problems)

    def report(message: str) -> None:
        problems.append(Problem(where, line, f"contact {entry.get('id', '?')!r}: {message}"))

    for name in sorted(set(entry) - CONTACT_FIELDS):
        report(f"unknown field {name!r}")
    if not isinstance(entry.get("id"), str) or not SLUG_RE.match(entry.get("id", "")):
        report("'id' must be lowercase letters, digits and dashes")
    if entry.get("category") not in CONTACT_CATEGORIES:
        report(f"'category' must be one of {', '.join(CONTACT_CATEGORIES)}")
    for name in ("name", "description"):
        value = entry.get(name)
        if not text_in_each_language(value):
            report(f"'{name}' needs text for each of {', '.join(LANGUAGES)}")
    if not isinstance(entry.get("verified"), bool):
        report("'verified' must be true or false")
    verified_on = entry.get("verified_on")
    if entry.get("verified") is True and not isinstance(verified_on, dt.date):
        report("a verified contact needs 'verified_on' as YYYY-MM-DD")
    if not entry.get("source"):
        report("'source' must say where the details come from")
    phone = entry.get("phone")
    if phone is not None and not re.fullmatch(r"\+?[0-9][0-9 ()-]*", str(phone)):
        report(f"'phone' {phone!r} must be digits as dialled")
    url = entry.get("url")
    if url is not None and not str(url).startswith("https://"):
        report("'url' must start with https://")
    email = entry.get("email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(email)):
        report(f"'email' {email!r} is not an e-mail address")
    if len(problems) > before:
        return None
    return Contact(
        id=entry["id"],
        category=entry["category"],
        name=entry["name"],
        description=entry["description"],
        verified=entry["verified"],
        verified_on=verified_on if isinstance(verified_on, dt.date) else None,
        source=str(entry["source"]),
        phone=str(phone) if phone is not None else None,
        email=email,
        url=url,
        line=line,
    )
