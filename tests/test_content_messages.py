"""What `flask --app app content check` tells a volunteer: every message, its line, the exit codes.

Each test writes the mistake a volunteer makes into a copy of the fixture site and reads the
command's output as the volunteer would.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from app import create_app
from conftest import FIXTURE_SITE
from tirek.cli import content
from tirek.content import ContentError

GOOD_FRONT = "---\ntitle: A page\nsummary: One line.\nupdated: 2026-11-01\n---\n"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, root)
    return root


def check(root, *args: str) -> tuple[int, list[str], str]:
    """(exit code, the problem lines, the summary line) of content check on ``root``."""
    result = CliRunner().invoke(content, ["check", *args], env={"TIREK_RESOURCES_DIR": str(root)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout.splitlines(), result.stderr.strip()


def errors(lines: list[str]) -> list[str]:
    return [line for line in lines if ": notice: " not in line]


def write_page(root, text: str, name: str = "new-page") -> str:
    (root / "en" / f"{name}.md").write_text(text, encoding="utf-8")
    return f"resources/en/{name}.md"


# YAML in front matter: plain words and the right line


@pytest.mark.parametrize(
    "front, line, message",
    [
        (
            "title: Police: your rights\nsummary: One line.\nupdated: 2026-11-01\n",
            2,
            "a ':' inside a value: put the whole value in double quotes, such as title: \"Police: your rights\"",
        ),
        (
            'title: A page\nsummary: "One line.\nupdated: 2026-11-01\nsources: []\n',
            3,
            "a quote opened on this line is never closed: end the value with the same quote",
        ),
        (
            "title: &name A page\nsummary: *name\nupdated: 2026-11-01\n",
            3,
            "'*' starts an alias, which content files may not use; write the value out, "
            "or put text that starts with '*' in double quotes",
        ),
        (
            "title: A page\nsummary: One line.\nupdated: 2026-02-30\n",
            4,
            "impossible date (day is out of range for month); dates are written YYYY-MM-DD",
        ),
    ],
)
def test_front_matter_mistakes(site, front, line, message):
    path = write_page(site, f"---\n{front}---\nBody.\n")
    code, lines, summary = check(site)
    assert code == 1
    assert f"{path}:{line}: {message}" in lines
    assert "stop the app from starting" in summary


def test_missing_closing_line(site):
    path = write_page(site, "---\ntitle: A page\nsummary: One line.\nupdated: 2026-11-01\n\nBody.\n")
    code, lines, _ = check(site)
    assert code == 1
    assert f"{path}:6: front matter is not closed: add a '---' line after the last field" in lines


def test_no_front_matter_at_all(site):
    path = write_page(site, "Body without fields.\n")
    code, lines, _ = check(site)
    assert code == 1
    assert (
        f"{path}:1: front matter missing: the file must start with a '---' line, then the fields, "
        "then another '---' line"
    ) in lines


def test_alias_in_contacts_is_refused(site):
    contacts = site / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + "- &twin\n  id: x\n- *twin\n", encoding="utf-8")
    code, lines, _ = check(site)
    assert code == 1
    [problem] = [line for line in lines if line.startswith("resources/contacts.yaml") and "alias" in line]
    number = len(contacts.read_text(encoding="utf-8").splitlines())
    assert problem.startswith(f"resources/contacts.yaml:{number}: '*' starts an alias")


def test_every_mistake_in_one_run_and_the_app_refuses_to_start(site):
    write_page(site, "---\ntitle: Police: rights\nsummary: x\nupdated: 2026-11-01\n---\n", "one")
    write_page(site, "---\ntitle: A\nsummary: x\nupdated: 2026-13-01\n---\n", "two")
    code, lines, summary = check(site)
    assert code == 1 and len(errors(lines)) == 2
    assert summary.startswith("2 problems (2 of them stop the app from starting)")
    with pytest.raises(ContentError) as refused:
        create_app({"TESTING": True, "RESOURCES_DIR": str(site)})
    assert [str(p) for p in refused.value.problems] == errors(lines)


# Raw HTML: shown as text to readers, reported to the writer on its line


def test_raw_html_is_reported_on_its_line(site):
    path = write_page(
        site,
        GOOD_FRONT + "Text.\n\n<script>alert(1)</script>\n\n"
        'A <b>bold</b> word.\n\n<iframe src="https://x.example/"></iframe>\n\n'
        "`<i>` in code is fine.\n\n```\n<table>\n```\n",
    )
    code, lines, _ = check(site)
    assert code == 1
    hint = "is shown to readers as text, never run: write Markdown instead (or put it in `backticks` to show code)"
    assert errors(lines) == [
        f"{path}:8: raw HTML <script> {hint}",
        f"{path}:8: raw HTML </script> {hint}",
        f"{path}:10: raw HTML <b> {hint}",
        f"{path}:10: raw HTML </b> {hint}",
        f"{path}:12: raw HTML <iframe> {hint}",
        f"{path}:12: raw HTML </iframe> {hint}",
    ]
    page = create_app({"TESTING": True, "RESOURCES_DIR": str(site)}).test_client().get("/en/new-page/")
    html = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


# Exit codes


def test_sound_content_with_notices_exits_0(site):
    code, lines, summary = check(site)
    assert code == 0
    assert lines and all(": notice: " in line for line in lines)  # the unverified fixture contact
    assert summary.endswith("the content is sound (1 notice: see above).")


def test_strict_fails_on_notices(site):
    code, lines, summary = check(site, "--strict")
    assert code == 1 and lines
    assert summary == "1 notice."


def test_no_notices_no_output(site):
    contacts = site / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text[: text.index("- id: unverified-org")], encoding="utf-8")
    assert check(site) == (0, [], f"{site}: the content is sound.")
    assert check(site, "--strict")[0] == 0
