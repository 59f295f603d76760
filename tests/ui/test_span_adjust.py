"""A claim's span moved from the keyboard: what the browser sends is checked and completed
to whole words before it is saved (``span_selector.parse_adjusted``)."""

from __future__ import annotations

import pytest

from workbench.ui.components.span_selector import AdjustedSpan, parse_adjusted

BODY = "Kallas said the budget grew by €2 billion 😀 in 2022."


def _span(start: int, end: int, claim_id: object = 7) -> dict[str, object]:
    return {"claim_id": claim_id, "start": start, "end": end, "text": BODY[start:end]}


def test_a_span_is_completed_to_whole_words() -> None:
    start = BODY.index("budget")
    assert parse_adjusted(_span(start + 2, BODY.index("grew") + 2), BODY, (7,)) == AdjustedSpan(
        7, start, BODY.index("grew") + len("grew")
    )


def test_offsets_count_code_points() -> None:
    start = BODY.index("in 2022")
    assert parse_adjusted(_span(start, start + 7), BODY, (7,)) == AdjustedSpan(7, start, start + 7)


@pytest.mark.parametrize(
    "raw",
    [
        _span(0, 6, claim_id=8),  # a claim not drawn at its own span
        _span(0, 6, claim_id=True),
        _span(0, len(BODY) + 1),
        _span(6, 6),
        _span(6, 7),  # only a space
        {"claim_id": 7, "start": "0", "end": 6},
        None,
    ],
)
def test_anything_else_is_ignored(raw: object) -> None:
    assert parse_adjusted(raw, BODY, (7,)) is None
