"""The mirrors list, resources/mirrors.yaml: other addresses where a copy of the site lives.

Shown on /<lang>/mirrors/, so a reader whose network blocks this address can
find another. Problems are reported like the contacts', as ``path:line: message``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .languages import LANGUAGES
from .sourcefile import Problem, display_path, load_yaml_list, text_in_each_language

MIRROR_FIELDS = {"url", "kind", "added", "note"}
# The kinds of copy and the URL schemes each may use.
MIRROR_KINDS = {
    "web": ("https",),
    "onion": ("http", "https"),
    "ipfs": ("https", "ipfs", "ipns"),
    "zip": ("https",),
}


@dataclass(frozen=True)
class Mirror:
    url: str
    kind: str
    added: dt.date
    note: dict[str, str]
    line: int = 1


def load_mirrors(path: Path, root: Path, problems: list[Problem]) -> list[Mirror]:
    """The mirrors in ``path``; a missing file means none are listed."""
    if not path.exists():
        return []
    where = display_path(path, root)
    entries = load_yaml_list(
        path, root, problems, "mirrors must be a list of entries ('- url: …'), or []", empty_ok=True
    )
    mirrors, urls = [], set()
    for entry, line in entries or []:
        mirror = _read_mirror(entry, where, line, problems)
        if mirror is None:
            continue
        if mirror.url in urls:
            problems.append(Problem(where, line, f"mirror {mirror.url!r} is listed twice"))
            continue
        urls.add(mirror.url)
        mirrors.append(mirror)
    return mirrors


def _read_mirror(entry, where: str, line: int, problems: list[Problem]) -> Mirror | None:
    if not isinstance(entry, dict):
        problems.append(Problem(where, line, "each mirror must be a set of 'field: value' lines"))
        return None
    before = len(problems)

    def report(message: str) -> None:
        problems.append(Problem(where, line, f"mirror {entry.get('url', '?')!r}: {message}"))

    for name in sorted(set(entry) - MIRROR_FIELDS):
        report(f"unknown field {name!r} (known: {', '.join(sorted(MIRROR_FIELDS))})")
    kind, url = entry.get("kind"), entry.get("url")
    if kind not in MIRROR_KINDS:
        report(f"'kind' must be one of {', '.join(MIRROR_KINDS)}")
    if not isinstance(url, str) or not url.strip():
        report("'url' is missing")
    elif kind in MIRROR_KINDS:
        problem = _url_problem(url, kind)
        if problem:
            report(problem)
    if not isinstance(entry.get("added"), dt.date):
        report("'added' must be the date the mirror was listed, as YYYY-MM-DD")
    if not text_in_each_language(entry.get("note")):
        report(f"'note' needs text for each of {', '.join(LANGUAGES)} (who runs it, how often it is updated)")
    if len(problems) > before:
        return None
    return Mirror(url=url.strip(), kind=kind, added=entry["added"], note=entry["note"], line=line)


def _url_problem(url: str, kind: str) -> str | None:
    parts = urlsplit(url.strip())
    schemes = MIRROR_KINDS[kind]
    if parts.scheme not in schemes or not parts.netloc:
        return f"a {kind} mirror's 'url' must start with {' or '.join(s + '://' for s in schemes)}"
    host = (parts.hostname or "").lower()
    if kind == "onion" and not host.endswith(".onion"):
        return "an onion mirror's address must end in .onion"
    if kind != "onion" and host.endswith(".onion"):
        return "a .onion address needs kind: onion"
    return None
