"""What more content costs: start-up time, memory, the precache and the one-file copy, as pages grow.

    python bench/growth.py                 # today's content, 10× it, and 1,000 pages per language
    python bench/growth.py --scales 1 10   # only some of them (a number: × today; 1000p: pages)

Each scale is a generated content folder (today's pages copied under new slugs, the contacts as
they are), measured in a fresh process: create_app's time (content, search index, rendering every
page once with its gzip and Brotli forms), resident memory after it, the bytes the kept pages hold,
the precache the service worker downloads (gzipped, against its 500 KB budget) and, when the app
has one, the single-file copy /ru/copy.html. Then the cost of one more page per language.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRECACHE_BUDGET = 500 * 1024
LANGUAGES = ("kk", "ru", "en")


def generate(source: Path, target: Path, pages_per_language: int) -> None:
    """A content folder with ``pages_per_language`` pages in each language, copied from ``source``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
    for lang in LANGUAGES:
        originals = sorted(path for path in (source / lang).glob("*.md") if path.stem != "index")
        shutil.copy(source / lang / "index.md", target / lang / "index.md")
        for number in range(pages_per_language):
            original = originals[number % len(originals)]
            round_ = number // len(originals)
            slug = original.stem if round_ == 0 else f"{original.stem}-{round_}"
            shutil.copy(original, target / lang / f"{slug}.md")


def measure(resources: str) -> dict:
    """Run in the child process: one app on ``resources``, measured."""
    import gc

    from app import create_app

    started = time.perf_counter()
    app = create_app({"RESOURCES_DIR": resources})
    startup = time.perf_counter() - started
    gc.collect()
    rss = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    kept = app.extensions["tirek_pages"]
    client = app.test_client()
    precache = {"shared": 0, **{lang: 0 for lang in LANGUAGES}}
    for entry in app.extensions["tirek_precache"]["entries"]:
        url = "/" + entry["url"]
        page = kept.pages.get(url)
        size = len(page.gzip.body) if page else len(gzip.compress(client.get(url).get_data(), 9, mtime=0))
        first = entry["url"].split("/", 1)[0]
        precache[first if first in LANGUAGES else "shared"] += size
    copy = client.get("/ru/copy.html")
    return {
        "pages": len(app.extensions["tirek_site"].slugs),
        "startup_s": startup,
        "rss": rss,
        "kept": kept.size,
        "precache": precache,
        "copy": len(copy.get_data()) if copy.status_code == 200 else None,
    }


def run(resources: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--measure", str(resources)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["1", "10", "1000p"])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    from tirek.config import load_config

    source = Path(load_config()["RESOURCES_DIR"])
    today = len([path for path in (source / "en").glob("*.md") if path.stem != "index"])
    rows = []
    with tempfile.TemporaryDirectory(prefix="tirek-growth-") as folder:
        for scale in args.scales:
            per_language = int(scale[:-1]) if scale.endswith("p") else today * int(scale)
            target = Path(folder) / scale / "resources"
            generate(source, target, per_language)
            rows.append((f"{scale}×" if not scale.endswith("p") else f"{per_language} p/lang", run(target)))
            shutil.rmtree(target)

    print(
        f"{'content':>13} {'pages/lang':>10} {'start-up':>9} {'memory':>9} {'kept':>9} "
        f"{'precache':>10} {'1 language':>10} {'copy.html':>10}"
    )
    for name, row in rows:
        largest = max(row["precache"][lang] for lang in LANGUAGES)
        total = sum(row["precache"].values())
        copy = f"{row['copy'] / 1e6:.1f} MB" if row["copy"] else "—"
        print(
            f"{name:>13} {row['pages']:>10} {row['startup_s']:>8.1f}s {row['rss'] / 1e6:>7.0f}MB "
            f"{row['kept'] / 1e6:>7.1f}MB {total / 1e6:>8.2f}MB{'!' if total > PRECACHE_BUDGET else ' '}"
            f"{largest / 1e6:>9.2f}MB{'!' if largest > PRECACHE_BUDGET else ' '} {copy:>10}"
        )
    if len(rows) > 1:
        (_, first), (_, last) = rows[0], rows[-1]
        more = (last["pages"] - first["pages"]) or 1
        print(
            f"one more page in every language costs: {(last['startup_s'] - first['startup_s']) / more * 1000:.0f} ms "
            f"of start-up, {(last['rss'] - first['rss']) / more / 1024:.0f} KB of memory "
            f"({(last['kept'] - first['kept']) / more / 1024:.0f} KB of it kept pages), "
            f"{(sum(last['precache'].values()) - sum(first['precache'].values())) / more / 1024:.1f} KB "
            f"of precache (gzipped)"
        )
    print(f"! over the precache budget of {PRECACHE_BUDGET // 1024} KB gzipped (what then: README, 'Benchmarks')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
