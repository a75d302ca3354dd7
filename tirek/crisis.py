"""Crisis words: a query about suicide, self-harm, violence or being detained always answers with help.

Whatever else a search finds, when its words say that the reader (or a friend) is in danger right
now, the answer starts with the sections written for that moment and the contacts. This table is
the one place that vocabulary lives: the server reads it here, and search.js gets it in each
language's index file, so both answer alike, online and offline.

Each entry of ``words`` is one or more word beginnings: it matches a query when every one of them
begins a word of the query («избил» matches «избили», «избила»), is one typo away from it (five
letters or more), or is still being typed (four letters or more). One-letter words are left out,
as the search leaves them out of queries. Words of every language count on every language's search: a Kazakh reader
often types Russian. Write beginnings short enough for the inflected forms and long enough not
to begin ordinary words. ``links`` are sections by their stable ids (``{#crisis}`` in the
Markdown); a page that does not exist yet is left out, a missing id links to the page's top.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Crisis:
    name: str
    links: tuple[str, ...]  # "slug#id"
    words: dict[str, tuple[str, ...]]


CRISES = (
    Crisis(
        "suicide",
        links=("mental-health#crisis", "help-a-friend#crisis", "contacts#talk"),
        words={
            "en": (
                "suicid",
                "kill myself",
                "kill me",
                "want die",
                "end my life",
                "self harm",
                "selfharm",
                "hurt myself",
                "cut myself",
                "cutting myself",
                "overdose",
            ),
            "ru": (
                "суицид",
                "самоубий",
                "покончить",
                "убить себя",
                "убью себя",
                "не хоч жить",
                "хоч умерет",
                "хоч умирать",
                "жить не хоч",
                "не могу жить",
                "селфхарм",
                "самоповрежд",
                "режу себя",
                "резать себя",
                "порез",
                "навредить себе",
                "вскрыть вены",
                "повеситься",
            ),
            "kk": (
                "суицид",
                "өзіне қол жұмса",
                "өзіме қол жұмса",
                "өзін өлтір",
                "өзімді өлтір",
                "өлгім",
                "өлгісі",
                "өмір сүргім келмей",
                "өмір сүргісі келмей",
                "өзіме зиян",
                "өзіне зиян",
                "асылып",
            ),
        },
    ),
    Crisis(
        "detained",
        links=("police#detained", "contacts#emergency"),
        words={
            "en": ("detain", "arrest", "custody", "taken by police", "police took", "police raid", "raid"),
            "ru": (
                "задержал",
                "задержан",
                "арест",
                "забрали в полиц",
                "увезли в полиц",
                "забрала полиц",
                "облав",
                "рейд",
                "обезьянник",
            ),
            "kk": (
                "ұстады",
                "ұстап алды",
                "ұстап кетті",
                "ұсталды",
                "қамады",
                "қамауға",
                "қамалды",
                "полиция алып кетті",
                "полицияға алып",
                "рейд",
            ),
        },
    ),
    Crisis(
        "violence",
        links=("contacts#emergency", "contacts#talk"),
        words={
            "en": (
                "beaten",
                "beat me",
                "beating",
                "attacked",
                "assault",
                "violence",
                "violent",
                "raped",
                "rape",
                "hit me",
                "hits me",
                "abused",
                "abuse",
            ),
            "ru": (
                "избил",
                "избит",
                "избиен",
                "бьют",
                "бьет",
                "побои",
                "побили",
                "насили",
                "изнасил",
                "напал",
                "ударил",
                "угрожают убить",
            ),
            "kk": ("ұрып", "ұрды", "соқты", "зорлық", "зорлады", "шабуыл"),
        },
    ),
    Crisis(
        "blackmail",
        links=("blackmail#now", "contacts#emergency"),
        words={
            "en": ("blackmail", "extort", "sextort", "threaten to out", "threatening to out"),
            "ru": ("шантаж", "вымогат", "угрожают рассказать", "угрожают слить", "требуют деньги"),
            "kk": ("бопсала", "шантаж", "қорқытып ақша", "жария етемін"),
        },
    ),
)


def crisis_table(normalize, min_length: int) -> list[dict]:
    """The vocabulary for an index file: [{"name", "triggers": [[word beginning, …], …]}, …]."""
    table = []
    for crisis in CRISES:
        triggers = []
        for phrases in crisis.words.values():
            for phrase in phrases:
                trigger = [normalize(word) for word in phrase.replace("-", " ").split()]
                trigger = [word for word in trigger if len(word) >= min_length]
                if trigger and trigger not in triggers:
                    triggers.append(trigger)
        table.append({"name": crisis.name, "triggers": triggers})
    return table
