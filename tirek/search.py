"""Search matching and ranking: the Python twin of static/js/search.js.

The server answers a search form (POST /<lang>/search/) with this module; the browser answers
as the reader types with search.js, from the same index file. Both must give the same results
for the same query: tests/test_browser_search.py runs both on the shared table in
tests/search_cases.json and on many more queries. The tables both use (folding, endings, limits)
live here only and travel to search.js inside the index file (``rules``); the algorithm is
written twice, so change one only together with the other.

Words are runs of letters and digits, case-folded (full Unicode folding), with «ё» read as «е»
and Latin lookalikes in a Cyrillic word read as Cyrillic; the Kazakh letters stay distinct
(ә is not а, ү is not у).

How a query word ``q`` matches an indexed word ``w``:
  exact   w == q                                                  quality 4
  prefix  w starts with q (the reader is still typing)            quality 3
  stem    q and w share their first 4 letters or more, and what
          follows the shared stem in each is an ending of the
          language (Kazakh: a chain of suffixes; the stem's last
          letter may alternate, құқық ~ құқығы): полиция ~ полицией,
          ұстау ~ ұстаған, lawyer ~ lawyers, but police ≁ polite   quality 2
  typo    q has 5+ letters, is one edit (a wrong, missing, extra
          or swapped letter) from the start of w, and q matches no
          word of the index better: a word the site uses is never
          read as a misspelling of another                        quality 1
No stemmer exists for Kazakh, so a shared stem and a table of endings stand in for one.
A page's score for a query word is the best quality times the weight of the field the word is
in (title 3, summary, keywords or heading 2, body 1); a page must match every query word that
matches anything at all; pages rank by the sum, then topic order.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import OrderedDict
from functools import lru_cache

INDEX_VERSION = 2
# Limits that bound the work a query can cost (see also the result cache in views.py).
MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 6
MIN_TOKEN_LENGTH = 2
MAX_RESULTS = 20
# Snippets are counted in words, so that both implementations cut at the same place.
SNIPPET_WORDS_BEFORE = 6
SNIPPET_WORDS = 24
MIN_STEM = 4
MIN_TYPO = 5
MAX_ENDING = 9  # letters after the stem; longer remainders are other words
MIN_CRISIS_TYPO = 5
MIN_CRISIS_PARTIAL = 4  # a query word this long that begins a crisis word counts: still typing

TITLE, SUMMARY, BODY = 3, 2, 1
EXACT, PREFIX, STEM, TYPO = 4, 3, 2, 1

TOKEN = re.compile(r"[^\W_]+")  # letters and digits: [\p{L}\p{N}]+ in JavaScript
# Where full Unicode case folding differs from lower-casing in the Latin, Greek and Cyrillic
# blocks (JavaScript has no casefold()).
FOLD_EXTRA = {
    "\u00b5": "\u03bc",
    "\u00df": "ss",
    "\u0149": "\u02bcn",
    "\u017f": "s",
    "\u01f0": "j\u030c",
    "\u0345": "\u03b9",
    "\u0390": "\u03b9\u0308\u0301",
    "\u03b0": "\u03c5\u0308\u0301",
    "\u03c2": "\u03c3",
    "\u03d0": "\u03b2",
    "\u03d1": "\u03b8",
    "\u03d5": "\u03c6",
    "\u03d6": "\u03c0",
    "\u03f0": "\u03ba",
    "\u03f1": "\u03c1",
    "\u03f5": "\u03b5",
    "\u1c80": "\u0432",
    "\u1c81": "\u0434",
    "\u1c82": "\u043e",
    "\u1c83": "\u0441",
    "\u1c84": "\u0442",
    "\u1c85": "\u0442",
    "\u1c86": "\u044a",
    "\u1c87": "\u0463",
    "\u1c88": "\ua64b",
    "\u1e96": "h\u0331",
    "\u1e97": "t\u0308",
    "\u1e98": "w\u030a",
    "\u1e99": "y\u030a",
    "\u1e9a": "a\u02be",
    "\u1e9b": "\u1e61",
    "\u1e9e": "ss",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0451": "\u0435",  # «ё» is written as «е» more often than not
}
# Latin letters that look Cyrillic: phones without a Kazakh keyboard type «бiлiм» for «білім».
LOOKALIKES = {"a": "а", "c": "с", "e": "е", "h": "һ", "i": "і", "k": "к", "o": "о", "p": "р", "x": "х", "y": "у"}
CYRILLIC = "\u0400-\u04ff"

# What may follow a shared stem. Russian and English: one ending. Kazakh adds suffix after
# suffix (адвокат-тар-ымыз-ға), so there the remainder may be a chain of these; Kazakh readers
# also type Russian words, so a Kazakh index takes the Russian endings too.
ENDINGS = {
    "en": "s es ed d ing ings er ers e ly ies ied al ion ions ment ments ness",
    "ru": (
        "а я о е ы и у ю ь й "
        "ом ем ой ей ою ею ам ям ах ях ами ями ов ев "
        "ия ие ию ии ий ием иям иями иях ье ья ью ьи ьям ьями ьях ьев "
        "ый ая яя ое ее ые ого его ому ему ым им ую юю ых их ыми ими "
        "ть ти ться тся ет ют ут ит ят ат ешь ишь ете ите ется ются утся ится ятся атся ешься ишься "
        "л ла ло ли лся лась лось лись ся сь ал ала али ил ила или ать ить ять еть "
        "н на но ны нный нная нное нные нного нной нным нных ние ния нию нием нии ний ниям ниями ниях"
    ),
    "kk": (
        "лар лер дар дер тар тер "
        "ым ім м ың ің ң ы і сы сі мыз міз ымыз іміз ңыз ңіз ыңыз іңіз ңдар ңдер "
        "ның нің дың дің тың тің н ға ге қа ке на не а е ны ні ды ді ты ті "
        "да де та те нда нде дан ден тан тен нан нен мен бен пен ымен імен "
        "ғы гі қы кі дағы дегі тағы тегі ндағы ндегі "
        "у ю ған ген қан кен п ып іп й ма ме ба бе па пе мау меу бау беу пау пеу "
        "ады еді йды йді мын мін сың сің сыз сіз ық ік йық йік ш шы ші йын йін ын ін "
        "л ыл іл с ыс іс т дыр дір тыр тір ғыз гіз қыз кіз ар ер р мас мес "
        "мақ мек бақ бек пақ пек атын етін йтын йтін са се сақ сек уші ушы "
        "лық лік дық дік тық тік лы лі"
    ),
}
CHAIN_LANGUAGES = {"kk"}
# Words that say nothing about a subject: left out of a query ("что делать если задержали"), unless
# it has no other word. Every language's on every index: readers mix them. Crisis words see them.
STOP_WORDS = (
    "a an the and or but if of to in on at by for with from as is are was were be been am i me my "
    "you your we our they them their he she it his her its this that these those what which who "
    "how why when where do does did can could should would will not no so than then there here "
    "about into just also too very get got "
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне "
    "было вот от меня еще нет о из ему когда даже ну ли если уже или ни быть был него до вас вам "
    "там потом ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без чего тоже "
    "под будет тогда кто этот того потому этого какой ним здесь этом мой тем нее сейчас были куда "
    "зачем можно при об хоть после над через эти нас про них какая много эту моя свою этой перед "
    "такой им всю между делать нужно мою мои меня мной "
    "және мен да де та те бен пен ол бұл сол сен сіз біз олар не неге қалай қашан қайда кім бір "
    "әр осы үшін туралы жоқ емес еді болса болып болды ма ме ба бе па пе ғой ғана тек немесе "
    "бірақ егер менің сенің сіздің оның біздің маған саған сізге оған бізге мені сені сізді оны "
    "керек істеу істеу істеймін"
)
# A stem's last consonant may voice before a vowel: құқық ~ құқығы, кітап ~ кітабы.
ALTERNATIONS = {"kk": ("қғ", "ғқ", "кг", "гк", "пб", "бп")}


def endings_for(lang: str) -> set[str]:
    langs = {"kk": ("kk", "ru", "en"), "ru": ("ru", "en"), "en": ("en",)}.get(lang, tuple(ENDINGS))
    return {ending for code in langs for ending in ENDINGS[code].split()}


def rules(lang: str) -> dict:
    """The tables search.js needs, for the index file of ``lang`` (JSON-ready)."""
    return {
        "maxQueryChars": MAX_QUERY_CHARS,
        "maxQueryTokens": MAX_QUERY_TOKENS,
        "minTokenLength": MIN_TOKEN_LENGTH,
        "maxResults": MAX_RESULTS,
        "snippetWordsBefore": SNIPPET_WORDS_BEFORE,
        "snippetWords": SNIPPET_WORDS,
        "minStem": MIN_STEM,
        "minTypo": MIN_TYPO,
        "maxEnding": MAX_ENDING,
        "fold": FOLD_EXTRA,
        "lookalikes": LOOKALIKES,
        "cyrillic": CYRILLIC,
        "stopWords": sorted(set(STOP_WORDS.split())),
        "endings": sorted(endings_for(lang)),
        "chain": lang in CHAIN_LANGUAGES,
        "alternations": list(ALTERNATIONS.get(lang, ())),
        "minCrisisTypo": MIN_CRISIS_TYPO,
        "minCrisisPartial": MIN_CRISIS_PARTIAL,
    }


class Matcher:
    """The matching rules of one index, read from its ``rules`` (as search.js reads them)."""

    def __init__(self, table: dict):
        self.table = table
        self.fold = str.maketrans(table["fold"])
        self.lookalikes = str.maketrans(table["lookalikes"])
        self.cyrillic = re.compile(f"[{table['cyrillic']}]")
        self.latin_lookalike = re.compile(f"[{''.join(table['lookalikes'])}]")
        self.stop_words = frozenset(table["stopWords"])
        self.endings = frozenset(table["endings"])
        self.longest_ending = max(map(len, self.endings), default=0)
        self.chain = table["chain"]
        self.alternations = frozenset(table["alternations"])
        self.min_stem, self.min_typo, self.max_ending = table["minStem"], table["minTypo"], table["maxEnding"]

    def normalize_word(self, word: str) -> str:
        """Case-fold a word, «ё» to «е», Latin lookalikes in a Cyrillic word to Cyrillic."""
        folded = word.lower().translate(self.fold)
        if self.cyrillic.search(folded) and self.latin_lookalike.search(folded):
            folded = folded.translate(self.lookalikes)
        return folded

    def tokens(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, normalized word) for every word in NFC text."""
        return [(m.start(), m.end(), self.normalize_word(m.group())) for m in TOKEN.finditer(text)]

    def all_words(self, query: str) -> list[str]:
        """The query's words of two letters or more, once each (crisis words are read from these)."""
        text = unicodedata.normalize("NFC", query[: self.table["maxQueryChars"]])
        words: list[str] = []
        for _, _, word in self.tokens(text):
            if len(word) >= self.table["minTokenLength"] and word not in words:
                words.append(word)
        return words

    def query_words(self, query: str) -> list[str]:
        """The words to search for: all_words without the stop words (unless that leaves none)."""
        words = self.all_words(query)
        subject = [word for word in words if word not in self.stop_words]
        return (subject or words)[: self.table["maxQueryTokens"]]

    def is_ending(self, rest: str) -> bool:
        if rest == "" or rest in self.endings:
            return True
        if not self.chain:
            return False
        # Can rest be cut into endings? reachable[i]: rest[:i] can.
        reachable = [True] + [False] * len(rest)
        for i in range(len(rest)):
            if reachable[i]:
                for j in range(i + 1, min(len(rest), i + self.longest_ending) + 1):
                    if rest[i:j] in self.endings:
                        reachable[j] = True
        return reachable[-1]

    def same_stem(self, q: str, w: str, p: int) -> bool:
        """Do q and w, sharing their first p letters, differ only in their endings?"""
        if (
            p < len(q)
            and p < len(w)
            and q[p] + w[p] in self.alternations
            and self.is_ending(q[p + 1 :])
            and self.is_ending(w[p + 1 :])
        ):
            return True
        for k in range(p, self.min_stem - 1, -1):
            if len(q) - k > self.max_ending or len(w) - k > self.max_ending:
                return False
            if self.is_ending(q[k:]) and self.is_ending(w[k:]):
                return True
        return False

    def quality(self, q: str, w: str) -> int:
        """How well w matches q, the typo rule without its last condition (see rank)."""
        if w.startswith(q):
            return EXACT if len(w) == len(q) else PREFIX
        p = common_prefix(q, w)
        if p >= self.min_stem and self.same_stem(q, w, p):
            return STEM
        if len(q) >= self.min_typo and one_edit_prefix(q, w, p):
            return TYPO
        return 0


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
    rest = t[p + 1 :]
    if w.startswith(rest, p):  # t has one letter too many
        return True
    if (
        p < len(w)
        and (
            w.startswith(rest, p + 1)  # one letter differs
            or w.startswith(t[p:], p + 1)
        )
    ):  # t lacks one letter
        return True
    return (
        p + 1 < len(t) and p + 1 < len(w) and t[p] == w[p + 1] and t[p + 1] == w[p] and w.startswith(t[p + 2 :], p + 2)
    )


@lru_cache(maxsize=8)
def matcher_for(lang: str) -> Matcher:
    return Matcher(rules(lang))


def matcher_of(index: dict) -> Matcher:
    """The index's own rules, compiled once per index (they never change while the app runs)."""
    return _built_for(index["rules"], Matcher)


_BUILT: OrderedDict[tuple[int, object], tuple[object, object]] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def _built_for(source, build):
    """build(source), remembered while ``source`` is one of the few last seen (an index part)."""
    key = (id(source), build)
    with _BUILT_LOCK:
        kept = _BUILT.get(key)
        if kept is not None and kept[0] is source:  # the object itself is kept, so its id is not reused
            _BUILT.move_to_end(key)
            return kept[1]
    made = build(source)
    with _BUILT_LOCK:
        _BUILT[key] = (source, made)
        while len(_BUILT) > 32:
            _BUILT.popitem(last=False)
    return made


# Shortcuts on the default (Russian and Kazakh share them) rules, for the tests and the views.
def normalize_word(word: str) -> str:
    return matcher_for("kk").normalize_word(word)


def tokens(text: str) -> list[tuple[int, int, str]]:
    return matcher_for("kk").tokens(text)


def query_words(query: str) -> list[str]:
    return matcher_for("kk").query_words(query)


def search(index: dict, query: str) -> dict:
    """{"total": number of matching pages, "results": the best MAX_RESULTS, rendered as segments}."""
    m = matcher_of(index)
    levels = [term_levels(index, q) for q in m.query_words(query)]
    ranked = rank(index, levels)
    terms = index["terms"]
    marked_words = {terms[t] for found in levels for t in found}
    limit = index["rules"]["maxResults"]
    return {
        "total": len(ranked),
        "results": [result(m, index, index["docs"][d], marked_words.__contains__) for d in ranked[:limit]],
    }


def term_levels(index: dict, q: str) -> dict[int, int]:
    """{term number: quality} for the terms q matches.

    The same set search.js finds by reading every term; here the sorted terms are searched by
    their first letters, and only a word with no better match reads them all for typos.
    """
    m, terms = matcher_of(index), index["terms"]
    found: dict[int, int] = {}
    start = q[: m.min_stem] if len(q) >= m.min_stem else q
    i = bisect_left(terms, start)
    while i < len(terms) and terms[i].startswith(start):
        level = m.quality(q, terms[i])
        if level > TYPO:
            found[i] = level
        i += 1
    if found or len(q) < m.min_typo:
        return found
    for i in sorted(typo_candidates(index, q)):
        if m.quality(q, terms[i]) == TYPO:
            found[i] = TYPO
    return found


def typo_candidates(index: dict, q: str) -> set[int]:
    """Terms that could be one edit from a prefix of q, found by their first letters.

    After two shared letters the edit is anywhere: the terms that start with q[:2]. An edit in
    the first two letters leaves a known start (a letter dropped, two swapped) or one unknown
    letter, tried for every letter that starts the terms' words.
    """
    terms = index["terms"]
    starts = {q[:2], q[1:], q[0] + q[2:], q[1] + q[0] + q[2:], q[0] + q[2] + q[1] + q[3:]}
    for c in _built_for(terms, _letters):
        starts.update((c + q[1:], c + q, q[0] + c + q[2:], q[0] + c + q[1:]))
    found: set[int] = set()
    for start in starts:
        i = bisect_left(terms, start)
        while i < len(terms) and terms[i].startswith(start):
            found.add(i)
            i += 1
    return found


def _letters(terms: list[str]) -> str:
    """Every letter in the first two places of a term."""
    return "".join(sorted({letter for term in terms for letter in term[:2]}))


def rank(index: dict, levels: list[dict[int, int]]) -> list[int]:
    """Pages in order, from each query word's {term: quality}."""
    postings = index["postings"]
    total: dict[int, int] | None = None
    for found in levels:
        best: dict[int, int] = {}
        for term, level in found.items():
            for packed in postings[term]:
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


def result(m: Matcher, index: dict, doc: list, matches) -> dict:
    url, title, summary, text, lang = doc
    return {
        "url": url,
        "lang": lang,
        "title": marked(m, title, matches),
        "snippet": snippet(m, index["rules"], summary, text, matches),
    }


@lru_cache(maxsize=256)
def _page_tokens(m: Matcher, text: str) -> tuple[tuple[int, int, str], ...]:
    """The words of a page's text, kept: the index does not change while the app runs."""
    return tuple(m.tokens(text))


def marked(m: Matcher, text: str, matches) -> list[list]:
    """The whole text as [[piece, is_match], …]."""
    return _segments(text, _page_tokens(m, text), 0, None, matches)


def snippet(m: Matcher, table: dict, summary: str, text: str, matches) -> list[list]:
    """The summary when it matches, else a window of the body around the first match.

    The body is read only as far as the window needs (pages can be long).
    """
    summary_tokens = _page_tokens(m, summary)
    if any(matches(w) for _, _, w in summary_tokens):
        return _segments(summary, summary_tokens, 0, None, matches)
    before, after = table["snippetWordsBefore"], table["snippetWords"]
    head: list = []
    recent: list = []
    window: list | None = None
    seen, more = 0, False
    for match in TOKEN.finditer(text):
        token = (match.start(), match.end(), m.normalize_word(match.group()))
        if window is None:
            if len(head) <= after:
                head.append(token)
            if matches(token[2]):
                window = [*recent, token]
            else:
                recent.append(token)
                if len(recent) > before:
                    recent.pop(0)
            seen += 1
        elif len(window) < after:
            window.append(token)
        else:
            more = True
            break
    start = seen - len(recent) - 1  # the number of the window's first word, when found
    if window is None:
        if summary:
            return [[summary, False]]
        window, more, start = head[:after], len(head) > after, 0
    segments = _segments(text, window, 0 if start == 0 else window[0][0], window[-1][1] if more else None, matches)
    if start > 0:
        segments.insert(0, ["… ", False])
    if more:
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


# Crisis words (the vocabulary is in crisis.py; the index file carries it)


def crisis(index: dict, query: str) -> list[list[str]]:
    """The help links for the crises the query speaks of: [[url, heading, page title], …], no repeats."""
    words = matcher_of(index).all_words(query)
    table = index["rules"]
    links: list[list[str]] = []
    for entry in index["crisis"]:
        if any(
            all(any(begins(table, stem, word) for word in words) for stem in trigger) for trigger in entry["triggers"]
        ):
            links += [link for link in entry["links"] if link not in links]
    return links


def begins(table: dict, stem: str, word: str) -> bool:
    """Does the crisis word beginning ``stem`` match the query word ``word``?"""
    if word.startswith(stem):
        return True
    if len(word) >= table["minCrisisPartial"] and stem.startswith(word):
        return True
    # One typo, but not in the stem's last letter: that would make «избит» begin «избирательный».
    p = common_prefix(stem, word)
    return len(stem) >= table["minCrisisTypo"] and p < len(stem) - 1 and one_edit_prefix(stem, word, p)


# The answer the reader sees: crisis help, then this language, else the other two


def answer(indexes: dict[str, dict], lang: str, query: str) -> dict:
    """{"crisis": [[url, heading, title], …], "total", "results", "elsewhere": True when the results
    come from the other languages because none matched in ``lang``}; urls relative to ``lang``'s
    search page. search.js does the same, fetching the other indexes only when it needs them."""
    index = indexes[lang]
    found = search(index, query)
    reply = {"crisis": crisis(index, query), **found, "elsewhere": False}
    if found["total"] or not query_words(query):
        return reply
    results, seen = [], set()
    for other, path in index["others"]:
        for hit in search(indexes[other], query)["results"]:
            url = relocate(path, hit["url"])
            if hit["lang"] != lang and url.rstrip("/").split("/")[-1] not in seen:
                seen.add(url.rstrip("/").split("/")[-1])
                results.append(dict(hit, url=url))
    limit = index["rules"]["maxResults"]
    return {**reply, "total": len(results), "results": results[:limit], "elsewhere": bool(results)}


def relocate(index_path: str, url: str) -> str:
    """A link relative to another language's search page, made relative to this one:
    ("../../en/search/index.json", "../police/") -> "../../en/police/"."""
    parts = index_path.split("/")[:-1]
    for segment in url.split("/"):
        if segment == ".." and parts and parts[-1] != "..":
            parts.pop()
        elif segment != ".":
            parts.append(segment)
    return "/".join(parts)


class RecentQueries:
    """The last few results of some work on a query, so that a query repeated (or hammered)
    costs a lookup.

    Keyed by a keyed hash of the query, made with a secret that lives and dies with the process:
    the keys hold no query in a form anyone could read back, and nothing is written anywhere. The
    values (answers, pages) do contain the query's words, in this process's memory only, until 255
    newer queries push them out.
    """

    def __init__(self, size: int = 256):
        self._secret = os.urandom(32)
        self._size = size
        self._values: OrderedDict[bytes, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, parts: list[str], build):
        key = hashlib.blake2b("\0".join(parts).encode("utf-8"), key=self._secret, digest_size=16).digest()
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
        found = build()
        with self._lock:
            self._values[key] = found
            if len(self._values) > self._size:
                self._values.popitem(last=False)
        return found


class AnswerCache(RecentQueries):
    """The last few answers: the same words, however typed, share one."""

    def get(self, indexes: dict[str, dict], lang: str, query: str) -> dict:
        return super().get([lang, *query_words(query)], lambda: answer(indexes, lang, query))
