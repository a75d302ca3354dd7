"""flask --app app content check: one line a problem, all of them in one run, exit 1 unless sound."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from conftest import FIXTURE_SITE, check, edit, flask
from tirek.content import ContentError, body_hash
from tirek.sourcefile import split_front_matter

UNVERIFIED = (
    "contact 'unverified-org' is not verified, so readers do not see it: confirm its details "
    "from a trustworthy source, then set 'verified: true' and 'verified_on'"
)


@pytest.fixture
def site(tmp_path) -> Path:
    """A sound copy of the fixture site: without its deliberately unverified contact."""
    root = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, root)
    contacts = root / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").split("- id: unverified-org")[0], encoding="utf-8")
    return root


def append(path: Path, text: str) -> int:
    """Add lines at the end of a page; return the line number of the first one."""
    current = path.read_text(encoding="utf-8")
    if not current.endswith("\n"):
        current += "\n"
    path.write_text(current + text, encoding="utf-8")
    return len(current.splitlines()) + 1


# Sound content -----------------------------------------------------------------


def test_the_fixture_site_is_sound_but_for_its_unverified_contact():
    assert check(FIXTURE_SITE) == [f"site/contacts.yaml:10: notice: {UNVERIFIED}"]


def test_a_sound_site_has_no_problems(site):
    assert check(site) == []


def test_the_command_exits_0_on_sound_content(site):
    # A large review age, so that this test does not depend on the day it runs.
    result = flask("content", "check", resources=site, TIREK_REVIEW_MAX_AGE_DAYS="36500")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert "sound" in result.stderr


def test_links_to_app_pages_other_languages_and_headings_are_fine(site):
    append(
        site / "ru" / "police.md",
        "[a](../contacts/) [b](../search/) [c](../remove/) [d](../../kk/police/) [e](../) "
        "[f](#сохраняйте-спокойствие) [g](../police/#сохраняйте-спокойствие) [h](../../) "
        "[i](https://example.org/) [j](mailto:a@example.org) [k](tel:112)\n",
    )
    append(site / "kk" / "index.md", "[a](police/) [b](contacts/) [c](../ru/) [d](./)\n")
    assert check(site) == []


# Problems that stop the app -----------------------------------------------------


def test_the_command_works_when_the_app_cannot_start(site):
    (site / "en" / "safety.md").write_text("title: Safety\n\nNo front matter.\n", encoding="utf-8")
    with pytest.raises(ContentError):
        create_app({"TESTING": True, "RESOURCES_DIR": str(site)})
    result = flask("content", "check", resources=site, TIREK_REVIEW_MAX_AGE_DAYS="36500")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "resources/en/safety.md:1: front matter missing: the file must start with a '---' line, then the fields, then another '---' line",
    ]
    assert "1 problem (1 of them stop the app from starting)" in result.stderr


def test_front_matter_that_is_not_yaml(site):
    edit(site / "kk" / "safety.md", "summary: Жеке", "summary: [Жеке")
    [line] = check(site)
    assert line.startswith("resources/kk/safety.md:")
    assert "front matter is not valid YAML" in line


def test_missing_field(site):
    edit(site / "ru" / "safety.md", "summary: Личный план безопасности.\n", "")
    assert check(site) == ["resources/ru/safety.md:2: required field 'summary' is missing or empty"]


def test_unknown_field(site):
    edit(site / "ru" / "safety.md", "order: 10\n", "order: 10\nauthor: Volunteer\n")
    assert check(site) == [
        "resources/ru/safety.md:6: unknown field 'author' (known: keywords, legal_review, order, sources, summary, "
        "title, translation_of, updated)"
    ]


def test_date_in_the_wrong_format(site):
    edit(site / "kk" / "safety.md", "updated: 2026-11-01", "updated: 01.11.2026")
    assert check(site) == ["resources/kk/safety.md:4: field 'updated' must be a date as YYYY-MM-DD, got '01.11.2026'"]


def test_impossible_date(site):
    edit(site / "kk" / "safety.md", "updated: 2026-11-01", "updated: 2026-13-01")
    assert check(site) == [
        "resources/kk/safety.md:4: impossible date (month must be in 1..12); dates are written YYYY-MM-DD"
    ]


def test_impossible_date_in_contacts(site):
    edit(site / "contacts.yaml", "verified_on: 2026-11-01", "verified_on: 2026-02-30")
    assert check(site) == [
        "resources/contacts.yaml:8: impossible date (day is out of range for month); dates are written YYYY-MM-DD"
    ]


# Problems a reader can live with for a while ----------------------------------------


def test_date_in_the_future(site):
    edit(site / "ru" / "safety.md", "updated: 2026-11-01", "updated: 2062-11-01")
    assert check(site) == ["resources/ru/safety.md:4: 'updated' 2062-11-01 is in the future"]


def test_review_older_than_the_maximum_age(site):
    edit(site / "ru" / "safety.md", "updated: 2026-11-01", "updated: 2025-11-22")
    assert check(site) == [
        "resources/ru/safety.md:4: notice: last reviewed 2025-11-22, more than 365 days ago: check the page, "
        "then set 'updated' to the date of your review"
    ]
    edit(site / "ru" / "safety.md", "updated: 2025-11-22", "updated: 2025-11-23")
    assert check(site) == []


def test_link_to_a_page_that_does_not_exist(site):
    line = append(site / "ru" / "police.md", "См. [план](../safety-plan/).\n")
    assert check(site) == [
        f"resources/ru/police.md:{line}: link '../safety-plan/' goes to /ru/safety-plan/, which is not a page"
    ]


def test_home_page_links_start_from_the_language_folder(site):
    line = append(site / "kk" / "index.md", "[Полиция](../police/)\n")
    assert check(site) == [
        f"resources/kk/index.md:{line}: link '../police/' goes to /police/, which is not a page: "
        "write 'police/' (links in index.md start from /kk/, the home page)"
    ]


def test_link_without_its_final_slash(site):
    line = append(site / "kk" / "police.md", "[Қауіпсіздік](../safety)\n")
    assert check(site) == [f"resources/kk/police.md:{line}: link '../safety' needs a slash at the end: '../safety/'"]


def test_link_from_the_site_root(site):
    line = append(site / "kk" / "police.md", "[Қауіпсіздік](/kk/safety/)\n")
    assert check(site) == [
        f"resources/kk/police.md:{line}: link '/kk/safety/' starts with '/': links must be "
        "relative (like '../police/') so that copies of the site work under any address"
    ]


def test_link_to_a_heading_that_does_not_exist(site):
    line = append(site / "kk" / "police.md", "[Жоғары](#жоқ-тақырып)\n")
    assert check(site) == [
        f"resources/kk/police.md:{line}: link '#жоқ-тақырып': /kk/police/ has no heading with the id 'жоқ-тақырып'"
    ]


def test_markdown_the_sanitizer_strips(site):
    first = append(
        site / "ru" / "police.md",
        "# Заголовок\n\nТекст.\n\n![фото](https://example.org/a.png)\n\n[ссылка](javascript:alert(1))\n",
    )
    assert check(site) == [
        f"resources/ru/police.md:{first}: the sanitizer removes this: <h1> is not allowed (images and embeds "
        "are removed); start headings at '##': the page title is the only top-level heading",
        f"resources/ru/police.md:{first + 4}: the sanitizer removes this: <img> is not allowed (images and "
        "embeds are removed)",
        f"resources/ru/police.md:{first + 6}: the sanitizer removes this: link 'javascript:alert(1)' is removed: "
        "only https, mailto, tel and relative links",
    ]


def test_unverified_contact(site):
    shutil.copy(FIXTURE_SITE / "contacts.yaml", site / "contacts.yaml")
    assert check(site) == [f"resources/contacts.yaml:10: notice: {UNVERIFIED}"]


def test_page_missing_in_a_language(site):
    (site / "ru" / "safety.md").unlink()
    assert check(site) == ["resources/ru/safety.md:1: notice: page missing in ru: translate resources/en/safety.md"]


def test_page_missing_in_english(site):
    (site / "en" / "safety.md").unlink()
    assert check(site) == ["resources/en/safety.md:1: notice: page missing in en: translate resources/kk/safety.md"]


def test_outdated_translation(site):
    source = site / "en" / "safety.md"
    edit(source, "Make a plan.", "Make a safety plan.")
    new = body_hash(split_front_matter(source.read_text(encoding="utf-8")).body)
    assert check(site) == [
        f"resources/{lang}/safety.md:6: notice: translation outdated: resources/en/safety.md changed since it was "
        f"translated (translation_of 'b5e5c09e2cf9', now '{new}'); update this page, then run: "
        f"flask --app app content mark-current safety --lang {lang}"
        for lang in ("kk", "ru")
    ]


def test_translation_without_translation_of(site):
    edit(site / "kk" / "police.md", 'translation_of: "7504e7fc93af"\n', "")
    assert check(site) == [
        "resources/kk/police.md:1: notice: translation_of missing; run mark-current after checking the translation "
        "against resources/en/police.md: flask --app app content mark-current police --lang kk"
    ]


def test_translation_of_in_the_english_source(site):
    edit(site / "en" / "safety.md", "order: 10\n", 'order: 10\ntranslation_of: "b5e5c09e2cf9"\n')
    assert check(site) == [
        "resources/en/safety.md:6: translation_of belongs in translations, not in the English source: remove this line"
    ]


def test_every_problem_in_one_run_sorted_by_file_and_line(site):
    edit(site / "ru" / "safety.md", "summary: Личный план безопасности.\n", "")
    edit(site / "kk" / "safety.md", "updated: 2026-11-01", "updated: 2020-01-01")
    line = append(site / "kk" / "police.md", "[x](../nowhere/)\n")
    (site / "ru" / "index.md").unlink()
    problems = check(site)
    assert [p.split(": ")[0] for p in problems] == [
        f"resources/kk/police.md:{line}",
        "resources/kk/safety.md:4",
        "resources/ru/index.md:1",
        "resources/ru/safety.md:2",
    ]


def test_undated_sources_are_one_notice_a_page(site):
    page = site / "en" / "police.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("    date: 2025-02-20\n", "", 1), encoding="utf-8")
    found = [line for line in check(site) if "sources have no 'date'" in line]
    assert len(found) == 1 and found[0].startswith("resources/en/police.md:") and ": notice: 1 of " in found[0]
