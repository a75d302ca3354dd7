"""Reading the files volunteers write: safely, and with every problem as ``path:line: message``.

Content files are read once, at start-up and by ``content check``. A file that is not a regular
file inside the content folder, is too large, is not UTF-8, or holds YAML that could blow up
(aliases) is refused with a message that names it, never followed, waited on or parsed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .languages import LANGUAGES

# The longest page is about 15 KB. The slowest Markdown we know (a table of thousands of cells)
# takes about 50 µs a byte, so this bounds any one file to a few seconds of start-up.
MAX_FILE_BYTES = 128 * 1024
# Invisible characters no editor shows: NUL stops YAML, and some count as line breaks in Python
# but not in editors, so the line numbers in messages would be wrong.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    # A notice is worth a volunteer's attention but breaks nothing for readers (an unverified
    # contact, an outdated translation): content check prints it and still exits 0.
    notice: bool = False

    def __str__(self) -> str:
        kind = "notice: " if self.notice else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


def display_path(path: Path, root: Path) -> str:
    """The path as a volunteer knows it: from the folder that holds the content folder."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_text(path: Path, root: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None after a problem: only regular UTF-8 files inside ``root``."""
    where = display_path(path, root)
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as error:  # RuntimeError: a link that points to itself
        problems.append(Problem(where, 1, f"cannot be read ({getattr(error, 'strerror', None) or error})"))
        return None
    if not inside:
        problems.append(Problem(where, 1, "is a link to a file outside the content folder; copy the file in instead"))
        return None
    if not path.is_file():  # a named pipe or a device would block the read for ever
        problems.append(Problem(where, 1, "is not a regular file"))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(
                where,
                1,
                f"is {size // 1024} KB; a content file may be at most "
                f"{MAX_FILE_BYTES // 1024} KB: split it into several pages",
            )
        )
        return None
    try:
        # utf-8-sig: some editors start the file with an invisible byte-order mark.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(where, 1, f"not UTF-8 text ({error.reason})"))
        return None
    except OSError as error:
        problems.append(Problem(where, 1, f"cannot be read ({error.strerror})"))
        return None
    control = CONTROL_CHARACTER.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        problems.append(
            Problem(
                where,
                line,
                f"contains an invisible control character (U+{ord(control[0]):04X}): "
                "delete it (retyping the line removes it)",
            )
        )
        return None
    return text


@dataclass(frozen=True)
class FrontMatter:
    text: str
    body: str
    body_line: int  # the line in the file where the body starts


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def split_front_matter(text: str) -> FrontMatter:
    """The YAML between the opening and closing '---' lines, and the Markdown after them."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            1, "front matter missing: the file must start with a '---' line, then the fields, then another '---' line"
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return FrontMatter("".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2)
    raise FrontMatterError(len(lines), "front matter is not closed: add a '---' line after the last field")


def field_lines(front_text: str, first_line: int = 2) -> dict[str, int]:
    """Line numbers (in the file) of top-level fields."""
    lines = {}
    for number, line in enumerate(front_text.splitlines(), start=first_line):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


class _Refused(yaml.MarkedYAMLError):
    """YAML that parses but that content files may not use; the problem is already in plain words."""


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases (a few lines of nested aliases expand to gigabytes), without
    duplicate keys (YAML keeps the last one silently) and with dates that are only dates."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                problem="'*' starts an alias, which content files may not use; "
                "write the value out, or put text that starts with '*' in double quotes",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node)
                if key in seen:
                    raise _Refused(problem=f"{key!r} appears twice: keep one", problem_mark=key_node.start_mark)
                seen.add(key)
        return mapping

    def construct_yaml_timestamp(self, node):
        # A time of day ('2026-01-01 10:00') would be a datetime, which no field expects: keep the text,
        # so the field's own check names it.
        value = self.construct_scalar(node)
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            return super().construct_yaml_timestamp(node)
        return value


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)


class YamlProblem(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line  # counted from 1 within the YAML text


def parse_yaml(text: str):
    """(data, node) of one YAML document; the node gives line numbers. Raises YamlProblem."""
    loader = None
    try:
        loader = _NoAliasLoader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(*_explain(error)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"not valid YAML: {error}") from None
    except RecursionError:
        line = loader.get_mark().line + 1 if loader else 1
        raise YamlProblem(line, "brackets or indentation nested too deeply to be read") from None
    except ValueError as error:
        # YAML reads 2026-13-01 as a date, then fails to build it; or a number is thousands of digits long.
        line = _impossible_date_line(text)
        if line is None:
            raise YamlProblem(
                _line_of(text, r"\d{1000}"), "a number too long to read: put it in double quotes"
            ) from None
        raise YamlProblem(line, f"impossible date ({error}); dates are written YYYY-MM-DD") from None
    finally:
        if loader:
            loader.dispose()
    return data, node


def _explain(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line and plain words for the YAML mistakes volunteers make most."""
    problem = error.problem or "cannot be read"
    mark, context = error.problem_mark, error.context_mark
    line = mark.line + 1 if mark else 1
    if "mapping values are not allowed" in problem:
        return (
            line,
            "a ':' inside a value: put the whole value in double quotes, such as title: \"Police: your rights\"",
        )
    if "quoted scalar" in (error.context or "") and context is not None:
        return context.line + 1, "a quote opened on this line is never closed: end the value with the same quote"
    if isinstance(error, _Refused):
        return line, problem
    return line, f"not valid YAML: {problem}"


def _impossible_date_line(text: str) -> int | None:
    """The line of the first YYYY-MM-DD value that is not a real date."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r"\b(\d{4})-(\d\d?)-(\d\d?)\b", line):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return number
    return None


def _line_of(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_yaml_list(
    path: Path, root: Path, problems: list[Problem], not_a_list: str, empty_ok: bool = False
) -> list[tuple[object, int]] | None:
    """The entries of a YAML file that holds a list, each with its line; None after a problem.

    ``not_a_list`` is the message when the file holds something else; with ``empty_ok``
    a file of only comments is an empty list.
    """
    where = display_path(path, root)
    text = read_text(path, root, problems)
    if text is None:
        return None
    try:
        data, node = parse_yaml(text)
    except YamlProblem as problem:
        problems.append(Problem(where, problem.line, str(problem)))
        return None
    if data is None and empty_ok:
        return []
    if not isinstance(data, list):
        problems.append(Problem(where, 1, not_a_list))
        return None
    return [(entry, node.value[index].start_mark.line + 1) for index, entry in enumerate(data)]


def text_in_each_language(value) -> bool:
    """True for a mapping like {kk: "…", ru: "…", en: "…"} with text for every language."""
    return isinstance(value, dict) and all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES
    )
