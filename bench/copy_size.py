"""Print the size of each one-file copy (/<lang>/copy.html) and its growth per page, against the budget.

    python bench/copy_size.py            # the shipped content
    TIREK_RESOURCES_DIR=... python bench/copy_size.py

The file holds every page, so it grows with the content. Growth per page is the gzipped size of
the file minus that of the same file without any pages (stylesheet, contacts, mirrors, A–Z),
divided by the number of pages; "room" is how many more such pages fit in the budget.
"""

from __future__ import annotations

import copy
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from tirek.languages import LANGUAGES  # noqa: E402
from tirek.single_file import BUDGET_GZIPPED, render_copy  # noqa: E402


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def main() -> int:
    app = create_app()
    site = app.extensions["tirek_site"]
    without_pages = copy.copy(site)
    without_pages.pages = {lang: {} for lang in LANGUAGES}
    client = app.test_client()
    over = 0
    print(f"{'file':<14} {'pages':>5} {'size':>9} {'gzipped':>9} {'without pages':>14} {'per page':>9} {'room':>6}")
    for lang in LANGUAGES:
        data = client.get(f"/{lang}/copy.html").get_data()
        with app.test_request_context(f"/{lang}/copy.html"):
            skeleton = render_copy(lang, without_pages, app.extensions["tirek_public_key"]).encode()
        pages = len(site.topics(lang))
        size, base = gzipped(data), gzipped(skeleton)
        per_page = (size - base) / pages if pages else 0
        room = int((BUDGET_GZIPPED - size) / per_page) if per_page else 0
        flag = "  OVER BUDGET" if size > BUDGET_GZIPPED else ""
        over += bool(flag)
        print(
            f"{lang + '/copy.html':<14} {pages:>5} {len(data) / 1024:>7.1f}KB {size / 1024:>7.1f}KB "
            f"{base / 1024:>12.1f}KB {per_page / 1024:>7.1f}KB {room:>6}{flag}"
        )
    print(f"\nbudget: {BUDGET_GZIPPED // 1024} KB gzipped per file; room = pages of average size that still fit")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
