"""Search matching and ranking: the Python twin of static/js/search.js.

The server answers ``/<lang>/search/?q=…`` with this module; the browser answers
as the reader types with search.js, from the same index file. Both must give the
same results for the same query: tests/test_browser_search.py runs both on the
shared table in tests/search_cases.json and on many more queries, so change one
only together with the other.

Words are runs of letters and digits, case-folded (full Unicode folding), with
«ё» read as «е» and Latin lookalikes in a Cyrillic word read as Cyrillic; the
Kazakh letters stay distinct (ә is not а, ү is not у).

How a query word ``q`` matches an indexed word ``w``:
  exact   w == q                                               quality 4
  prefix  w starts with q (the reader is still typing)         quality 3
  stem    q has 5+ letters and q and w share their first
          max(4, len(q) - 3) letters: Kazakh and Russian
          suffixes differ, the stem stays (ұстаған ~ ұстау)     quality 2
  typo    q has 5+ letters and is one edit (a wrong, missing,
          extra or swapped letter) from the start of w        quality 1
No stemmer exists for Kazakh, so a shared prefix stands in for one.
A page's score for a query word is the best quality times the weight of the field
the word is in (title 3, summary or heading 2, body 1); a page must match every
query word that matches anything at all; pages rank by the sum, then topic order.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

INDEX_VERSION = 1
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 10
MIN_TOKEN_LENGTH = 2
MAX_RESULTS = 20
# Snippets are counted in words, so that both implementations cut at the same place.
SNIPPET_WORDS_BEFORE = 6
SNIPPET_WORDS = 24

TITLE, SUMMARY, BODY = 3, 2, 1
EXACT, PREFIX, STEM, TYPO = 4, 3, 2, 1

TOKEN = re.compile(r"[^\W_]+")  # letters and digits: [\p{L}\p{N}]+ in JavaScript
# Where full Unicode case folding differs from lower-casing in the Latin, Greek and Cyrillic
# blocks (JavaScript has no casefold(); search.js carries the same table).
FOLD_EXTRA = {
    "\u00b5": "\u03bc", "\u00df": "ss", "\u0149": "\u02bcn", "\u017f": "s", "\u01f0": "j\u030c",
    "\u0345": "\u03b9", "\u0390": "\u03b9\u0308\u0301", "\u03b0": "\u03c5\u0308\u0301",
    "\u03c2": "\u03c3", "\u03d0": "\u03b2", "\u03d1": "\u03b8", "\u03d5": "\u03c6",
    "\u03d6": "\u03c0", "\u03f0": "\u03ba", "\u03f1": "\u03c1", "\u03f5": "\u03b5",
    "\u1c80": "\u0432", "\u1c81": "\u0434", "\u1c82": "\u043e", "\u1c83": "\u0441",
    "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a", "\u1c87": "\u0463",
    "\u1c88": "\ua64b", "\u1e96": "h\u0331", "\u1e97": "t\u0308", "\u1e98": "w\u030a",
    "\u1e99": "y\u030a", "\u1e9a": "a\u02be", "\u1e9b": "\u1e61", "\u1e9e": "ss",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\u0451": "\u0435",  # «ё» is written as «е» more often than not
}
# Latin letters that look Cyrillic: phones without a Kazakh keyboard type «бiлiм» for «білім».
LOOKALIKES = {"a": "а", "c": "с", "e": "е", "h": "һ", "i": "і", "k": "к", "o": "о",
              "p": "р", "x": "х", "y": "у"}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_LOOKALIKE = re.compile(r"[acehikopxy]")
_FOLD = str.maketrans(FOLD_EXTRA)
_LOOKALIKES = str.maketrans(LOOKALIKES)


def normalize_word(word: str) -> str:
    """Case-fold a word, «ё» to «е», Latin lookalikes in a Cyrillic word to Cyrillic."""
    folded = word.lower().translate(_FOLD)
    if CYRILLIC.search(folded) and LATIN_LOOKALIKE.search(folded):
        folded = folded.translate(_LOOKALIKES)
    return folded


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalized word) for every word in NFC text."""
    return [(m.start(), m.end(), normalize_word(m.group())) for m in TOKEN.finditer(text)]


@lru_cache(maxsize=256)
def _page_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """The words of a page's text, kept: the index does not change while the app runs."""
    return tuple(tokens(text))


def query_words(query: str) -> list[str]:
    text = unicodedata.normalize("NFC", query[:MAX_QUERY_CHARS])
    words: list[str] = []
    for _, _, word in tokens(text):
        if len(word) >= MIN_TOKEN_LENGTH and word not in words:
            words.append(word)
    return words[:MAX_QUERY_TOKENS]


def common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def one_edit_prefix(t: str, w: str, p: int) -> bool:
    """Is ``t`` one edit (or an adjacent swap) away from some prefix of ``w``?

    ``p`` is the length of their common prefix, which is shorter than ``t``.
    """
    rest = t[p + 1:]
    if w.startswith(rest, p):  # t has one letter too many
        return True
    if p < len(w) and (w.startswith(rest, p + 1)  # one letter differs
                       or w.startswith(t[p:], p + 1)):  # t lacks one letter
        return True
    return (p + 1 < len(t) and p + 1 < len(w) and t[p] == w[p + 1] and t[p + 1] == w[p]
            and w.startswith(t[p + 2:], p + 2))


def quality(q: str, w: str) -> int:
    if w.startswith(q):
        return EXACT if len(w) == len(q) else PREFIX
    if len(q) < 5:
        return 0
    if w.startswith(q[:max(4, len(q) - 3)]):
        return STEM
    if one_edit_prefix(q, w, common_prefix(q, w)):
        return TYPO
    return 0


def matcher(words: list[str]):
    """w -> does it match any of the query words? (remembered: texts repeat their words)"""
    memo: dict[str, bool] = {}

    def matches(w: str) -> bool:
        hit = memo.get(w)
        if hit is None:
            hit = memo[w] = any(quality(q, w) for q in words)
        return hit

    return matches


def search(index: dict, query: str) -> dict:
    """{"total": number of matching pages, "results": the best MAX_RESULTS, rendered as segments}."""
    words = query_words(query)
    ranked = rank(index, words)
    docs, matches = index["docs"], matcher(words)
    return {
        "total": len(ranked),
        "results": [result(docs[d], matches) for d in ranked[:MAX_RESULTS]],
    }


def rank(index: dict, words: list[str]) -> list[int]:
    terms, postings = index["terms"], index["postings"]
    total: dict[int, int] | None = None
    for q in words:
        best: dict[int, int] = {}
        for term, posting in zip(terms, postings):
            level = quality(q, term)
            if not level:
                continue
            for packed in posting:
                doc, score = packed >> 2, level * (packed & 3)
                if score > best.get(doc, 0):
                    best[doc] = score
        if not best:
            continue  # a word found nowhere does not empty the results
        if total is None:
            total = best
        else:
            total = {doc: score + best[doc] for doc, score in total.items() if doc in best}
    if not total:
        return []
    return sorted(total, key=lambda doc: (-total[doc], doc))


def result(doc: list, matches) -> dict:
    url, title, summary, text, lang = doc
    return {"url": url, "lang": lang, "title": marked(title, matches),
            "snippet": snippet(summary, text, matches)}


def marked(text: str, matches) -> list[list]:
    """The whole text as [[piece, is_match], …]."""
    return _segments(text, _page_tokens(text), 0, None, matches)


def snippet(summary: str, text: str, matches) -> list[list]:
    """The summary when it matches, else a window of the body around the first match."""
    summary_tokens = _page_tokens(summary)
    if any(matches(w) for _, _, w in summary_tokens):
        return _segments(summary, summary_tokens, 0, None, matches)
    body = _page_tokens(text)
    first = next((i for i, (_, _, w) in enumerate(body) if matches(w)), None)
    if first is None:
        if summary:
            return [[summary, False]]
        first = 0
    start = max(0, first - SNIPPET_WORDS_BEFORE)
    end = min(len(body), start + SNIPPET_WORDS)
    segments = _segments(text, body[start:end], 0 if start == 0 else body[start][0],
                         None if end == len(body) else body[end - 1][1], matches)
    if start > 0:
        segments.insert(0, ["… ", False])
    if end < len(body):
        segments.append([" …", False])
    return _merge(segments)


def _segments(text: str, spans, begin: int, finish: int | None, matches) -> list[list]:
    finish = len(text) if finish is None else finish
    segments, at = [], begin
    for start, end, w in spans:
        if matches(w):
            segments.append([text[at:start], False])
            segments.append([text[start:end], True])
            at = end
    segments.append([text[at:finish], False])
    return _merge(segments)


def _merge(segments: list[list]) -> list[list]:
    merged: list[list] = []
    for piece, is_match in segments:
        if not piece:
            continue
        if merged and merged[-1][1] == is_match:
            merged[-1][0] += piece
        else:
            merged.append([piece, is_match])
    return merged
