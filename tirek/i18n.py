"""Interface translations: gettext catalogs compiled at start-up, locale from the URL.

Translators edit only ``translations/<lang>/LC_MESSAGES/messages.po``; the app
compiles them into its build folder when it starts, so a fresh clone never runs
on stale ``.mo`` files.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from flask import request

from .languages import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
log = logging.getLogger(__name__)


class CatalogError(SystemExit):
    """A translation catalog cannot be read; the message names the file and line."""


def compile_catalogs(source_dir: Path, build_dir: Path) -> Path:
    """Compile every language's .po into build_dir; return the folder for Flask-Babel."""
    target_root = build_dir / "translations"
    for lang in LANGUAGES:
        po_path = source_dir / lang / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            raise CatalogError(f"{po_path}:1: catalog missing for language {lang!r}")
        try:
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=lang, abort_invalid=True)
        except PoFileError as error:
            # Babel counts lines from 0 and repeats the number in its message.
            reason = re.sub(r" on \d+$", "", str(error))
            raise CatalogError(f"{po_path}:{error.lineno + 1}: cannot be read: {reason}") from None
        except Exception as error:  # babel raises plain errors for some broken files
            raise CatalogError(f"{po_path}:1: cannot be read: {error}") from None
        _drop_broken_placeholders(catalog, po_path)
        mo_path = target_root / lang / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as handle:
            # Untranslated strings fall back to English source text; fuzzy ones are not used.
            write_mo(handle, catalog, use_fuzzy=False)
    return target_root


def placeholders(text) -> set[str]:
    strings = [text] if isinstance(text, str) else list(text)
    return {name for string in strings for name in PLACEHOLDER.findall(string or "")}


def _drop_broken_placeholders(catalog, po_path: Path) -> None:
    """A translation whose placeholders differ from its source would crash the page that uses it.

    Such a translation is left out (the English text shows instead) and named in the log;
    'flask --app app translations check' fails on it, so it never lands unnoticed.
    """
    for message in catalog:
        if message.id and message.string and placeholders(message.string) - placeholders(message.id):
            log.warning("%s:%s: translation of %r has placeholders that differ; using the source text",
                        po_path, message.lineno, message.id)
            message.string = "" if isinstance(message.id, str) else ("",) * len(message.string)


def url_language() -> str:
    """The language named in the URL, checked against the allow-list before Babel parses it."""
    lang = (request.view_args or {}).get("lang") if request else None
    if lang in LANGUAGES:
        return lang
    first = request.path.strip("/").split("/", 1)[0] if request else ""
    return first if first in LANGUAGES else best_language()


def best_language() -> str:
    """The visitor's preferred language from Accept-Language, Russian when nothing matches."""
    if not request:
        return DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
