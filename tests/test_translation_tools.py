"""The translators' two promises: `translations update` changes nothing when nothing is new, whatever
Babel wrote the files; `translations check` notices a string that names another by its old words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from tirek import catalogs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = """<a>{{ _("Exit this page") }}</a>
<p>{{ _("To leave, tap “Exit this page” at the top.") }}</p>
<p>{{ _("Nothing found for “%(query)s”.", query=q) }}</p>
"""
TRANSLATED = {
    "kk": {
        "Exit this page": "Беттен шығу",
        "To leave, tap “Exit this page” at the top.": "Шығу үшін жоғарыдағы «Беттен шығу» түймесін басыңыз.",
        "Nothing found for “%(query)s”.": "«%(query)s» бойынша ештеңе табылмады.",
    },
    "ru": {
        "Exit this page": "Уйти со страницы",
        "To leave, tap “Exit this page” at the top.": "Чтобы уйти, нажмите «Уйти со страницы» вверху.",
        "Nothing found for “%(query)s”.": "По запросу «%(query)s» ничего не найдено.",
    },
}
FILES = [catalogs.TEMPLATE, *(catalogs.catalog_path(lang) for lang in ("kk", "ru", "en"))]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("made")
    shutil.copy(ROOT / "babel.cfg", root)
    (root / "templates").mkdir()
    (root / "templates" / "t.html").write_text(TEMPLATE, encoding="utf-8")
    (root / "translations").mkdir()
    catalogs.update(root)
    for lang, strings in TRANSLATED.items():
        path = root / catalogs.catalog_path(lang)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in list(catalog)[1:]:
            message.string = strings[message.id]
        with path.open("wb") as handle:
            write_po(handle, catalog, **catalogs.WRITE_OPTIONS)
    assert catalogs.check(root) == []
    return root


@pytest.fixture
def project(made, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(made, root)
    return root


def contents(root: Path) -> dict[str, bytes]:
    return {path: (root / path).read_bytes() for path in FILES}


def rewrite_header(root: Path, field: str, value: str) -> None:
    for path in FILES:
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text(re.sub(rf'"{field}: [^"]*\\n"', f'"{field}: {value}\\\\n"', text), encoding="utf-8")


# translations update -----------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("Generated-By", "Babel 2.9.1"),  # the files come from another Babel version
        ("POT-Creation-Date", "2020-01-01 00:00+0000"),  # an older run
    ],
)
def test_update_changes_no_file_when_nothing_new_was_extracted(project, field, value):
    rewrite_header(project, field, value)
    before = contents(project)
    assert all(f"{field}: {value}".encode() in data for data in before.values())
    assert catalogs.update(project) == []
    assert contents(project) == before


def test_update_keeps_a_translators_own_line_breaks(project):
    path = project / catalogs.catalog_path("ru")
    text = path.read_text(encoding="utf-8")
    long_line = 'msgstr "По запросу «%(query)s» ничего не найдено."'
    path.write_text(
        text.replace(long_line, 'msgstr ""\n"По запросу «%(query)s» "\n"ничего не найдено."'), encoding="utf-8"
    )
    before = contents(project)
    assert catalogs.update(project) == []
    assert contents(project) == before


def test_update_still_writes_a_real_change(project):
    rewrite_header(project, "Generated-By", "Babel 2.9.1")
    (project / "templates" / "t.html").write_text(TEMPLATE + '<p>{{ _("Goodbye") }}</p>\n', encoding="utf-8")
    assert catalogs.update(project) == FILES
    for path in FILES:
        assert 'msgid "Goodbye"' in (project / path).read_text(encoding="utf-8")


def test_the_repository_catalogs_do_not_change():
    """What a fresh clone sees: the committed files are what update would write."""
    before = contents(ROOT)
    try:
        assert catalogs.update(ROOT) == []
    finally:
        for path, data in before.items():
            (ROOT / path).write_bytes(data)


# translations check ------------------------------------------------------------


def test_a_renamed_button_is_flagged_where_other_strings_name_it(project):
    path = catalogs.catalog_path("kk")
    text = (project / path).read_text(encoding="utf-8")
    (project / path).write_text(text.replace('msgstr "Беттен шығу"', 'msgstr "Сайттан шығу"'), encoding="utf-8")
    line = next(
        number for number, line in enumerate(text.splitlines(), start=1) if line.startswith('msgid "To leave, tap')
    )
    assert [str(p) for p in catalogs.check(project)] == [
        f'{path}:{line}: "To leave, tap “Exit this page” at the top.": names the interface string '
        '"Exit this page", translated as "Сайттан шығу", but the translation here does not contain those '
        "words: use the same words as the button or link it names"
    ]


def test_a_quoted_placeholder_is_not_an_interface_string(project):
    assert catalogs.check(project) == []  # “%(query)s” names no other string
