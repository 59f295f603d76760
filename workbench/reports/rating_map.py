"""Mapping foreign verdict labels onto our rating scale.

A mapping table is a TSV file, one ``foreign label<TAB>our label`` per line
(``#`` starts a comment line). An empty right-hand side means "a known label
that has no place on our scale": the claim is imported without a verdict rather
than refused. Right-hand sides may themselves be keys of a second table, so a
per-site table (``fałsz → false``) can be chained onto a class table
(``false → False``) with :meth:`RatingMap.then`.

Real labels differ from the table in case, trailing punctuation (``prawda.``),
diacritics typed or not (``falsz``), snake_case (``missing_context``), or are
whole sentences that start with the verdict (demagog.org.pl). Lookups therefore
compare a normalised key, then fall back to the key without Latin diacritics,
then to the text before the first sentence break. Non-Latin scripts are left
intact: Devanagari vowel signs are combining marks too, and dropping them would
merge different words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InvalidInput

BUILTIN_DIR = Path(__file__).resolve().parent / "rating_maps"
_PUNCTUATION = " \t.,;:!?¡¿…\"'“”„«»‹›()[]{}*-–—/\\|"
_BREAK = re.compile(r"[.!?:;,/(]|\s[-–—]\s")


def normalise(label: str) -> str:
    """Compare-key for a label: NFKC, case-folded, ``_`` as space, single spaces,
    no surrounding punctuation."""
    text = unicodedata.normalize("NFKC", label).casefold().replace("_", " ")
    return " ".join(text.split()).strip(_PUNCTUATION)


def strip_latin_diacritics(text: str) -> str:
    """``fałsz`` → ``falsz``, ``engañoso`` → ``enganoso``; other scripts unchanged."""
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and out[-1].isascii():
            continue
        out.append(char)
    folded = unicodedata.normalize("NFC", "".join(out))
    return folded.translate(_LATIN_LETTERS)


# Latin letters that are not base letter + combining mark in Unicode.
_LATIN_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ı": "i", "æ": "ae", "œ": "oe", "ħ": "h"}
)


@dataclass
class RatingMap:
    """Normalised foreign label → our label ("" = known, but no verdict)."""

    entries: dict[str, str] = field(default_factory=dict)
    name: str = ""

    def add(self, foreign: str, ours: str) -> None:
        key = normalise(foreign)
        if key:
            self.entries.setdefault(key, ours.strip())
            self.entries.setdefault(strip_latin_diacritics(key), ours.strip())

    def lookup(self, label: str) -> str | None:
        """Our label for ``label``, "" for a deliberately unrated label, None if unknown."""
        key = normalise(label)
        for candidate in (key, strip_latin_diacritics(key), _first_sentence(key)):
            if candidate in self.entries:
                return self.entries[candidate]
        return None

    def then(self, other: RatingMap) -> RatingMap:
        """This table's right-hand sides looked up in ``other`` (site label → gloss → ours).
        Labels whose gloss ``other`` does not know are left out."""
        chained = RatingMap(name=f"{self.name} → {other.name}")
        for key, gloss in self.entries.items():
            ours = other.lookup(gloss)
            if ours is not None:
                chained.entries[key] = ours
        return chained

    def __len__(self) -> int:
        return len(self.entries)


def _first_sentence(key: str) -> str:
    match = _BREAK.search(key)
    return key[: match.start()].strip(_PUNCTUATION) if match else key


def parse_rating_map(text: str, name: str = "") -> RatingMap:
    """Read a mapping table; lines that are URLs (methodology links) or comments are skipped."""
    mapping = RatingMap(name=name)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#") or "://" in line.split("\t")[0]:
            continue
        if "\t" not in line:
            raise InvalidInput(
                f"Rating map {name or ''} line {number}: expected “foreign label<TAB>our label”."
            )
        foreign, ours = line.split("\t", 1)
        mapping.add(foreign, ours.split("\t")[0])
    return mapping


def load_rating_map(path: Path | str) -> RatingMap:
    """A mapping table from a file path, or the name of a built-in one (``politifact``)."""
    path = Path(path)
    if not path.exists() and (BUILTIN_DIR / f"{path.name}.tsv").exists():
        path = BUILTIN_DIR / f"{path.name}.tsv"
    try:
        return parse_rating_map(path.read_text(encoding="utf-8-sig"), path.stem)
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"Cannot read the rating map {path}: {error}.") from error


def builtin_maps() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.tsv"))
