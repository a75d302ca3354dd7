"""Interface translations: gettext catalogs compiled at start-up, locale from the URL.

Translators edit only ``translations/<lang>/LC_MESSAGES/messages.po``; the app
compiles them into its build folder when it starts, so a fresh clone never runs
on stale ``.mo`` files.

Translations are text, never HTML: templates escape them, placeholders included, and
a catalog whose translations add markup stops the app from starting, as broken content does.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

from babel.dates import format_skeleton
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from flask import request
from flask_babel import format_date, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import escape

from .languages import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# A tag (<a …>, </a>, an unclosed <script), a comment, or a character reference (&amp; &#47;).
MARKUP = re.compile(r"<[/!?]?[A-Za-z][^<>]*>?|<!--|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
log = logging.getLogger(__name__)


class CatalogError(SystemExit):
    """A translation catalog cannot be read; the message names the file and line."""


def compile_catalogs(source_dir: Path, build_dir: Path) -> Path:
    """Compile every language's .po into build_dir; return the folder for Flask-Babel."""
    target_root = build_dir / "translations"
    refused: list[str] = []
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
        refused += _markup_problems(catalog, po_path)
        _drop_broken_placeholders(catalog, po_path)
        mo_path = target_root / lang / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as handle:
            # Untranslated strings fall back to English source text; fuzzy ones are not used.
            write_mo(handle, catalog, use_fuzzy=False)
    if refused:
        raise CatalogError("\n".join(refused))
    return target_root


def placeholders(text: str) -> Counter:
    """The %-placeholders in ``text`` as Babel reads them, and any other '%': Jinja formats every
    translation with ``%``, so a lone '%' breaks it as surely as an unknown placeholder."""
    found = Counter(match.group(0) for match in PYTHON_FORMAT.finditer(text))
    stray = PYTHON_FORMAT.sub("", text).count("%")
    if stray:
        found["%"] += stray
    return found


def markup(text: str) -> Counter:
    return Counter(" ".join(match.group(0).split()) for match in MARKUP.finditer(text))


def pairs(message):
    """(source, translation) for each non-empty translated form of a message."""
    if isinstance(message.id, str):
        return [(message.id, message.string)] if message.string else []
    sources = list(message.id)
    return [(sources[min(index, len(sources) - 1)], text) for index, text in enumerate(message.string) if text]


def _markup_problems(catalog, po_path: Path) -> list[str]:
    """Translations with HTML their source does not have: escaped, they would show as code."""
    problems = []
    for message in list(catalog)[1:]:
        for source, text in pairs(message):
            if markup(text) != markup(source):
                problems.append(
                    f"{po_path}:{message.lineno}: the translation of {message.id!r} has HTML that "
                    f"differs from the source ({', '.join(sorted(markup(text).elements())) or 'none'}): "
                    "translations are plain text; run 'flask --app app translations check'"
                )
                break
    return problems


def _drop_broken_placeholders(catalog, po_path: Path) -> None:
    """A translation with a placeholder its source lacks (or a lone '%') would crash the page that uses it.

    Such a translation is left out (the English text shows instead) and named in the log;
    'flask --app app translations check' fails on it, so it never lands unnoticed.
    """
    for message in list(catalog)[1:]:
        if any(placeholders(text) - placeholders(source) for source, text in pairs(message)):
            log.warning(
                "%s:%s: translation of %r has placeholders that differ; using the source text",
                po_path,
                message.lineno,
                message.id,
            )
            message.string = "" if isinstance(message.id, str) else ("",) * len(message.string)


def escape_translations(jinja_env) -> None:
    """Replace the gettext functions Flask-Babel gives Jinja with ones that escape the translation.

    Jinja's i18n extension returns every translation as safe Markup when autoescape is on, so a
    translator could write markup into every page. These escape the translated string, then fill
    in its placeholders, whose values Markup escapes too.
    """

    def fill(context, text: str, variables: dict):
        if context.eval_ctx.autoescape:
            text = escape(text)
        return text % variables  # as Jinja's "newstyle" gettext: every string is a format string

    @pass_context
    def gettext(context, string, **variables):
        return fill(context, get_translations().ugettext(string), variables)

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return fill(context, get_translations().ungettext(singular, plural, num), variables)

    @pass_context
    def pgettext(context, message_context, string, **variables):
        return fill(context, get_translations().upgettext(message_context, string), variables)

    @pass_context
    def npgettext(context, message_context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return fill(context, get_translations().unpgettext(message_context, singular, plural, num), variables)

    jinja_env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)


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


def format_source_date(date) -> str:
    """A source's date (content.SourceDate) in the reader's language, only as precise as it is known."""
    if date.precision == "year":
        return str(date.start.year)
    if date.precision == "month":
        # The locale's own order for a month and a year: «2025 ж. қараша», «ноябрь 2025 г.».
        return format_skeleton("yMMMM", date.start, locale=get_locale())
    return format_date(date.start, "long")
