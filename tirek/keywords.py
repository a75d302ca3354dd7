"""An A–Z of the pages' keywords: search for readers whose copy cannot search.

A static copy opened as a file, or read without JavaScript, has no search (there is no
server to ask); the one-file copy has none either. The words readers would type are in
each page's ``keywords``, so an index of them, in the order of the reader's alphabet,
leads to the same pages.
"""

from __future__ import annotations

from .search import normalize_word

# Each language's alphabet in its own order (the Kazakh letters ә, ғ, қ, ң, ө, ұ, ү, һ, і sit
# where Kazakh dictionaries put them); other letters follow, in Unicode order.
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}
LATIN = ALPHABETS["en"]
DIGITS = "0–9"


def sort_key(word: str, lang: str):
    alphabet = ALPHABETS.get(lang, LATIN)
    # The reader's own letters first, then Latin (VPN, Telegram in a Russian list), then the rest.
    order = alphabet + "".join(c for c in LATIN if c not in alphabet) + ALPHABETS["ru"] + ALPHABETS["kk"]
    letters = word.casefold()
    # Spaces and dashes first, so "pass on" comes before "passport", as in a dictionary.
    return [
        (1, int(c)) if c.isdigit() else (2, order.index(c)) if c in order else (3, ord(c)) if c.isalpha() else (0, 0)
        for c in letters
    ], word


def heading(word: str) -> str:
    first = word[0]
    return DIGITS if first.isdigit() else first.upper()


def keyword_groups(pages, lang: str) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(letter, [(keyword, [pages])])], keywords merged whatever their case, in alphabet order."""
    entries: dict[str, tuple[str, list]] = {}
    for page in pages:
        for word in page.keywords:
            key = normalize_word(word)
            shown, found = entries.setdefault(key, (word, []))
            if page not in found:
                found.append(page)
    groups: dict[str, list] = {}
    for shown, found in sorted(entries.values(), key=lambda entry: sort_key(entry[0], lang)):
        groups.setdefault(heading(shown), []).append((shown, found))
    return list(groups.items())
