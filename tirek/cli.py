"""The volunteers' and translators' commands: ``flask --app app content …`` and ``… translations …``.

Flask loads these groups as plugins (the ``flask.commands`` entry points in
pyproject.toml) before, and without, creating the app: ``content check`` must
report every problem even when the content is too broken for create_app() to
start. So the commands build their configuration with load_config() and never
touch the app.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click

from . import catalogs, tracking
from .checks import check_content
from .config import ROOT, load_config


def _resources() -> Path:
    return Path(load_config()["RESOURCES_DIR"])


@click.group(help="Check the content and track its translations.")
def content() -> None:
    pass


@content.command("check")
@click.option("--strict", is_flag=True, help="Fail on notices too (unverified contacts, outdated translations…).")
def content_check(strict: bool) -> None:
    """Report content problems; exit 1 if any.

    One line a problem, 'path:line: message', every problem in one run. Notices
    ('path:line: notice: …') need a volunteer's attention but break nothing: they
    fail the check only with --strict. Works even when the content is too broken
    for the app to start.
    """
    config = load_config()
    problems, blocking = check_content(config["RESOURCES_DIR"], dt.date.today(), int(config["REVIEW_MAX_AGE_DAYS"]))
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if not p.notice]
    notices = len(problems) - len(errors)
    summary = []
    if errors:
        stop = f" ({blocking} of them stop the app from starting)" if blocking else ""
        summary.append(f"{len(errors)} problem{'s' if len(errors) != 1 else ''}{stop}")
    if notices:
        summary.append(f"{notices} notice{'s' if notices != 1 else ''}")
    if errors or (strict and notices):
        click.echo(", ".join(summary) + ".", err=True)
        raise SystemExit(1)
    extra = f" ({summary[0]}: see above)" if summary else ""
    click.echo(f"{config['RESOURCES_DIR']}: the content is sound{extra}.", err=True)


@content.command("status")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(tracking.TRANSLATION_LANGUAGES),
    help="Only this language (repeat for more).",
)
def content_status(langs: tuple[str, ...]) -> None:
    """List pages as current, outdated or missing."""
    root = _resources()
    langs = langs or tracking.TRANSLATION_LANGUAGES
    statuses = [s for s in tracking.translation_status(root) if s.lang in (tracking.SOURCE_LANGUAGE, *langs)]
    columns = [tracking.SOURCE_LANGUAGE, *langs]
    slugs = list(dict.fromkeys(s.slug for s in statuses))
    width = max([len("page"), *map(len, slugs)]) + 2
    table = {(s.slug, s.lang): s for s in statuses}
    click.echo("page".ljust(width) + "".join(lang.ljust(10) for lang in columns).rstrip())
    for slug in slugs:
        click.echo(slug.ljust(width) + "".join(table[slug, lang].state.ljust(10) for lang in columns).rstrip())
    click.echo()
    for lang in langs:
        counts = Counter(s.state for s in statuses if s.lang == lang)
        click.echo(
            f"{lang}: "
            + ", ".join(f"{counts[state]} {state}" for state in (tracking.CURRENT, tracking.OUTDATED, tracking.MISSING))
        )
    todo = [s for s in statuses if s.state in (tracking.OUTDATED, tracking.MISSING)]
    if todo:
        click.echo("\nTo do:")
    for status in todo:
        if status.state == tracking.MISSING and status.lang == tracking.SOURCE_LANGUAGE:
            detail = "no English source: write it, or remove the translations"
        elif status.state == tracking.MISSING:
            detail = f"translate {tracking.SOURCE_LANGUAGE}/{status.slug}.md, then run: " + tracking.mark_command(
                status.slug, status.lang
            )
        elif status.reason.startswith(tracking.FIELD):
            detail = (
                f"{status.reason}: check it against {tracking.SOURCE_LANGUAGE}/{status.slug}.md, then run: "
                + tracking.mark_command(status.slug, status.lang)
            )
        else:
            detail = f"{status.reason}; update it, then run: {tracking.mark_command(status.slug, status.lang)}"
        click.echo(f"  {status.path}: {status.state}: {detail}")


@content.command("mark-current")
@click.argument("slugs", nargs=-1, required=True)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(tracking.TRANSLATION_LANGUAGES),
    help="Only this language (repeat for more); default: every translation of the page.",
)
def content_mark_current(slugs: tuple[str, ...], langs: tuple[str, ...]) -> None:
    """Mark translations as matching their English page.

    Records that the translations of SLUGS match the English page as it is now. Run it after translating or updating a page, or when an English edit (a typo)
    needs no new translation. Only the translation_of line of each file changes.
    """
    root = _resources()
    failed = False
    for slug in slugs:
        try:
            stamped = tracking.mark_current(root, slug, list(langs) or None)
        except tracking.MarkError as error:
            click.echo(f"error: {error}", err=True)
            failed = True
            continue
        for path, old, new in stamped:
            was = "already current" if old == new else f"was {old}" if old else "was missing"
            click.echo(f"{path}: translation_of: {new} ({was})")
        if not stamped:
            click.echo(f"{slug}: no translations yet", err=True)
    if failed:
        raise SystemExit(1)


@click.group(help="Update and check the interface strings (gettext catalogs).")
def translations() -> None:
    pass


@translations.command("update")
def translations_update() -> None:
    """Extract the strings and update the catalogs.

    Runs pybabel extract and pybabel update with the flags in docs/translating.md,
    then fills the English catalog (msgstr = msgid).
    """
    changed = catalogs.update(ROOT)
    for path in changed:
        click.echo(f"updated {path}")
    if not changed:
        click.echo("the template and the catalogs were already up to date")


@translations.command("check")
def translations_check() -> None:
    """Check the template and catalogs; exit 1 if bad.

    Reports a template out of date with the code, and fuzzy, empty or broken
    translations, one line a problem: 'path:line: message'.
    """
    problems = catalogs.check(ROOT)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}.", err=True)
        raise SystemExit(1)
    click.echo("The template and the catalogs are complete and match the code.", err=True)
