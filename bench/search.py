"""Search benchmark: index size per language and query time, on the content and on 1,000 pages.

    python bench/search.py                      # content in resources/ (or $TIREK_RESOURCES_DIR)
    python bench/search.py --resources tests/fixtures/site --pages 1000

Prints, per language: the index file's size (bytes and gzipped), the time one
query takes in the server (Python) and in headless Chromium (search.js, the
reader's path), for the content and for a generated corpus of --pages pages;
and beside them, on the content, precision and recall over the top three results
of the real queries in tests/search_queries.json (see tests/search_quality.py).
Budgets: a query within 50 ms in Chromium on the generated corpus; the index of
the content under 100 KB gzipped. Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))

from search_quality import measure  # noqa: E402

from app import create_app  # noqa: E402
from tirek import search  # noqa: E402
from tirek.content import LANGUAGES  # noqa: E402

QUERY_BUDGET_MS = 50
INDEX_BUDGET_BYTES = 100 * 1024
CHROMIUM = os.environ.get("TIREK_CHROMIUM", "/usr/bin/chromium")
SUFFIXES = {
    "kk": [
        "лар",
        "лер",
        "дың",
        "нің",
        "ға",
        "ге",
        "да",
        "де",
        "дан",
        "нен",
        "мен",
        "ған",
        "ген",
        "ып",
        "іп",
        "ды",
        "ді",
        "ымыз",
        "ңыз",
        "сыз",
        "шы",
        "лық",
        "лік",
    ],
    "ru": [
        "ами",
        "ями",
        "ого",
        "его",
        "ому",
        "ыми",
        "ах",
        "ях",
        "ей",
        "ой",
        "ов",
        "ую",
        "ая",
        "ие",
        "ия",
        "ть",
        "ться",
        "ает",
        "ишь",
        "ость",
        "ение",
        "ский",
    ],
    "en": ["s", "es", "ed", "ing", "er", "ers", "ly", "ness", "ment", "tion", "able", "ful"],
}
LETTERS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def build(resources: Path) -> dict:
    app = create_app({"TESTING": True, "RESOURCES_DIR": str(resources)})
    return app.extensions["tirek_search"]


def words_of(index: dict) -> list[str]:
    """The content's running text as words (original spelling), for the generator."""
    text = " ".join(doc[3] for doc in index["docs"])
    return [text[start:end] for start, end, _ in search.tokens(text)] or ["word"]


def generate_corpus(indexes: dict, target: Path, pages: int, seed: int = 1) -> None:
    """``pages`` pages per language: the content's words in natural frequency, plus new
    inflected and misspelt words, so the vocabulary grows as a real site's would."""
    rng = random.Random(seed)
    (target).mkdir(parents=True)
    shutil.copy(Path(indexes["source"]) / "contacts.yaml", target / "contacts.yaml")
    for lang in LANGUAGES:
        stream = words_of(indexes[lang].data)
        folder = target / lang
        folder.mkdir()

        def word(stream=stream, lang=lang) -> str:
            w = rng.choice(stream)
            if rng.random() < 0.15:
                w = w[: max(3, len(w) - rng.randint(0, 3))] + rng.choice(SUFFIXES[lang])
                if rng.random() < 0.5:
                    w += "".join(rng.choice(LETTERS[lang]) for _ in range(rng.randint(1, 3)))
            return w

        def sentence(n: int) -> str:
            text = " ".join(word() for _ in range(n))
            return text[:1].upper() + text[1:] + "."

        for number in range(pages):
            paragraphs = []
            for _ in range(rng.randint(3, 5)):
                paragraphs.append("## " + sentence(rng.randint(2, 5))[:-1])
                paragraphs.append(" ".join(sentence(rng.randint(6, 16)) for _ in range(rng.randint(5, 9))))
            title = sentence(rng.randint(2, 6))[:-1].replace(":", " ")
            summary = sentence(rng.randint(8, 18)).replace(":", " ")
            (folder / f"page-{number:04d}.md").write_text(
                f'---\ntitle: "{title}"\nsummary: "{summary}"\nupdated: 2026-11-01\norder: {number}\n---\n'
                + "\n\n".join(paragraphs)
                + "\n",
                encoding="utf-8",
            )


def queries_for(index: dict, rng: random.Random) -> list[str]:
    """Whole words, inflected forms, short prefixes, typos, two-word queries and nonsense."""
    words = sorted({w for w in words_of(index) if len(w) >= 4})
    picks = rng.sample(words, min(12, len(words)))
    queries = list(picks[:4])
    queries += [
        w + "ами" if index["lang"] == "ru" else w + "дың" if index["lang"] == "kk" else w + "ing" for w in picks[4:6]
    ]
    queries += [w[:2] for w in picks[6:8]] + [w[:3] for w in picks[8:10]]
    queries += [w[:2] + w[3] + w[2] + w[4:] for w in picks[10:12] if len(w) > 4]
    queries += [f"{picks[0]} {picks[1]}", "zzqxv", "абвгдежз"]
    return queries


def python_times(index: dict, queries: list[str], repeat: int = 3) -> list[float]:
    times = []
    for query in queries:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            search.search(index, query)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
    return times


class Chromium:
    """search.js in headless Debian Chromium, with the test suite's flags.

    The module is imported from a made-up origin that the page's requests never leave.
    """

    ORIGIN = "http://bench.invalid/"

    def __init__(self):
        from playwright.sync_api import sync_playwright

        from conftest import CHROMIUM_FLAGS

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        self.page = self.browser.new_page()
        script = (ROOT / "static" / "js" / "search.js").read_bytes()
        self.page.route(
            self.ORIGIN + "search.js", lambda route: route.fulfill(body=script, content_type="text/javascript")
        )
        self.page.route(self.ORIGIN, lambda route: route.fulfill(body="<!doctype html>", content_type="text/html"))
        self.page.goto(self.ORIGIN)
        self.page.evaluate("async () => { window.searchModule = await import('/search.js'); }")

    def times(self, payload: bytes, queries: list[str], repeat: int = 5) -> tuple[float, list[float]]:
        """(ms to parse the index, [ms per query]).

        Each time is the median of ``repeat`` runs, so a pause of the (shared) machine does not count.
        """
        return self.page.evaluate(
            """([json, queries, repeat]) => {
                const median = runs => runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];
                let start = performance.now();
                const index = JSON.parse(json);
                const parse = performance.now() - start;
                const search = window.searchModule.search;
                search(index, index.docs[0][1]);  // as the search page does once it has the index
                return [parse, queries.map(q => median(Array.from({length: repeat}, () => {
                    start = performance.now();
                    search(index, q);
                    return performance.now() - start;
                })))];
            }""",
            [payload.decode("utf-8"), queries, repeat],
        )

    def close(self):
        self.browser.close()
        self.playwright.stop()


def report(name: str, indexes: dict, chromium: Chromium | None, rng: random.Random, quality: bool = False) -> list[str]:
    failures = []
    data = {lang: indexes[lang].data for lang in LANGUAGES}
    print(f"\n{name}")
    print(
        f"{'lang':4} {'pages':>6} {'terms':>7} {'index':>11} {'gzipped':>10} {'py median/max':>16}"
        f" {'js parse':>9} {'js median/max':>15}" + ("   queries P@3  R@3  first" if quality else "")
    )
    for lang in LANGUAGES:
        index = indexes[lang]
        queries = queries_for(index.data, rng)
        py = python_times(index.data, queries)
        line = (
            f"{lang:4} {len(index.data['docs']):6d} {len(index.data['terms']):7d} "
            f"{len(index.payload):9,d} B {index.gzipped_size:8,d} B "
            f"{statistics.median(py):6.1f}/{max(py):6.1f} ms"
        )
        if chromium:
            parse, js = chromium.times(index.payload, queries)
            line += f" {parse:6.0f} ms {statistics.median(js):5.1f}/{max(js):5.1f} ms"
            if max(js) > QUERY_BUDGET_MS:
                failures.append(
                    f"{name}, {lang}: slowest query {max(js):.1f} ms in Chromium (budget {QUERY_BUDGET_MS} ms)"
                )
        else:
            line += " " * 26
        if quality:
            q = measure(data, (lang,))
            line += f"   {q['queries']:7d} {q['precision']:.2f} {q['recall']:.2f} {q['first']:.2f}"
        print(line)
    if quality:
        q = measure(data)
        print(
            f"all: {q['queries']} queries, precision {q['precision']:.2f}, recall {q['recall']:.2f}, "
            f"first result right {q['first']:.2f}"
        )
        for lang, query, top in q["misses"]:
            print(f"  first result not an answer: {lang} {query!r} -> {top}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", default=os.environ.get("TIREK_RESOURCES_DIR", str(ROOT / "resources")))
    parser.add_argument("--pages", type=int, default=1000, help="generated pages per language")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    args = parser.parse_args()

    rng = random.Random(7)
    chromium = None if args.no_browser or not Path(CHROMIUM).exists() else Chromium()
    if chromium is None:
        print(f"(no Chromium measurements: {'--no-browser' if args.no_browser else CHROMIUM + ' not found'})")
    failures = []
    try:
        content = build(Path(args.resources))
        failures += report(f"Content in {args.resources}", content, chromium, rng, quality=True)
        for lang in LANGUAGES:
            if content[lang].gzipped_size > INDEX_BUDGET_BYTES:
                failures.append(
                    f"content, {lang}: index {content[lang].gzipped_size:,d} B gzipped "
                    f"(budget {INDEX_BUDGET_BYTES:,d} B)"
                )
        with tempfile.TemporaryDirectory(prefix="tirek-bench-") as tmp:
            start = time.perf_counter()
            generate_corpus({**content, "source": args.resources}, Path(tmp) / "site", args.pages)
            generated = build(Path(tmp) / "site")
            print(f"\n(generated and indexed {args.pages} pages per language in {time.perf_counter() - start:.0f} s)")
            failures += report(f"Generated corpus, {args.pages} pages per language", generated, chromium, rng)
    finally:
        if chromium:
            chromium.close()
    print(
        f"\nBudgets: query ≤ {QUERY_BUDGET_MS} ms in Chromium on the generated corpus; "
        f"content index ≤ {INDEX_BUDGET_BYTES // 1024} KB gzipped."
    )
    for failure in failures:
        print("OVER BUDGET:", failure)
    print("All within budget." if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
