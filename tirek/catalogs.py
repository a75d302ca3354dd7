"""Interface strings: the standard gettext workflow, and the checks CI runs on the catalogs.

The commands are plain pybabel (documented in docs/translating.md); these
functions run exactly those commands from the repository root, so
``flask --app app translations update`` and the manual steps give the same files.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import tempfile
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import BaseError, CommandLineInterface, OptionError
from babel.messages.pofile import PoFileError, read_po, unescape, write_po

from .i18n import markup, placeholders
from .languages import LANGUAGES, SOURCE_LANGUAGE
from .sourcefile import Problem

TEMPLATE = "translations/messages.pot"
EXTRACT = [
    "extract",
    "-F",
    "babel.cfg",
    "-o",
    TEMPLATE,
    "--no-location",
    "--sort-output",
    "--project=Tirek",
    "--copyright-holder=Tirek contributors",
    ".",
]
UPDATE = ["update", "-i", TEMPLATE, "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete", "--width=100"]
# What pybabel update writes with the flags above; filling the English catalog keeps that form.
WRITE_OPTIONS = {"ignore_obsolete": True, "include_previous": False, "width": 100}
UPDATE_HINT = "run 'flask --app app translations update'"


def catalog_path(lang: str) -> str:
    return f"translations/{lang}/LC_MESSAGES/messages.po"


def pybabel(args: list[str], root: Path) -> None:
    """Run one pybabel command in ``root``, as a translator would type it there (but quiet)."""
    with contextlib.chdir(root):
        try:
            CommandLineInterface().run(["pybabel", "-q", *args])
        except (SystemExit, OptionError, BaseError) as error:
            raise RuntimeError(f"pybabel {shlex.join(args)} failed: {error}") from None


# The workflow ------------------------------------------------------------------


def update(root: Path) -> list[str]:
    """Extract the template, update every catalog, fill the English one; return the changed files.

    A file whose messages did not change keeps its bytes: pybabel rewrites every file with the
    time and its own version in the header, so without this, a fresh clone or another Babel
    version would change all four files when nothing new was extracted.
    """
    before = {path: _read_bytes(root / path) for path in [TEMPLATE, *map(catalog_path, LANGUAGES)]}
    pybabel(EXTRACT, root)
    _keep_if_unchanged(root / TEMPLATE, before[TEMPLATE])
    for lang in LANGUAGES:
        if not (root / catalog_path(lang)).exists():
            pybabel(["init", "-i", TEMPLATE, "-d", "translations", "-l", lang, "--width=100"], root)
    pybabel(UPDATE, root)
    fill_english(root / catalog_path(SOURCE_LANGUAGE))
    for lang in LANGUAGES:
        _keep_if_unchanged(root / catalog_path(lang), before[catalog_path(lang)])
    return [path for path, content in before.items() if _read_bytes(root / path) != content]


def _read_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


# Header fields that pybabel rewrites on every run, whatever changed.
CHURN = frozenset({"POT-Creation-Date", "PO-Revision-Date", "Generated-By"})


def _keep_if_unchanged(path: Path, old: bytes | None) -> None:
    """Put the old bytes back when the file says the same thing (the same messages and header)."""
    if old is not None and old != path.read_bytes() and _meaning(old) == _meaning(path.read_bytes()):
        path.write_bytes(old)


def _meaning(data: bytes):
    """What a catalog says, without its formatting or the header fields every run rewrites."""
    try:
        catalog = read_po(io.BytesIO(data))
    except Exception:  # a broken file is never 'the same'
        return data
    header = sorted((key, value) for key, value in catalog.mime_headers if key not in CHURN)
    messages = sorted(
        (
            str(m.id),
            str(m.context),
            str(m.string),
            sorted(m.flags),
            m.auto_comments,
            m.user_comments,
            str(m.previous_id),
        )
        for m in list(catalog)[1:]
    )
    obsolete = sorted((str(m.id), str(m.string)) for m in catalog.obsolete.values())
    return header, catalog.fuzzy, messages, obsolete


def fill_english(path: Path) -> None:
    """English is the source: each msgstr repeats its msgid (the plural forms its two source forms)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=SOURCE_LANGUAGE)
    changed = False
    for message in list(catalog)[1:]:
        if not _filled(message.string):
            message.string = english_string(message, catalog.num_plurals)
            changed = True
    if changed:
        with path.open("wb") as handle:
            write_po(handle, catalog, **WRITE_OPTIONS)


def english_string(message: Message, num_plurals: int):
    if isinstance(message.id, str):
        return message.id
    return tuple(message.id[min(index, 1)] for index in range(num_plurals))


def _filled(string) -> bool:
    return any(string) if isinstance(string, (tuple, list)) else bool(string)


# The checks ------------------------------------------------------------------


def check(root: Path) -> list[Problem]:
    """Everything wrong with the template and the catalogs, as path:line problems."""
    problems: list[Problem] = []
    template = _read_catalog(root, TEMPLATE, None, problems)
    if template is not None:
        problems += stale_template(root, template)
    for lang in LANGUAGES:
        catalog = _read_catalog(root, catalog_path(lang), lang, problems)
        if catalog is None:
            continue
        problems += duplicate_entries(root, catalog_path(lang))
        if template is not None:
            problems += out_of_step(catalog_path(lang), catalog, template)
        problems += catalog_problems(catalog_path(lang), catalog, lang)
    return sorted(problems, key=lambda p: (p.path, p.line))


def _read_catalog(root: Path, path: str, lang: str | None, problems: list[Problem]) -> Catalog | None:
    if not (root / path).exists():
        problems.append(Problem(path, 1, f"file missing: {UPDATE_HINT}"))
        return None
    try:
        with (root / path).open("rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as error:
        reason = re.sub(r" on \d+$", "", str(error))  # babel appends a 0-based line number
        problems.append(Problem(path, error.lineno + 1, f"cannot be read: {reason}"))
    except Exception as error:  # babel raises plain errors for some broken files
        problems.append(Problem(path, 1, f"cannot be read: {error}"))
    return None


def _keys(catalog: Catalog) -> dict[tuple, Message]:
    return {(message.id, message.context): message for message in catalog if message.id}


def stale_template(root: Path, template: Catalog) -> list[Problem]:
    """Strings in the code that the template lacks, and template strings the code no longer has."""
    with tempfile.TemporaryDirectory(prefix="tirek-pot-") as folder:
        fresh_path = Path(folder) / "messages.pot"
        args = [fresh_path.as_posix() if arg == TEMPLATE else arg for arg in EXTRACT if arg != "--no-location"]
        pybabel(args, root)
        with fresh_path.open("rb") as handle:
            fresh = read_po(handle)
    have, want = _keys(template), _keys(fresh)
    problems = []
    for key in sorted(set(want) - set(have), key=str):
        file, line = (want[key].locations or [(TEMPLATE, 1)])[0]
        problems.append(
            Problem(Path(file).as_posix(), line or 1, f"{_quote(key[0])} is not in {TEMPLATE}: {UPDATE_HINT}")
        )
    for key in sorted(set(have) - set(want), key=str):
        problems.append(
            Problem(TEMPLATE, have[key].lineno or 1, f"{_quote(key[0])} is no longer in the code: {UPDATE_HINT}")
        )
    return problems


def out_of_step(path: str, catalog: Catalog, template: Catalog) -> list[Problem]:
    have, want = _keys(catalog), _keys(template)
    problems = [
        Problem(path, 1, f"{_quote(key[0])} is missing from this catalog: {UPDATE_HINT}")
        for key in sorted(set(want) - set(have), key=str)
    ]
    problems += [
        Problem(path, have[key].lineno or 1, f"{_quote(key[0])} is not in {TEMPLATE}: {UPDATE_HINT}")
        for key in sorted(set(have) - set(want), key=str)
    ]
    return problems


def catalog_problems(path: str, catalog: Catalog, lang: str) -> list[Problem]:
    problems = []
    if catalog.fuzzy:
        problems.append(Problem(path, 1, "the header is marked fuzzy: delete its '#, fuzzy' line"))
    for message in list(catalog)[1:]:
        for text in message_problems(message, lang, catalog.num_plurals):
            problems.append(Problem(path, message.lineno or 1, f"{_quote(message.id)}: {text}"))
    problems += stale_quotes(path, catalog)
    return problems


QUOTED_RE = re.compile(r"“([^”]+)”")


def stale_quotes(path: str, catalog: Catalog) -> list[Problem]:
    """Strings that name another string of the interface ("tap “Exit this page”") must use its
    translation as it is now: renaming the button in one entry leaves the others naming the old one."""
    translations = {
        message.id: message.string
        for message in list(catalog)[1:]
        if isinstance(message.id, str) and isinstance(message.string, str) and message.string
    }
    problems = []
    for message in list(catalog)[1:]:
        if not (isinstance(message.id, str) and isinstance(message.string, str) and message.string):
            continue
        for name in QUOTED_RE.findall(message.id):
            translated = translations.get(name)
            if translated and _folded(translated) not in _folded(message.string):
                problems.append(
                    Problem(
                        path,
                        message.lineno or 1,
                        (
                            f"{_quote(message.id)}: names the interface string {_quote(name)}, translated as "
                            f"{_quote(translated)}, but the translation here does not contain those words: "
                            "use the same words as the button or link it names"
                        ),
                    )
                )
    return problems


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def message_problems(message: Message, lang: str, num_plurals: int) -> list[str]:
    problems = []
    if message.fuzzy:
        problems.append("marked fuzzy: check the translation, then delete the '#, fuzzy' line")
    plural = not isinstance(message.id, str)
    strings = list(message.string) if plural else [message.string]
    if not any(strings):
        problems.append(
            "not translated"
            if lang != SOURCE_LANGUAGE
            else f"empty: the English catalog repeats the source; {UPDATE_HINT}"
        )
        return problems
    problems += [f"plural form msgstr[{index}] is empty" for index, text in enumerate(strings) if plural and not text]
    if lang == SOURCE_LANGUAGE:
        expected = english_string(message, num_plurals)
        if strings != (list(expected) if plural else [expected]):
            problems.append("the English catalog must repeat the source text exactly (msgstr = msgid)")
        return problems
    sources = [message.id] if not plural else list(message.id)
    for index, text in enumerate(strings):
        if not text:
            continue
        source = sources[min(index, len(sources) - 1)]
        where = f"msgstr[{index}]: " if plural else ""
        # Translations are shown as text: HTML in one would show as code, or crash the page.
        for kind, tokens in (("placeholders", placeholders), ("HTML tags", markup)):
            expected, found = tokens(source), tokens(text)
            if expected != found:
                problems.append(
                    f"{where}{kind} differ from the source: the source has {_list(expected)}, "
                    f"the translation has {_list(found)}"
                )
    return problems


def _list(tokens: Counter) -> str:
    return ", ".join(sorted(tokens.elements())) or "none"


def _quote(msgid) -> str:
    text = msgid if isinstance(msgid, str) else msgid[0]
    text = text if len(text) <= 50 else text[:49] + "…"
    return json.dumps(text, ensure_ascii=False)


def duplicate_entries(root: Path, path: str) -> list[Problem]:
    """The same msgid twice (babel keeps only one; a union merge can leave both)."""
    seen: dict[tuple, int] = {}
    problems = []
    for key, line in _entry_keys((root / path).read_text(encoding="utf-8").splitlines()):
        if key in seen:
            problems.append(Problem(path, line, f"{_quote(key[0])} appears twice (also on line {seen[key]}): keep one"))
        else:
            seen[key] = line
    return problems


def _entry_keys(lines: list[str]):
    """(msgid, msgctxt) and the msgid's line for each entry, read straight from the .po text."""
    context, index = None, 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("msgctxt "):
            context = unescape(line[len("msgctxt ") :].strip())
        elif line.startswith("msgid "):
            start, text = index + 1, unescape(line[len("msgid ") :].strip())
            while index + 1 < len(lines) and lines[index + 1].startswith('"'):
                index += 1
                text += unescape(lines[index].strip())
            if text:
                yield (text, context), start
            context = None
        index += 1
