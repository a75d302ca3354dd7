"""flask --app app translations check|update: the gettext workflow and its checks."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import FIXTURE_SITE, flask
from tirek import catalogs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = """<p>{{ _("Hello") }}</p>
<p>{{ _("Last reviewed: %(date)s", date=d) }}</p>
<p>{{ _('Read <a href="%(url)s">the guide</a>.', url=u) }}</p>
<p>{{ ngettext("%(num)d page", "%(num)d pages", n) }}</p>
"""
TRANSLATED = {
    "kk": {
        "Hello": "Сәлем",
        "Hello from Python": "Python-нан сәлем",
        "Last reviewed: %(date)s": "Соңғы тексеру: %(date)s",
        'Read <a href="%(url)s">the guide</a>.': '<a href="%(url)s">Нұсқаулықты</a> оқыңыз.',
        "%(num)d page": ("%(num)d бет", "%(num)d бет"),
    },
    "ru": {
        "Hello": "Здравствуйте",
        "Hello from Python": "Привет из Python",
        "Last reviewed: %(date)s": "Последняя проверка: %(date)s",
        'Read <a href="%(url)s">the guide</a>.': 'Прочитайте <a href="%(url)s">руководство</a>.',
        "%(num)d page": ("%(num)d страница", "%(num)d страницы", "%(num)d страниц"),
    },
}
KK = "translations/kk/LC_MESSAGES/messages.po"
RU = "translations/ru/LC_MESSAGES/messages.po"
EN = "translations/en/LC_MESSAGES/messages.po"
UPDATE = "run 'flask --app app translations update'"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A small project with complete catalogs, made by 'translations update' from nothing."""
    root = tmp_path_factory.mktemp("made")
    shutil.copy(ROOT / "babel.cfg", root)
    (root / "templates").mkdir()
    (root / "templates" / "t.html").write_text(TEMPLATE, encoding="utf-8")
    (root / "app.py").write_text('from flask_babel import gettext\n\nMESSAGE = gettext("Hello from Python")\n')
    (root / "translations").mkdir()
    catalogs.update(root)
    assert sorted(p.message.split(": ")[-1] for p in catalogs.check(root)) == ["not translated"] * 10
    for lang, strings in TRANSLATED.items():
        path = root / catalogs.catalog_path(lang)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in list(catalog)[1:]:
            message.string = strings[message.id if isinstance(message.id, str) else message.id[0]]
        with path.open("wb") as handle:
            write_po(handle, catalog, **catalogs.WRITE_OPTIONS)
    return root


@pytest.fixture
def project(made, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(made, root)
    return root


def check(root: Path) -> list[str]:
    return [str(problem) for problem in catalogs.check(root)]


def edit(root: Path, path: str, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, path: str, text: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


# The workflow -----------------------------------------------------------------


def test_complete_catalogs_pass(project):
    assert check(project) == []


def test_update_fills_english_and_changes_nothing_when_up_to_date(project):
    english = (project / EN).read_text(encoding="utf-8")
    assert 'msgid "Hello"\nmsgstr "Hello"\n' in english
    assert 'msgstr[0] "%(num)d page"\nmsgstr[1] "%(num)d pages"\n' in english
    before = {path: (project / path).read_bytes() for path in (KK, RU, EN, catalogs.TEMPLATE)}
    assert catalogs.update(project) == []
    assert {path: (project / path).read_bytes() for path in before} == before


def test_update_adds_new_strings_everywhere(project):
    (project / "templates" / "t.html").write_text(TEMPLATE + '<p>{{ _("Goodbye") }}</p>\n', encoding="utf-8")
    assert catalogs.update(project) == [catalogs.TEMPLATE, KK, RU, EN]
    kk, ru = (line_of(project, path, 'msgid "Goodbye"') for path in (KK, RU))
    assert check(project) == [f'{KK}:{kk}: "Goodbye": not translated', f'{RU}:{ru}: "Goodbye": not translated']


def test_the_guide_shows_the_exact_commands():
    guide = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    commands = [shlex.split(line)[1:] for line in guide.splitlines() if line.startswith("pybabel ")]
    assert catalogs.EXTRACT in commands
    assert catalogs.UPDATE in commands


# The real catalogs ----------------------------------------------------------------


def test_the_real_catalogs_pass():
    assert check(ROOT) == []


def test_the_check_command_passes_on_the_repository():
    result = flask("translations", "check", resources=FIXTURE_SITE)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


# Broken catalogs --------------------------------------------------------------------


def test_template_lacks_a_string_in_the_code(project):
    (project / "templates" / "t.html").write_text(TEMPLATE + '<p>{{ _("Goodbye") }}</p>\n', encoding="utf-8")
    assert check(project) == [f'templates/t.html:5: "Goodbye" is not in translations/messages.pot: {UPDATE}']


def test_template_has_a_string_the_code_no_longer_uses(project):
    (project / "templates" / "t.html").write_text(TEMPLATE.replace('<p>{{ _("Hello") }}</p>\n', ""))
    line = line_of(project, catalogs.TEMPLATE, 'msgid "Hello"')
    assert check(project) == [f'translations/messages.pot:{line}: "Hello" is no longer in the code: {UPDATE}']


def test_catalog_lacks_a_template_string(project):
    edit(project, KK, 'msgid "Hello"\nmsgstr "Сәлем"\n\n', "")
    assert check(project) == [f'{KK}:1: "Hello" is missing from this catalog: {UPDATE}']


def test_fuzzy_entry(project):
    edit(project, KK, 'msgid "Hello"\n', '#, fuzzy\nmsgid "Hello"\n')
    line = line_of(project, KK, 'msgid "Hello"')
    assert check(project) == [
        f"{KK}:{line}: \"Hello\": marked fuzzy: check the translation, then delete the '#, fuzzy' line"
    ]


def test_fuzzy_header(project):
    edit(project, RU, 'msgid ""\nmsgstr ""\n"Project', '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project')
    assert check(project) == [f"{RU}:1: the header is marked fuzzy: delete its '#, fuzzy' line"]


def test_empty_entry(project):
    edit(project, RU, 'msgstr "Здравствуйте"', 'msgstr ""')
    line = line_of(project, RU, 'msgid "Hello"')
    assert check(project) == [f'{RU}:{line}: "Hello": not translated']


def test_empty_plural_form(project):
    edit(project, RU, 'msgstr[1] "%(num)d страницы"', 'msgstr[1] ""')
    line = line_of(project, RU, 'msgid "%(num)d page"')
    assert check(project) == [f'{RU}:{line}: "%(num)d page": plural form msgstr[1] is empty']


def test_missing_plural_form(project):
    edit(project, RU, 'msgstr[2] "%(num)d страниц"\n', "")
    line = line_of(project, RU, 'msgid "%(num)d page"')
    assert check(project) == [f'{RU}:{line}: "%(num)d page": plural form msgstr[2] is empty']


def test_placeholder_that_differs(project):
    edit(project, KK, "Соңғы тексеру: %(date)s", "Соңғы тексеру: %(data)s")
    line = line_of(project, KK, 'msgid "Last reviewed: %(date)s"')
    assert check(project) == [
        f'{KK}:{line}: "Last reviewed: %(date)s": placeholders differ from the source: '
        "the source has %(date)s, the translation has %(data)s"
    ]


def test_stray_percent_sign(project):
    edit(project, RU, 'msgstr "Здравствуйте"', 'msgstr "Здравствуйте на 100 %"')
    line = line_of(project, RU, 'msgid "Hello"')
    assert check(project) == [
        f'{RU}:{line}: "Hello": placeholders differ from the source: the source has none, the translation has %'
    ]


def test_placeholder_in_a_plural_form(project):
    edit(project, RU, 'msgstr[0] "%(num)d страница"', 'msgstr[0] "одна страница"')
    line = line_of(project, RU, 'msgid "%(num)d page"')
    assert check(project) == [
        f'{RU}:{line}: "%(num)d page": msgstr[0]: placeholders differ from the source: '
        "the source has %(num)d, the translation has none"
    ]


def test_html_tag_that_differs(project):
    edit(project, KK, '<a href=\\"%(url)s\\">Нұсқаулықты', '<a href=\\"%(url)s\\" onclick=\\"steal()\\">Нұсқаулықты')
    line = line_of(project, KK, 'msgid "Read <a href=\\"%(url)s\\">the guide</a>."')
    assert check(project) == [
        f'{KK}:{line}: "Read <a href=\\"%(url)s\\">the guide</a>.": HTML tags differ from the source: the source '
        'has </a>, <a href="%(url)s">, the translation has </a>, <a href="%(url)s" onclick="steal()">'
    ]


def test_english_catalog_must_repeat_the_source(project):
    edit(project, EN, 'msgid "Hello"\nmsgstr "Hello"', 'msgid "Hello"\nmsgstr "Hi"')
    line = line_of(project, EN, 'msgid "Hello"')
    assert check(project) == [
        f'{EN}:{line}: "Hello": the English catalog must repeat the source text exactly (msgstr = msgid)'
    ]


def test_duplicate_entry(project):
    first = line_of(project, KK, 'msgid "Hello"')
    text = (project / KK).read_text(encoding="utf-8")
    (project / KK).write_text(text + '\nmsgid "Hello"\nmsgstr "Сәлеметсіз бе"\n', encoding="utf-8")
    second = len(text.splitlines()) + 2
    assert check(project) == [f'{KK}:{second}: "Hello" appears twice (also on line {first}): keep one']


def test_catalog_that_cannot_be_read(project):
    edit(project, RU, 'msgid "Hello"\n', 'Hello\nmsgid "Hello"\n')
    line = line_of(project, RU, "Hello")
    assert check(project) == [f"{RU}:{line}: cannot be read: Unknown or misformatted keyword"]


def test_missing_catalog(project):
    (project / RU).unlink()
    assert check(project) == [f"{RU}:1: file missing: {UPDATE}"]
