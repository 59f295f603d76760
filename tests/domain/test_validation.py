"""The shared input checks in ``workbench.validation`` (no database needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import InvalidInput
from workbench.validation import (
    MAX_ID,
    clean_line,
    clean_text,
    clean_url,
    parse_id,
    shorten,
    strip_controls,
)


def test_strip_controls_keeps_tabs_and_turns_breaks_into_newlines() -> None:
    raw = "a\x00b\x1b[31mc\x7fd\ud800e\tf\r\ng\rh\x0bi\x0cj\u2028k\x85l"
    assert strip_controls(raw) == "ab[31mcde\tf\ng\nh\ni\nj\nk\nl"


def test_clean_line_collapses_and_strips() -> None:
    assert clean_line(" Mr\x00X \t\n said\ud800 ", field="Claimant", max_length=20) == "MrX said"


def test_clean_text_keeps_lines_and_counts_after_cleaning() -> None:
    text = clean_text("  one\x00\r\n\ttwo  ", field="Rationale", max_length=8)
    assert text == "one\n\ttwo"
    with pytest.raises(InvalidInput, match="Rationale is too long"):
        clean_text("x" * 9, field="Rationale", max_length=8)
    with pytest.raises(InvalidInput, match="Comment is required"):
        clean_text("\x00 \n", field="Comment", max_length=8, required=True)


@given(st.text())
def test_cleaned_text_is_storable_everywhere(value: str) -> None:
    """Whatever comes in, the result encodes as UTF-8 and holds no control character
    PostgreSQL or a terminal would choke on."""
    for multiline in (True, False):
        text = clean_text(value, field="Text", max_length=10**9, multiline=multiline)
        text.encode("utf-8")
        allowed = "\t\n" if multiline else ""
        assert not any((ord(c) < 32 and c not in allowed) or c == "\x7f" for c in text)


def test_clean_url_refuses_whitespace_inside_and_strips_controls() -> None:
    assert clean_url("https://example.org/a\x00b", field="URL") == "https://example.org/ab"
    for url in ("https://example.org/a b", "https://exa\nmple.org/", "https://example.org/\tx"):
        with pytest.raises(InvalidInput, match="full web address"):
            clean_url(url, field="URL")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short title", "short title"),
        ("word " * 30, "word word word word word word word word word word word…"),
        ("x" * 80, "x" * 59 + "…"),  # one long word: cut inside it
        ("The plan, said Kallas, is ready, " + "y" * 60, "The plan, said Kallas, is ready…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary(text: str, expected: str) -> None:
    shortened = shorten(text.strip(), 60)
    assert shortened == expected and len(shortened) <= 60


@pytest.mark.parametrize("text", ["1", "12", " 7 ", "+3", "007", str(MAX_ID)])
def test_parse_id_accepts_whole_numbers(text: str) -> None:
    assert parse_id(text) == int(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("²", "whole number"),
        ("٣", "whole number"),
        ("1.5", "whole number"),
        ("", "whole number"),
        ("12abc", "whole number"),
        ("0", "between 1 and"),
        ("-1", "between 1 and"),
        ("18446744073709551616", "between 1 and"),
        ("99999999999999999999999", "between 1 and"),
        (str(MAX_ID + 1), "between 1 and"),
        ("9" * 5000, "between 1 and"),
    ],
)
def test_parse_id_refuses_what_cannot_name_a_row(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_id(text, field="Claim id")
