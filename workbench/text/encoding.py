"""Decoding uploaded text: BOMs, declared charsets, and a careful guess for legacy files.

A wrong guess silently garbles names and quotes a fact-checker then anchors claims to, so a
guess that reads as garbage is refused rather than used, and every guess carries a warning.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer


class ArticleInputError(ValueError):
    """Input we refuse; the message is shown to the reviewer as is, so it must say what to do."""


# Checked longest first, so UTF-32 LE is not mistaken for UTF-16 LE.
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# DOS, EBCDIC, classic-Mac and UTF-7 code pages: not used for news text today, yet they map
# typographic quotes and dashes to letters, so they "fit" cp1252 text better than cp1252 does.
_OBSOLETE_ENCODINGS = [
    "cp037",
    "cp273",
    "cp424",
    "cp437",
    "cp500",
    "cp720",
    "cp737",
    "cp775",
    "cp850",
    "cp852",
    "cp855",
    "cp856",
    "cp857",
    "cp858",
    "cp860",
    "cp861",
    "cp862",
    "cp863",
    "cp864",
    "cp865",
    "cp866",
    "cp869",
    "cp875",
    "cp1006",
    "cp1026",
    "cp1125",
    "cp1140",
    "hp_roman8",
    "mac_cyrillic",
    "mac_greek",
    "mac_iceland",
    "mac_latin2",
    "mac_roman",
    "mac_turkish",
    "utf_7",
]
# Candidates the detector scores within this "mess" distance of its favourite are treated
# as equally plausible; short Latin-script texts often decode cleanly in several code pages.
_CHAOS_TOLERANCE = 0.1


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if Python knows it."""
    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    # As in browsers (WHATWG Encoding), these labels mean windows-1252 in practice.
    if label in {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page whose bytes reached us as ASCII-compatible cannot really be UTF-16/32 (WHATWG).
    return None if name.startswith(("utf-16", "utf-32")) else name


def decode(data: bytes, declared: str | None) -> tuple[str, str, list[str]]:
    """Decode bytes: BOM, then strict UTF-8, then a declared charset, then detection.

    Strict UTF-8 comes before a declared charset because legacy bytes almost never form valid
    multi-byte UTF-8, while mislabelled UTF-8 pages are common.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise ArticleInputError(
                    f"The file says it is {encoding} but is damaged; save it again as UTF-8."
                ) from exc
    candidates = ["utf-8"] + ([declared] if declared else [])
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError:
            continue
    return _detect(data)


def _detect(data: bytes) -> tuple[str, str, list[str]]:
    """Guess a legacy encoding with charset-normalizer, refusing guesses that read as garbage.

    Among equally plausible candidates we prefer the one with the fewest symbols wedged inside
    words (cp1252 reads Polish "Rząd" as "Rz¹d"), then the better language fit, then
    windows-1252, the commonest legacy encoding. The detector alone picked cp1257 for
    ordinary French text in our tests.
    """
    refuse = ArticleInputError(
        "We could not work out the text encoding of this file. Open it in a text editor and "
        "save it as UTF-8, or paste the text instead."
    )
    matches = list(charset_normalizer.from_bytes(data, cp_exclusion=_OBSOLETE_ENCODINGS))
    if not matches:
        raise refuse
    floor = min(match.chaos for match in matches)
    plausible = [match for match in matches if match.chaos <= floor + _CHAOS_TOLERANCE]
    best = max(
        plausible,
        key=lambda m: (-_symbols_inside_words(str(m)), m.coherence, m.encoding == "cp1252"),
    )
    text = str(best)
    junk = sum(
        ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") for ch in text
    )
    if junk > len(text) * 0.01:
        raise refuse
    warning = f"The text encoding was guessed as {best.encoding}."
    if any(str(match) != text for match in plausible):
        warning += " Other encodings read some letters differently: check accented letters."
    return text, best.encoding, [warning]


def _symbols_inside_words(text: str) -> int:
    """Count non-ASCII non-letters between two letters, a typical sign of a wrong code page."""
    return sum(
        1
        for before, char, after in zip(text, text[1:], text[2:], strict=False)
        if ord(char) > 127
        and char not in "’ʼ‐‑–"
        and unicodedata.category(char)[0] not in "LM"
        and before.isalpha()
        and after.isalpha()
    )
