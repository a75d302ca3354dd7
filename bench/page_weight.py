"""Print every page's gzipped size and the first visit's total, against the budgets.

    python bench/page_weight.py            # the shipped content
    TIREK_RESOURCES_DIR=... python bench/page_weight.py

A first visit is one page plus everything it pulls in: stylesheet, scripts, icons, manifest.
Budgets: 14 KB gzipped per HTML page, 50 KB gzipped for the first visit.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from tirek.sitemap import page_paths  # noqa: E402

PAGE_BUDGET = 14 * 1024
FIRST_VISIT_BUDGET = 50 * 1024
SUBRESOURCE = re.compile(r'<(?:link(?![^>]*rel="alternate")|script|img)\b[^>]*?(?:href|src)="([^"]+)"')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def main() -> int:
    app = create_app()
    client = app.test_client()
    over = 0
    worst_first_visit = (0, "")
    print(f"{'page':<42} {'html gz':>8} {'first visit gz':>15}")
    for path in page_paths(app.extensions["tirek_site"].slugs):
        html = client.get(path).data
        page_size = gzipped(html)
        total = page_size
        for href in sorted(set(SUBRESOURCE.findall(html.decode("utf-8")))):
            if href.startswith(("http:", "https:", "data:")):
                continue
            response = client.get(urljoin(f"http://localhost{path}", href).removeprefix("http://localhost"))
            if response.status_code == 200:
                total += gzipped(response.data)
        flag = ""
        if page_size > PAGE_BUDGET or total > FIRST_VISIT_BUDGET:
            flag = "  OVER BUDGET"
            over += 1
        worst_first_visit = max(worst_first_visit, (total, path))
        print(f"{path:<42} {page_size / 1024:>6.1f}KB {total / 1024:>13.1f}KB{flag}")
    print(
        f"\nheaviest first visit: {worst_first_visit[1]} {worst_first_visit[0] / 1024:.1f} KB "
        f"(budget {FIRST_VISIT_BUDGET // 1024} KB); page budget {PAGE_BUDGET // 1024} KB"
    )
    print("pages over budget:", over)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
