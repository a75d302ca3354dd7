"""Hostile input: content files a careless or hostile edit could make, and odd HTTP requests.

Every bad file must give a ``path:line: message`` from load_site (so create_app stops with it)
and from content check, never a traceback, a hang or minutes of work. Every request, with every
option on, must get an answer below 500.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FIXTURE_SITE
from tirek.checks import check_content
from tirek.content import ContentError, load_site
from tirek.markup import render_markdown

FM = "---\ntitle: T\nsummary: S\nupdated: 2026-01-01\n"
PAGE = "resources/en/zz-case.md"
# Seven lines of aliases that expand to 9⁷ (4.8 million) strings.
ALIAS_BOMB = "".join(
    [
        f"{name}: &{name} [{', '.join(['x'] * 9)}]\n"
        if name == "a"
        else f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        for prev, name in zip("abcdef", "abcdefg")
    ]
)

# name: (file contents, expected line, words the message must contain)
PAGES = {
    "empty file": (b"", 1, "front matter missing"),
    "only the opening line": (b"---\n", 1, "front matter is not closed"),
    "front matter never closed": (b"---\ntitle: x\n", 2, "front matter is not closed"),
    "binary": (bytes(range(256)) * 4, 1, "not UTF-8 text"),
    "UTF-16": ((FM + "---\nbody").encode("utf-16"), 1, "not UTF-8 text"),
    "a list instead of fields": (b"---\n- a\n- b\n---\nbody", 2, "front matter must be 'field: value' lines"),
    "title is a number": (b"---\ntitle: 5\nsummary: s\nupdated: 2026-01-01\n---\n", 2, "field 'title' must be text"),
    "title is a mapping": (b"---\ntitle: {a: b}\nsummary: s\nupdated: 2026-01-01\n---\n", 2, "must be text"),
    "title is binary": (b"---\ntitle: !!binary aGVsbG8=\nsummary: s\nupdated: 2026-01-01\n---\n", 2, "must be text"),
    "title is a set": (b"---\ntitle: !!set {a, b}\nsummary: s\nupdated: 2026-01-01\n---\n", 2, "must be text"),
    "updated is a word": (FM.replace("2026-01-01", "yesterday").encode() + b"---\n", 4, "must be a date"),
    "impossible date": (FM.replace("01-01", "02-30").encode() + b"---\n", 4, "impossible date"),
    "year zero": (FM.replace("2026", "0000").encode() + b"---\n", 4, "impossible date"),
    "date with a time": (
        FM.replace("2026-01-01", "2026-01-01 10:00:00").encode() + b"---\n",
        4,
        "must be a date as YYYY-MM-DD, got '2026-01-01 10:00:00'",
    ),
    "order of 5,000 digits": ((FM + "order: 1" + "0" * 5000 + "\n---\n").encode(), 5, "a number too long to read"),
    "order is not a number": ((FM + "order: .nan\n---\n").encode(), 5, "must be a whole number"),
    "sources is a mapping": ((FM + "sources: {a: b}\n---\n").encode(), 5, "must be a list"),
    "sources are numbers": ((FM + "sources: [1, 2]\n---\n").encode(), 5, "each source needs a 'title'"),
    "source title is a list": ((FM + "sources: [{title: [1]}]\n---\n").encode(), 5, "each source needs a 'title'"),
    "javascript source": (
        (FM + "sources: [{title: a, url: 'javascript:alert(1)'}]\n---\n").encode(),
        5,
        "url must start with https://",
    ),
    "impossible source date": ((FM + "sources: [{title: a, date: 2026-02-31}]\n---\n").encode(), 5, "impossible date"),
    "unhashable key": ((FM + "sources: [{title: a, [1]: b}]\n---\n").encode(), 5, "unhashable key"),
    "keywords are numbers": ((FM + "keywords: [1, 2]\n---\n").encode(), 5, "field 'keywords'"),
    "legal review on an impossible date": ((FM + "legal_review: 2026-02-30\n---\n").encode(), 5, "impossible date"),
    "translation_of is a number": ((FM + "translation_of: 123\n---\n").encode(), 5, "must be text"),
    "number as a field name": ((FM + "1: b\n---\n").encode(), 2, "unknown field 1"),  # front matter start
    "alias bomb": (("---\n" + ALIAS_BOMB + FM[4:] + "---\n").encode(), 3, "'*' starts an alias"),
    "merge key with an alias": ((FM + "x: &x {a: b}\n<<: *x\n---\n").encode(), 6, "'*' starts an alias"),
    "python object tag": (
        FM.replace("title: T", "title: !!python/object/apply:os.system ['true']").encode() + b"---\n",
        2,
        "could not determine a constructor",
    ),
    "unknown tag": (
        FM.replace("title: T", "title: !foo T").encode() + b"---\n",
        2,
        "could not determine a constructor",
    ),
    "field twice": ((FM + "title: again\n---\n").encode(), 5, "'title' appears twice: keep one"),
    "tab indentation": (b"---\ntitle: t\n\tsummary: s\n---\n", 3, "not valid YAML"),
    "list nested 100,000 deep": (
        FM.replace("title: T", "title: " + "[" * 100_000).encode() + b"---\n",
        2,
        "nested too deeply",
    ),
    "mapping nested 20,000 deep": (
        FM.replace("title: T", "title: " + "{a: " * 20_000).encode() + b"---\n",
        2,
        "nested too deeply",
    ),
    "NUL in the front matter": (
        FM.replace("title: T", "title: T\x00").encode() + b"---\n",
        2,
        "invisible control character (U+0000)",
    ),
    "escape character in the body": (
        (FM + "---\n\nline one\nline \x1b[31m two\n").encode(),
        8,
        "invisible control character (U+001B)",
    ),
    "10 MB paragraph": ((FM + "---\n" + "x" * 10_000_000).encode(), 1, "a content file may be at most 128 KB"),
    "200 KB of text": ((FM + "---\n" + "word " * 40_000).encode(), 1, "a content file may be at most 128 KB"),
    "16,000 '[' (quadratic in Python-Markdown)": ((FM + "---\n" + "[" * 16_000).encode(), 6, "'[' characters"),
}


@pytest.fixture(autouse=True)
def give_up_after_a_minute():
    """A hang (reading a named pipe, quadratic Markdown) fails the test instead of stopping the run."""

    def hung(signum, frame):
        raise TimeoutError("still working after 60 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def make_site(tmp_path: Path) -> Path:
    root = tmp_path / "resources"
    shutil.copytree(FIXTURE_SITE, root)
    return root


def problems_of(root: Path, name: str) -> list[str]:
    """The problems load_site reports for one file, and that content check reports too."""
    site = load_site(root)
    found = [str(p) for p in site.problems if p.path.endswith(name)]
    checked = [str(p) for p in check_content(root, dt.date.today(), 365)[0] if p.path.endswith(name)]
    assert set(found) <= set(checked), "content check must report what stops the app"
    return found


@pytest.mark.parametrize("case", PAGES)
def test_bad_page_gives_path_and_line(tmp_path, case):
    data, line, words = PAGES[case]
    root = make_site(tmp_path)
    (root / "en" / "zz-case.md").write_bytes(data)
    found = problems_of(root, "zz-case.md")
    assert any(problem.startswith(f"{PAGE}:{line}: ") and words in problem for problem in found), found


def test_a_byte_order_mark_is_not_a_problem(tmp_path):
    root = make_site(tmp_path)
    (root / "en" / "zz-case.md").write_bytes(("\ufeff" + FM + "---\nbody\n").encode())
    assert problems_of(root, "zz-case.md") == []


def _fifo(root):
    os.mkfifo(root / "en" / "zz-case.md")


def _folder(root):
    (root / "en" / "zz-case.md").mkdir()


def _outside_file(root):
    secret = root.parent / "secret.md"
    secret.write_text(FM + "---\nSECRET\n", encoding="utf-8")
    (root / "en" / "zz-case.md").symlink_to(secret)


def _outside_folder(root):
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (outside / "zz-case.md").write_text(FM + "---\nSECRET\n", encoding="utf-8")
    shutil.rmtree(root / "kk")
    (root / "kk").symlink_to(outside)


def _loop(root):
    (root / "en" / "zz-case.md").symlink_to("zz-case.md")


def _dangling(root):
    (root / "en" / "zz-case.md").symlink_to("nowhere.md")


def _device(root):
    (root / "en" / "zz-case.md").symlink_to("/dev/zero")


def _contacts_fifo(root):
    (root / "contacts.yaml").unlink()
    os.mkfifo(root / "contacts.yaml")


def _contacts_outside(root):
    (root / "contacts.yaml").unlink()
    (root / "contacts.yaml").symlink_to("/etc/passwd")


def _contacts(text: str):
    def write(root):
        (root / "contacts.yaml").write_text(text, encoding="utf-8")

    return write


FILES = {
    "named pipe": (_fifo, "zz-case.md", 1, "is not a regular file"),
    "folder named like a page": (_folder, "zz-case.md", 1, "is not a regular file"),
    "link to a file outside": (_outside_file, "zz-case.md", 1, "outside the content folder"),
    "language folder linked outside": (_outside_folder, "kk/zz-case.md", 1, "outside the content folder"),
    "link to itself": (_loop, "zz-case.md", 1, "cannot be read"),
    "dangling link": (_dangling, "zz-case.md", 1, "is not a regular file"),
    "link to a device": (_device, "zz-case.md", 1, "outside the content folder"),
    "contacts as a named pipe": (_contacts_fifo, "contacts.yaml", 1, "is not a regular file"),
    "contacts linked outside": (_contacts_outside, "contacts.yaml", 1, "outside the content folder"),
    "contacts alias bomb": (
        _contacts("- " + ALIAS_BOMB.replace("\n", "\n  ")),
        "contacts.yaml",
        2,
        "'*' starts an alias",
    ),
    "contacts nested 100,000 deep": (_contacts("[" * 100_000), "contacts.yaml", 1, "nested too deeply"),
    "contacts is text": (_contacts("hello"), "contacts.yaml", 1, "must be a list"),
    "contacts with NUL": (_contacts("- id: x\x00\n"), "contacts.yaml", 1, "control character (U+0000)"),
    "contact twice the same field": (_contacts("- id: a\n  id: b\n"), "contacts.yaml", 2, "'id' appears twice"),
}


@pytest.mark.parametrize("case", FILES)
def test_bad_file_gives_path_and_line(tmp_path, case):
    make, name, line, words = FILES[case]
    root = make_site(tmp_path)
    make(root)
    found = problems_of(root, name)
    assert any(f"/{name}:{line}: " in problem and words in problem for problem in found), found


def test_create_app_stops_with_the_problem_not_a_traceback(tmp_path):
    from app import create_app

    root = make_site(tmp_path)
    os.mkfifo(root / "en" / "zz-case.md")
    with pytest.raises(ContentError) as stopped:
        create_app({"TESTING": True, "RESOURCES_DIR": str(root)})
    assert f"{PAGE}:1: is not a regular file" in str(stopped.value.code)


# Links the allow-list does not mean: each one must leave the page without its href.
HOSTILE_LINKS = [
    "//evil.example/",
    " //evil.example/",
    "&#47;/evil.example/",
    "&#x2F;&#x2F;evil.example/",
    "/&#9;/evil.example/",
    "/&#10;/evil.example/",
    r"\\\\evil.example/",  # Markdown reads two backslashes as one
    r"/\\evil.example/",
    "&#92;&#92;evil.example/",
    "http://evil.example/",
    "javascript:alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html,x",
    "mailto:a@example.org?cc=b@example.org",
    "mailto:a@example.org?bcc=b@example.org",
    "mailto:a@example.org?body=hello",
    "mailto:a@example.org&#63;bcc=b@example.org",
    "mailto:a@example.org,b@example.org",
    "mailto:a@example.org%2Cb@example.org",
    "mailto:a@example.org%3Fbcc=b@example.org",
]
FINE_LINKS = ["https://example.org/a?b=1", "mailto:help@example.org", "tel:112", "../police/", "#now", "/ru/police/"]


@pytest.mark.parametrize("href", HOSTILE_LINKS)
def test_hostile_link_is_removed_and_reported(href):
    html, removed = render_markdown(f"[x]({href})")
    assert html == "<p><a>x</a></p>"
    assert len(removed) == 1 and "is removed" in removed[0]


@pytest.mark.parametrize("href", FINE_LINKS)
def test_allowed_link_is_kept(href):
    html, removed = render_markdown(f"[x]({href})")
    assert html == f'<p><a href="{href}">x</a></p>' and removed == []


# Requests, with every option on, to a real gunicorn ---------------------------------------------


def fuzz_requests(paths: list[str], count: int, seed: int = 13) -> list[bytes]:
    """Odd but deliverable requests: control characters encoded in paths and queries, long
    paths, odd methods and headers. The first ones put %00, %0a and %01 after every path."""
    rng = random.Random(seed)
    tails = [
        "",
        "%00",
        "%0a",
        "%0d%0a",
        "%01",
        "%1b",
        "%7f",
        "%ff",
        "%c0%ae",
        "%2e%2e/",
        "../",
        "..%2f",
        "//",
        "%5c",
        ";x",
        "%",
        "%zz",
        "%D0%96",
        "~",
        "index.html",
        "a" * 1500,
        "?",
        "?q=%00%0a%01",
        "?q=" + "x" * 1000,
        "%20",
        "+",
        "*",
        "@",
        "%2F%2Fevil.example",
        "?%0d%0aSet-Cookie:%20a=b",
    ]
    methods = ["GET"] * 8 + ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "FOO"]
    headers = [
        "Accept-Language: kk",
        "Accept-Language: " + "x-" * 300,
        "Accept-Language: ru;q=abc, *;q=-1",
        "Accept-Encoding: br",
        "Accept-Encoding: gzip;q=0, br;q=0",
        "Accept-Encoding: *;q=0.5, identity;q=0",
        "Accept-Encoding: ;;;,,,q=",
        'If-None-Match: "x", W/"y", *',
        "If-None-Match: garbage",
        "If-Modified-Since: yesterday",
        "Range: bytes=5-1",
        "Cookie: session=x",
        "X-Forwarded-For: 10.0.0.1",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    hosts = ["t", "evil.example", "evil.example:8080", "[::1]", "x" * 300, "a..b"]
    plan = [("GET", path + tail) for path in paths for tail in ("%00", "%0a", "%01")]
    while len(plan) < count:
        plan.append(
            (rng.choice(methods), rng.choice(paths) + rng.choice(tails) + rng.choice(["", "", rng.choice(tails)]))
        )
    requests = []
    for method, path in plan:
        body = "q=" + rng.choice(["police", "%00", "a" * 500, "<script>"]) if method == "POST" else ""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {rng.choice(hosts)}",
            *rng.sample(headers, rng.randint(0, 4)),
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        requests.append(("\r\n".join(lines) + "\r\n\r\n" + body).encode("latin-1"))
    return requests


def test_fuzz_with_every_option_on_gives_no_5xx_and_no_traceback(tmp_path):
    from test_hardening import Gunicorn, every_option, raw_request

    from tirek.sitemap import data_paths, page_paths

    paths = (
        page_paths(load_site(FIXTURE_SITE).slugs)
        + data_paths()
        + ["/", "/sw.js", "/manifest.webmanifest", "/static/css/site.css", "/ru/remove/", "/ru/nowhere/", "/xx/"]
    )
    requests = fuzz_requests(paths, 2600)
    server = Gunicorn(every_option(tmp_path / "build"))
    try:
        failures = []
        for request in requests:
            status, headers, _ = raw_request(server.port, request)
            own_error = status in (400, 414, 431)  # gunicorn's answers to what it cannot parse
            location = urlsplit(headers.get("location", ""))
            if (
                status >= 500
                or not (own_error or "content-security-policy" in headers)
                or location.netloc
                or location.path.startswith("//")
                or "set-cookie" in headers
            ):
                failures.append((status, request[:120]))
        log = server.log
    finally:
        server.stop()
    assert failures == [], f"{len(failures)} of {len(requests)}: {failures[:5]}"
    assert "Traceback" not in log and "Error handling request" not in log and "[ERROR]" not in log, log[-2000:]
