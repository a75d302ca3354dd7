"""Translation status of the content (current, outdated, missing) and mark-current."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_SITE, check, edit, flask
from tirek import tracking
from tirek.cli import content
from tirek.content import body_hash, load_site, split_front_matter


@pytest.fixture
def site(tmp_path) -> Path:
    """The fixture site cut down to the three pages these tables are written for."""
    root = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, root)
    for page in root.glob("*/*.md"):
        if page.stem not in {"index", "police", "safety"}:
            page.unlink()
    return root


def run(root: Path, *args: str):
    return CliRunner().invoke(content, list(args), env={"TIREK_RESOURCES_DIR": str(root)})


def english_hash(root: Path, slug: str) -> str:
    return body_hash(split_front_matter((root / "en" / f"{slug}.md").read_text(encoding="utf-8")).body)


def states(root: Path) -> dict[tuple[str, str], str]:
    return {(s.slug, s.lang): s.state for s in tracking.translation_status(root)}


def test_the_fixture_translations_are_current():
    assert set(states(FIXTURE_SITE).values()) == {"source", "current"}


def test_status_lists_current_outdated_and_missing(site):
    edit(site / "en" / "police.md", "You have the right", "You always have the right")
    (site / "kk" / "safety.md").unlink()
    edit(site / "ru" / "index.md", 'translation_of: "25c9045c32cc"\n', "")
    result = run(site, "status")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:8] == [
        "page    en        kk        ru",
        "index   source    current   outdated",
        "police  source    outdated  outdated",
        "safety  source    missing   current",
        "",
        "kk: 1 current, 1 outdated, 1 missing",
        "ru: 1 current, 2 outdated, 0 missing",
        "",
    ]
    new = english_hash(site, "police")
    assert result.output.splitlines()[8:] == [
        "To do:",
        "  resources/ru/index.md: outdated: translation_of missing: check it against en/index.md, then run: "
        "flask --app app content mark-current index --lang ru",
        f"  resources/kk/police.md: outdated: resources/en/police.md changed since it was translated "
        f"(translation_of '7504e7fc93af', now '{new}'); update it, then run: "
        "flask --app app content mark-current police --lang kk",
        f"  resources/ru/police.md: outdated: resources/en/police.md changed since it was translated "
        f"(translation_of '7504e7fc93af', now '{new}'); update it, then run: "
        "flask --app app content mark-current police --lang ru",
        "  resources/kk/safety.md: missing: translate en/safety.md, then run: "
        "flask --app app content mark-current safety --lang kk",
    ]


def test_status_for_one_language(site):
    (site / "kk" / "safety.md").unlink()
    result = run(site, "status", "--lang", "ru")
    assert result.output.splitlines()[:6] == [
        "page    en        ru",
        "index   source    current",
        "police  source    current",
        "safety  source    current",
        "",
        "ru: 3 current, 0 outdated, 0 missing",
    ]


def test_a_translation_without_english_source_is_not_current(site):
    (site / "en" / "safety.md").unlink()
    assert states(site)["safety", "en"] == "missing"
    assert states(site)["safety", "kk"] == "outdated"


def test_mark_current_changes_only_the_translation_of_line(site):
    edit(site / "en" / "police.md", "You have the right", "You always have the right")
    kk, ru = site / "kk" / "police.md", site / "ru" / "police.md"
    kk_before, ru_before = kk.read_bytes(), ru.read_bytes()
    result = run(site, "mark-current", "police", "--lang", "kk")
    new = english_hash(site, "police")
    assert result.exit_code == 0, result.output
    assert result.output == f"resources/kk/police.md: translation_of: {new} (was 7504e7fc93af)\n"
    assert kk.read_bytes() == kk_before.replace(b'"7504e7fc93af"', f'"{new}"'.encode())
    assert ru.read_bytes() == ru_before
    assert states(site)["police", "kk"] == "current"
    assert states(site)["police", "ru"] == "outdated"
    assert load_site(site).pages["kk"]["police"].translation_of == new


def test_mark_current_adds_the_line_when_missing(site):
    page = site / "ru" / "index.md"
    edit(page, 'translation_of: "25c9045c32cc"\n', "")
    before = page.read_text(encoding="utf-8")
    assert run(site, "mark-current", "index", "--lang", "ru").exit_code == 0
    lines = before.splitlines(keepends=True)
    lines.insert(3, 'translation_of: "25c9045c32cc"\n')
    assert page.read_text(encoding="utf-8") == "".join(lines)
    assert [line for line in check(site) if line.startswith("resources/ru/")] == []


def test_mark_current_keeps_windows_line_endings(site):
    page = site / "kk" / "police.md"
    text = page.read_text(encoding="utf-8").replace('translation_of: "7504e7fc93af"\n', "")
    page.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert run(site, "mark-current", "police", "--lang", "kk").exit_code == 0
    data = page.read_bytes()
    assert b'\r\ntranslation_of: "7504e7fc93af"\r\n---\r\n' in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_mark_current_stamps_every_translation_by_default(site):
    edit(site / "en" / "safety.md", "Make a plan.", "Make a plan now.")
    result = run(site, "mark-current", "safety")
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "resources/kk/safety.md",
        "resources/ru/safety.md",
    ]
    assert states(site)["safety", "kk"] == states(site)["safety", "ru"] == "current"


def test_mark_current_refuses_unknown_pages_and_missing_translations(site):
    result = run(site, "mark-current", "nowhere")
    assert result.exit_code == 1
    assert "resources/en/nowhere.md: no English page 'nowhere'" in result.output
    (site / "kk" / "safety.md").unlink()
    result = run(site, "mark-current", "safety", "--lang", "kk")
    assert result.exit_code == 1
    assert "resources/kk/safety.md: no such translation yet" in result.output
    assert not (site / "kk" / "safety.md").exists()


def test_the_commands_run_through_flask(site):
    edit(site / "en" / "safety.md", "Make a plan.", "Make a plan now.")
    result = flask("content", "mark-current", "safety", "--lang", "ru", resources=site)
    assert result.returncode == 0, result.stderr
    result = flask("content", "status", resources=site)
    assert result.returncode == 0, result.stderr
    assert "safety  source    outdated  current" in result.stdout.splitlines()
