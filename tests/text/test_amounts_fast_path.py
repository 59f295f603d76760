"""The amount scanner's fast path finds exactly what a full ``finditer`` scan finds.

``scan`` tries the big pattern only near anchors (digits and scale words); these
properties compare it with the plain scan on text built from the pieces the pattern
cares about (currencies, scale and number words, months, separators, Cyrillic, Arabic
digits, case-folding oddities such as "ſ" and the Kelvin sign) mixed with random text.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.text import amounts

PIECES = [
    "$",
    "US$",
    "us$",
    "A$",
    "€",
    "£",
    "₴",
    "¥",
    "₽",
    "₹",
    "usd",
    "EUR",
    "chf",
    "rub",
    "inr",
    "0",
    "1",
    "5",
    "12",
    "1,600",
    "6.2",
    "1.600",
    "7 000",
    "7\u202f000",
    "2022",
    "1999",
    "03",
    " ",
    "  ",
    "\n",
    "\t",
    "-",
    ".",
    ",",
    "%",
    "٪",
    "(",
    "x",
    "a",
    "an",
    "A",
    "one",
    "Two",
    "drei",
    "п'ять",
    "десять",
    "billion",
    "Billion",
    "billionen",
    "million",
    "Millionen",
    "thousand",
    "THOUSAND",
    "mio.",
    "Mrd.",
    "bn",
    "mn",
    "k",
    "m",
    "b",
    "tn",
    "tausend",
    "milliard",
    "мільйон",
    "мільярди",
    "тисяч",
    "тис.",
    "млрд",
    "трлн",
    "مليون",
    "مليار",
    "ألف",
    "dollars",
    "Dollar",
    "euros",
    "pounds sterling",
    "грн",
    "гривень",
    "دولار",
    "per cent",
    "percent",
    "Prozent",
    "відсотків",
    "في المائة",
    "March",
    "Sept.",
    "September",
    "März",
    "листопада",
    "يناير",
    "6.",
    "6th",
    "1st",
    "року",
    "році",
    "s",
    "er",
    "COVID",
    "G",
    "ſ",
    "\u212a",
    "İ",
    "ı",
    "٣",
    "٫",
    "٬",
    "۱",
    "é",
    "_",
]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30).map("".join)


def _full(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def _fast(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in amounts._matches(pattern, text)]


@settings(max_examples=1500, deadline=None)
@given(TEXT)
@example("xMarch 6, 2021")  # a month mid-word: no left boundary in the pattern
@example("A$5 and US$ 5 and x$5 and a thousand euros")
def test_fast_path_matches_full_scan(text: str) -> None:
    for pattern in (amounts._PLAIN, amounts._SPACED):
        for candidate in {text, text.translate(amounts._DIGITS)}:
            assert _fast(pattern, candidate) == _full(pattern, candidate)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_anchors_are_every_candidate_position(text: str) -> None:
    expected = [i for i in range(len(text)) if amounts._CANDIDATE.match(text, i)]
    assert amounts._anchors(text) == expected


def test_reach_covers_the_longest_lead_in() -> None:
    """A match's first anchor is at most one space after a month, number word or currency."""
    for lead in ("September 6", "листопада 2024", "десять мільйонів доларів", "US$ 5"):
        match = amounts._PLAIN.search(lead)
        anchor = amounts._anchors(lead)[0]
        assert match is not None and match.start() == 0 and anchor <= amounts._REACH


def test_scan_is_unchanged_on_known_sentences() -> None:
    sentences = [
        ("The deficit hit $6.2 billion in 2022, up 12% since March 6.", "en"),
        ("Die Regierung plant 1,6 Billionen Euro bis 2030.", "de"),
        ("Уряд виділив 7 000 грн, тобто десять мільйонів доларів.", "uk"),
        ("ارتفع التضخم 41 في المائة و ٣٫٥ مليون دولار", "ar"),
        ("a million dollars and COVID-19 and G7 in Sept. 2021", "en"),
        ("No numbers here at all.", "en"),
    ]
    for text, language in sentences:
        pattern = amounts._SPACED if language in amounts._SPACE_GROUPS else amounts._PLAIN
        translated = text.translate(amounts._DIGITS)
        assert [item.start for _kind, item in amounts.scan(text, language)] == [
            m.start()
            for m in pattern.finditer(translated)
            if m.lastgroup in ("date", "pct", "num") or m.lastgroup.startswith("m")
        ]
