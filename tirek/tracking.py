"""Translation tracking for the content: which translations are current, outdated or missing.

English is the source language. As in MDN's translated-content, each kk/ru page
records which version of its English source it translates, in its front matter:

    translation_of: "3f1c2a9be0d4"

the English page's ``body_hash``. When the English body changes, its hash
changes and the translation shows as outdated until a translator updates it
and stamps it again with ``flask --app app content mark-current <slug>``.
Only the body counts: a changed English title or summary does not mark the
translations outdated.

Everything here reads the files directly, so it works while other pages are
broken and the app cannot start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .content import HOME_SLUG, body_hash, is_page_name
from .languages import LANGUAGES, SOURCE_LANGUAGE, TRANSLATION_LANGUAGES
from .sourcefile import FrontMatter, FrontMatterError, Problem, split_front_matter
from .sourcefile import display_path as _display

CURRENT, OUTDATED, MISSING, SOURCE = "current", "outdated", "missing", "source"
SOURCE_FIRST = (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)
FIELD = "translation_of"
FIELD_RE = re.compile(rf"^{FIELD}\s*:(.*)$")


@dataclass(frozen=True)
class Status:
    slug: str
    lang: str
    state: str
    path: str
    reason: str = ""
    line: int = 1


class MarkError(Exception):
    """mark-current cannot stamp a file; the message says which and why."""


def content_files(root: Path) -> dict[str, dict[str, Path]]:
    """Every Markdown file by language and slug (the home page as 'index'), broken or not."""
    # Files load_site refuses for their name are reported there, not tracked here.
    return {
        lang: {path.stem: path for path in sorted((root / lang).glob("*.md")) if is_page_name(path.stem)}
        for lang in LANGUAGES
    }


def source_hash(path: Path) -> str | None:
    """The body_hash of a page file, or None when it has no readable front matter."""
    front = _split(path)
    return body_hash(front.body) if front else None


def recorded_hash(path: Path) -> tuple[str | None, int]:
    """The translation_of value in a file's front matter and its line (None, 1 when absent)."""
    front = _split(path)
    if not front:
        return None, 1
    for number, line in enumerate(front.text.splitlines(), start=2):
        match = FIELD_RE.match(line)
        if match:
            try:
                value = yaml.safe_load(match.group(1))
            except yaml.YAMLError:
                value = match.group(1).strip()
            return (str(value) if value is not None else None), number
    return None, 1


def _split(path: Path) -> FrontMatter | None:
    if not path.is_file():
        return None
    try:
        return split_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return None


def translation_status(root: Path) -> list[Status]:
    """Each page in each language, in slug order (the home page first)."""
    files = content_files(root)
    slugs = sorted({slug for by_slug in files.values() for slug in by_slug}, key=lambda slug: (slug != HOME_SLUG, slug))
    statuses = []
    for slug in slugs:
        source = files[SOURCE_LANGUAGE].get(slug)
        current = source_hash(source) if source else None
        for lang in SOURCE_FIRST:
            path = files[lang].get(slug, root / lang / f"{slug}.md")
            where = _display(path, root)
            if slug not in files[lang]:
                statuses.append(Status(slug, lang, MISSING, where))
            elif lang == SOURCE_LANGUAGE:
                statuses.append(Status(slug, lang, SOURCE, where))
            else:
                statuses.append(_translation_state(slug, lang, path, where, source, current, root))
    return statuses


def _translation_state(slug, lang, path, where, source, current, root) -> Status:
    if source is None:
        return Status(slug, lang, OUTDATED, where, f"no English source ({SOURCE_LANGUAGE}/{slug}.md) to compare with")
    if current is None:
        return Status(slug, lang, OUTDATED, where, f"the front matter of {_display(source, root)} cannot be read")
    if _split(path) is None:
        return Status(slug, lang, OUTDATED, where, "the front matter cannot be read")
    recorded, line = recorded_hash(path)
    if recorded is None:
        return Status(slug, lang, OUTDATED, where, f"{FIELD} missing", line)
    if recorded != current:
        return Status(
            slug,
            lang,
            OUTDATED,
            where,
            f"{_display(source, root)} changed since it was translated ({FIELD} {recorded!r}, now {current!r})",
            line,
        )
    return Status(slug, lang, CURRENT, where, line=line)


def mark_command(slug: str, lang: str) -> str:
    return f"flask --app app content mark-current {slug} --lang {lang}"


def translation_problems(root: Path) -> list[Problem]:
    """content check's lines for outdated translations (missing ones are reported as missing pages)."""
    problems = []
    for status in translation_status(root):
        if status.state != OUTDATED or "cannot be read" in status.reason or "no English source" in status.reason:
            continue  # load_site and the missing-page check already report these
        source = _display(root / SOURCE_LANGUAGE / f"{status.slug}.md", root)
        if status.reason == f"{FIELD} missing":
            message = (
                f"{FIELD} missing; run mark-current after checking the translation against "
                f"{source}: {mark_command(status.slug, status.lang)}"
            )
        else:
            message = (
                f"translation outdated: {status.reason}; update this page, then run: "
                f"{mark_command(status.slug, status.lang)}"
            )
        problems.append(Problem(status.path, status.line, message, notice=True))
    for path in content_files(root)[SOURCE_LANGUAGE].values():
        recorded, line = recorded_hash(path)
        if recorded is not None:
            problems.append(
                Problem(
                    _display(path, root),
                    line,
                    f"{FIELD} belongs in translations, not in the English source: remove this line",
                )
            )
    return problems


def mark_current(root: Path, slug: str, langs: list[str] | None = None) -> list[tuple[str, str | None, str]]:
    """Stamp translations of ``slug`` with the English body's hash: [(file, old hash, new hash)].

    Only the translation_of line changes (or is added before the closing '---');
    every other byte of the file stays as it was.
    """
    files = content_files(root)
    source = files[SOURCE_LANGUAGE].get(slug)
    if source is None:
        raise MarkError(f"{_display(root / SOURCE_LANGUAGE / f'{slug}.md', root)}: no English page {slug!r}")
    new = source_hash(source)
    if new is None:
        raise MarkError(f"{_display(source, root)}:1: front matter missing or not closed with '---'")
    explicit = langs is not None
    langs = list(langs) if explicit else list(TRANSLATION_LANGUAGES)
    for lang in langs:
        if lang not in TRANSLATION_LANGUAGES:
            raise MarkError(f"--lang {lang!r}: translations are {', '.join(TRANSLATION_LANGUAGES)}")
        if explicit and slug not in files[lang]:
            raise MarkError(
                f"{_display(root / lang / f'{slug}.md', root)}: no such translation yet; translate the page first"
            )
    stamped = []
    for lang in langs:
        path = files[lang].get(slug)
        if path is None:
            continue
        old, _ = recorded_hash(path)
        _write_hash(path, new, _display(path, root))
        stamped.append((_display(path, root), old, new))
    return stamped


def _write_hash(path: Path, value: str, where: str) -> None:
    text = path.read_bytes().decode("utf-8")
    try:
        close = split_front_matter(text).body_line - 2  # the index of the closing '---' line
    except FrontMatterError as error:
        raise MarkError(f"{where}:{error.line}: {error}") from None
    lines = text.splitlines(keepends=True)
    # Quoted: a hash of digits only would otherwise be read as a number.
    field = f'{FIELD}: "{value}"'
    for index in range(1, close):
        if FIELD_RE.match(lines[index]):
            lines[index] = field + _ending(lines[index], _ending(lines[0]))
            break
    else:
        lines.insert(close, field + _ending(lines[close - 1], _ending(lines[0])))
    path.write_bytes("".join(lines).encode("utf-8"))


def _ending(line: str, fallback: str = "\n") -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return fallback
