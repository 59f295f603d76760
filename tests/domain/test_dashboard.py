"""Dashboard aggregates (workbench.dashboard) give exact figures on a known dataset,
on SQLite and PostgreSQL, with and without filters."""

from __future__ import annotations

from datetime import date

import pytest

from tests.domain.test_review import Desk, build_desk
from workbench import dashboard as dash
from workbench import db
from workbench.filters import ClaimFilters, filter_options

ALL = ClaimFilters()


@pytest.fixture
def desk(engine, reviewer, editor) -> Desk:
    return build_desk(engine, reviewer, editor)


def figures(engine, filters: ClaimFilters = ALL) -> dash.Dashboard:
    with db.read_session(engine) as session:
        return dash.dashboard(session, filters)


def counts(bars: list[dash.Bar]) -> dict[str, int]:
    return {bar.label: bar.count for bar in bars if bar.count}


def test_empty_database_gives_zero_figures(engine):
    data = figures(engine)
    assert data.total_claims == 0
    assert [bar.label for bar in data.verdicts] == [
        "True", "Mostly true", "Half true", "Mostly false", "False", "Pants on fire"]
    assert not counts(data.verdicts) and not counts(data.states)
    assert data.weeks == [] and data.reviewers == [] and data.outlets == []
    assert data.tags == [] and data.repeated == [] and data.claimants == []
    assert not counts(data.time_to_verdict)


def test_aggregates_on_known_dataset(engine, desk, reviewer):
    data = figures(engine)
    assert counts(data.verdicts) == {"True": 1, "False": 1}
    assert [bar.colour for bar in data.verdicts][:1] == ["#1b7f3b"]
    assert [(b.key, b.count) for b in data.states] == [
        ("new", 1), ("researching", 0), ("in_review", 1), ("approved", 2), ("dismissed", 0)]
    assert [(w.label, w.start, w.approved, w.avg_days) for w in data.weeks] == [
        ("2026-W02", date(2026, 1, 5), 1, 2.0), ("2026-W03", date(2026, 1, 12), 1, 10.0)]
    assert counts(data.reviewers) == {reviewer.name: 2}
    assert counts(data.time_to_verdict) == {"1–3 days": 1, "1–2 weeks": 1}
    assert [(b.label, b.count) for b in data.outlets] == [("TROIB News", 3), ("Daily Other", 1)]
    assert [(b.label, b.count) for b in data.claimants] == [
        ("Reports", 2), ("Ursula von der Leyen", 2)]
    assert [(b.label, b.count) for b in data.tags] == [("eu", 3), ("aid", 1)]
    assert [(b.key, b.count) for b in data.repeated] == [(str(desk.claim_ids[0]), 1)]
    assert data.repeated[0].label.startswith(f"#{desk.claim_ids[0]} valued")


@pytest.mark.parametrize(("filters", "states", "verdicts"), [
    (ClaimFilters(outlet="Daily Other"), {"new": 1}, {}),
    (ClaimFilters(tag="aid"), {"approved": 1}, {"False": 1}),
    (ClaimFilters(reviewer="eddie"), {}, {}),
    (ClaimFilters(states=("approved",)), {"approved": 2}, {"True": 1, "False": 1}),
    (ClaimFilters(start=date(2026, 1, 6)), {}, {}),
    (ClaimFilters(start=date(2026, 1, 5), end=date(2026, 1, 5)),
     {"new": 1, "in review": 1, "approved": 2}, {"True": 1, "False": 1}),
])
def test_filters_narrow_claim_counts(engine, desk, filters, states, verdicts):
    data = figures(engine, filters)
    assert counts(data.states) == states
    assert counts(data.verdicts) == verdicts


def test_date_range_selects_approvals_for_throughput(engine, desk):
    data = figures(engine, ClaimFilters(start=date(2026, 1, 8), end=date(2026, 1, 31)))
    assert [(w.label, w.approved) for w in data.weeks] == [("2026-W03", 1)]
    assert counts(data.time_to_verdict) == {"1–2 weeks": 1}
    data = figures(engine, ClaimFilters(end=date(2026, 1, 7)))
    assert [(w.label, w.approved) for w in data.weeks] == [("2026-W02", 1)]


@pytest.mark.parametrize(("dimension", "value", "expected"), [
    ("rating", "False", [0]), ("state", "in_review", [2]), ("week", "2026-01-12", [1]),
    ("reviewer", "rita", [1, 0]), ("time", "1", [0]), ("time", "3", [1]),
    ("outlet", "Daily Other", [3]), ("claimant", "Reports", [2, 0]), ("tag", "eu", [3, 1, 0]),
    ("repeated", "c0", [3, 0]),
])
def test_claims_for_selection(engine, desk, dimension, value, expected):
    with db.read_session(engine) as session:
        if dimension == "rating":
            value = next(b.key for b in dash.verdict_distribution(session, ALL)
                         if b.label == value)
        if value == "c0":
            value = str(desk.claim_ids[0])
        found = dash.claims_for_selection(session, ALL, dimension, value)
    assert [ref.id for ref in found] == [desk.claim_ids[i] for i in expected]


def test_selection_respects_filters(engine, desk):
    with db.read_session(engine) as session:
        found = dash.claims_for_selection(session, ClaimFilters(tag="aid"), "tag", "eu")
        assert [ref.id for ref in found] == [desk.claim_ids[0]]
        with pytest.raises(ValueError):
            dash.claims_for_selection(session, ALL, "colour", "red")


def test_filter_options(engine, desk):
    with db.read_session(engine) as session:
        options = filter_options(session)
    assert options["outlet"] == ["Daily Other", "TROIB News"]
    assert options["tag"] == ["aid", "eu"]
    assert {"rita", "eddie"} <= set(options["reviewer"])
