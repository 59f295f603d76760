"""Mapping offsets of an article body onto its next version."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text.alignment import align

OLD = "The minister said the budget was $6.2 billion. Critics disagreed. It passed."


def test_unchanged_text_maps_exactly_past_an_insertion() -> None:
    new = "Breaking: " + OLD
    start = OLD.index("$6.2 billion")
    mapped = align(OLD, new).map_span(start, start + 12)
    assert mapped == (start + 10, start + 22)
    assert new[mapped[0] : mapped[1]] == "$6.2 billion"


def test_text_that_changed_does_not_map() -> None:
    new = OLD.replace("$6.2 billion", "$6.5 billion")
    alignment = align(OLD, new)
    start = OLD.index("the budget was $6.2 billion")
    assert alignment.map_span(start, start + len("the budget was $6.2 billion")) is None
    critics = OLD.index("Critics")
    assert alignment.map_span(critics, critics + 7) == (critics, critics + 7)


def test_map_near_follows_the_last_unchanged_text() -> None:
    new = "Intro. " + OLD.replace("Critics disagreed.", "Several critics strongly disagreed.")
    alignment = align(OLD, new)
    old_offset = OLD.index("Critics")
    near = alignment.map_near(old_offset)
    assert abs(near - new.index("Several critics")) <= len("Several ")
    assert alignment.map_near(len(OLD) + 50) == len(new)


def test_unicode_offsets_are_code_points() -> None:
    old = "👍🏽 Уряд України: قال الوزير e\u0301te\u0301 — кінець."
    new = "🎉🎉 " + old
    start = old.index("قال الوزير")
    assert align(old, new).map_span(start, start + 10) == (start + 3, start + 13)


@pytest.mark.parametrize("new", ["", "completely different words"])
def test_nothing_in_common(new: str) -> None:
    alignment = align(OLD, new)
    assert alignment.map_span(0, 3) is None
    assert 0 <= alignment.map_near(10) <= len(new)


@settings(max_examples=200, deadline=None)
@given(old=st.text(max_size=80), new=st.text(max_size=80), data=st.data())
def test_a_mapped_span_always_holds_the_same_text(old: str, new: str, data: st.DataObject) -> None:
    if not old:
        return
    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    mapped = align(old, new).map_span(start, end)
    if mapped is not None:
        assert new[mapped[0] : mapped[1]] == old[start:end]
    assert align(old, old).map_span(start, end) == (start, end)
