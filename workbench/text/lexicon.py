"""Cue word lists that skip, in one set look-up, the sentences they cannot match.

Why not a bare regular expression per list: Python's ``re`` tries a list's alternation at
every word start of every sentence, and the cue lists of ``checkworthiness.py`` ran about
twenty of them over each one. That was two thirds of the time to suggest claims in a long
article, mostly spent on sentences none of a list's words occur in. A ``Lexicon`` knows
which words its matches can begin with, so a caller that has a sentence's words at hand
(``Words``) runs the expression only when one of them is there; where it runs, it is the
same expression, so the matches are exactly those of the alternation.

Notation of a list: entries separated by ``|``, in lower case unless the list is matched
against text as written. In an entry, ``*`` stands for any further word characters
(``rekord*``), ``#`` for one digit (``in 19##``); anything else is literal, spaces and
apostrophes included (``more than``, ``i'm``, ``п'ять``). A match starts and ends at a word
boundary; as in a regular alternation, the earliest entry that matches at a position wins
and matches do not overlap. ``clitics`` are letters that may be joined to a word's front
(Arabic writes "and"/"so", و/ف, that way: "وقال" is "and he said").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Words:
    """A sentence as lexicons read it: as written, in lower case with the same offsets, and
    the set of its words (``\\w+`` runs, lower-cased); ``count`` counts every occurrence."""

    text: str
    lowered: str
    found: frozenset[str]
    count: int

    @classmethod
    def of(cls, text: str) -> Words:
        lowered = lower_keeping_offsets(text)
        tokens = _WORD.findall(lowered)
        return cls(text, lowered, frozenset(tokens), len(tokens))


def lower_keeping_offsets(text: str) -> str:
    """``text`` in lower case with its offsets intact, so a match maps back to the original
    words ("İ" lowers to two code points and is kept as it is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A cue word list (notation in the module docstring); build it with ``of``."""

    pattern: re.Pattern[str]
    first_words: frozenset[str]
    first_prefixes: tuple[str, ...]
    clitics: str
    as_written: bool

    @classmethod
    def of(
        cls, entries: str, *, clitics: str = "", then: str = "", as_written: bool = False
    ) -> Lexicon:
        """Compile ``entries``; ``then`` is a regular expression a match must go on with
        (the third-person cue's "he … said"); ``as_written`` matches the text as written
        rather than lower-cased ("I" but not "i")."""
        alternatives: list[str] = []
        first_words: set[str] = set()
        first_prefixes: list[str] = []
        for entry in entries.split("|"):
            literal = re.match(r"[^*#]*", entry)
            head = _WORD.match(literal.group() if literal else "")
            if not entry or head is None or head.start() != 0:
                raise ValueError(f"a lexicon entry must start with a word: {entry!r}")
            whole_word = head.end() < len(entry) and entry[head.end()] not in "*#"
            if as_written:  # looked for in the text as written (``could_match``)
                first_prefixes.append(head.group())
            elif head.end() == len(entry) or whole_word:
                first_words.add(head.group())
            else:
                first_prefixes.append(head.group())
            alternatives.append(
                "".join(
                    r"\w*" if char == "*" else r"\d" if char == "#" else re.escape(char)
                    for char in entry
                )
            )
        clitic = f"[{re.escape(clitics)}]?" if clitics else ""
        pattern = re.compile(rf"(?<!\w){clitic}(?:{'|'.join(alternatives)})(?!\w){then}")
        return cls(pattern, frozenset(first_words), tuple(first_prefixes), clitics, as_written)

    def could_match(self, words: Words) -> bool:
        """False only when no match can begin in the sentence. A list matched as written
        looks for its first words in the text itself: lower-casing the sentence and the
        entries can disagree ("İ", a final "Σ"), so the set of lower-cased words could miss
        a match."""
        if self.as_written:
            return any(head in words.text for head in self.first_prefixes)
        if not self.first_words.isdisjoint(words.found):
            return True
        if self.first_prefixes and any(prefix in words.lowered for prefix in self.first_prefixes):
            return True
        return bool(self.clitics) and not self.first_words.isdisjoint(
            word[1:] for word in words.found if word[0] in self.clitics
        )

    def finditer(self, words: Words) -> Iterator[re.Match[str]]:
        """The matches, with offsets into the sentence."""
        if not self.could_match(words):
            return iter(())
        return self.pattern.finditer(words.text if self.as_written else words.lowered)

    def search(self, words: Words) -> bool:
        """Whether the sentence holds a match."""
        text = words.text if self.as_written else words.lowered
        return self.could_match(words) and self.pattern.search(text) is not None
