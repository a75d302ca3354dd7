"""How much the service worker stores on a reader's phone: bytes and gzipped bytes per language.

    python bench/precache.py            # on resources/ (or TIREK_RESOURCES_DIR)

Gzipped is roughly what the first visit downloads over mobile data. Exits 1 when the total is
over the budget.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from tirek.languages import LANGUAGES  # noqa: E402

BUDGET_GZIPPED = 500 * 1024
SHARED = "shared"


def measure(app) -> dict[str, dict[str, int]]:
    """{group: {"files", "bytes", "gzipped"}}: one group per language, one for files they share."""
    client = app.test_client()
    groups = {group: {"files": 0, "bytes": 0, "gzipped": 0} for group in (*LANGUAGES, SHARED)}
    for entry in app.extensions["tirek_precache"]["entries"]:
        response = client.get("/" + entry["url"])
        if response.status_code != 200:
            raise SystemExit(f"{entry['url']}: status {response.status_code}")
        data = response.get_data()
        first = entry["url"].split("/", 1)[0]
        group = groups[first if first in LANGUAGES else SHARED]
        group["files"] += 1
        group["bytes"] += len(data)
        group["gzipped"] += len(gzip.compress(data, compresslevel=9, mtime=0))
    return groups


def main() -> int:
    groups = measure(create_app())
    total = {key: sum(group[key] for group in groups.values()) for key in ("files", "bytes", "gzipped")}
    print(f"{'':8} {'files':>6} {'bytes':>10} {'gzipped':>10}")
    for name, group in [*groups.items(), ("total", total)]:
        print(f"{name:8} {group['files']:>6} {group['bytes']:>10,} {group['gzipped']:>10,}")
    within = total["gzipped"] <= BUDGET_GZIPPED
    print(f"budget: {BUDGET_GZIPPED:,} bytes gzipped: {'within' if within else 'OVER'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
