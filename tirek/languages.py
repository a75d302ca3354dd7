"""The site's languages: which, in what order, their names, the default and the fallbacks.

Every other module takes these from here, so adding a language is one edit.
"""

from __future__ import annotations

LANGUAGES = ("kk", "ru", "en")
# Pages are written in English first; kk and ru translate it (see tracking.py).
SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)
# When Accept-Language names none of ours: most people in Kazakhstan read Russian.
DEFAULT_LANGUAGE = "ru"
# Each language's own name for itself, for the language switch.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# Where a page missing in one language is taken from: Kazakh readers nearly all read Russian;
# Russian readers get English before Kazakh.
FALLBACK_ORDER = {
    "kk": ("kk", "ru", "en"),
    "ru": ("ru", "en", "kk"),
    "en": ("en", "ru", "kk"),
}


def fallback_order(lang: str) -> tuple[str, ...]:
    return FALLBACK_ORDER.get(lang, LANGUAGES)
