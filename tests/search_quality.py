"""Precision and recall of search on the real queries in search_queries.json (for the bench and the tests).

For each query the server's answer (search.answer: this language, else the other two) is read as
the list of page slugs it returns, in order. Over the top three:
  precision  the share of returned pages that are answers (queries that return something);
  recall     the share of the query's answers returned, out of at most three;
  first      the share of queries whose first result is one of its answers.
"""

from __future__ import annotations

import json
from pathlib import Path

from tirek import search

QUERIES = json.loads((Path(__file__).parent / "search_queries.json").read_text(encoding="utf-8"))["queries"]
TOP = 3


def slug_of(url: str) -> str:
    return url.split("#")[0].rstrip("/").split("/")[-1]


def found(indexes: dict[str, dict], lang: str, query: str) -> list[str]:
    return [slug_of(result["url"]) for result in search.answer(indexes, lang, query)["results"]]


def answerable(indexes: dict[str, dict], case: dict) -> list[str]:
    """The query's answers that the content has (in the query's language or another)."""
    slugs = {slug_of(doc[0]) for index in indexes.values() for doc in index["docs"]}
    return [slug for slug in case["answers"] if slug in slugs]


def measure(indexes: dict[str, dict], langs=None) -> dict:
    """{"queries", "precision", "recall", "first", "misses": [(lang, query, found)]}."""
    precision, recall, first, misses = [], [], [], []
    for case in QUERIES:
        if langs and case["lang"] not in langs:
            continue
        answers = answerable(indexes, case)
        if not answers:
            continue
        top = found(indexes, case["lang"], case["query"])[:TOP]
        hits = [slug for slug in top if slug in answers]
        if top:
            precision.append(len(hits) / len(top))
        recall.append(len(hits) / min(TOP, len(answers)))
        first.append(bool(top) and top[0] in answers)
        if not top or top[0] not in answers:
            misses.append((case["lang"], case["query"], top))
    mean = lambda values: sum(values) / len(values) if values else 0.0  # noqa: E731
    return {
        "queries": len(recall),
        "precision": mean(precision),
        "recall": mean(recall),
        "first": mean(first),
        "misses": misses,
    }
