"""Dashboard aggregates (workbench.dashboard) give exact figures on a known dataset,
on SQLite and PostgreSQL, with and without filters; the figures read from the summary
rows equal the direct GROUP BY; only editors see them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests.conftest import statements_run
from workbench import dashboard as dash
from workbench import db, summary, users
from workbench.errors import PermissionDenied
from workbench.filters import ClaimFilters
from workbench.models import Claim, User

ALL = ClaimFilters()
FIGURES = dash.DIRECT_FIGURES


def figures(engine, editor, filters: ClaimFilters = ALL) -> dash.Dashboard:
    with db.read_session(engine) as session:
        return dash.dashboard(session, editor, filters)


def direct(engine, filters: ClaimFilters) -> dash.Dashboard:
    """The same figures by the direct GROUP BY over claims and verdicts, the filters as
    conditions on each query (``workbench.filters``: the reference)."""
    with db.read_session(engine) as session:
        return dash.Dashboard(*[figure(session, filters) for figure in FIGURES])


def counts(bars: list[dash.Bar]) -> dict[str, int]:
    return {bar.label: bar.count for bar in bars if bar.count}


def test_empty_database_gives_zero_figures(engine, editor):
    data = figures(engine, editor)
    assert data.total_claims == 0
    assert [bar.label for bar in data.verdicts] == [
        "True",
        "Mostly true",
        "Half true",
        "Mostly false",
        "False",
        "Pants on fire",
    ]
    assert not counts(data.verdicts) and not counts(data.states)
    assert data.weeks == [] and data.reviewers == [] and data.outlets == []
    assert data.tags == [] and data.repeated == [] and data.claimants == []
    assert not counts(data.time_to_verdict)


def test_aggregates_on_known_dataset(engine, desk, reviewer, editor):
    data = figures(engine, editor)
    assert counts(data.verdicts) == {"True": 1, "False": 1}
    assert [bar.colour for bar in data.verdicts][:1] == ["#1b7f3b"]
    assert [(b.key, b.count) for b in data.states] == [
        ("new", 1),
        ("researching", 0),
        ("in_review", 1),
        ("approved", 2),
        ("dismissed", 0),
    ]
    assert [(w.label, w.start, w.approved, w.avg_days) for w in data.weeks] == [
        ("2026-W02", date(2026, 1, 5), 1, 2.0),
        ("2026-W03", date(2026, 1, 12), 1, 10.0),
    ]
    assert counts(data.reviewers) == {reviewer.name: 2}
    assert counts(data.time_to_verdict) == {"1–3 days": 1, "1–2 weeks": 1}
    assert [(b.label, b.count) for b in data.outlets] == [("TROIB News", 3), ("Daily Other", 1)]
    assert [(b.label, b.count) for b in data.claimants] == [
        ("Reports", 2),
        ("Ursula von der Leyen", 2),
    ]
    assert [(b.label, b.count) for b in data.tags] == [("eu", 3), ("aid", 1)]
    assert [(b.key, b.count) for b in data.repeated] == [(str(desk.claim_ids[0]), 1)]
    assert data.repeated[0].label.startswith(f"#{desk.claim_ids[0]} valued")


@pytest.mark.parametrize(
    ("filters", "states", "verdicts"),
    [
        (ClaimFilters(outlet="Daily Other"), {"new": 1}, {}),
        (ClaimFilters(tag="aid"), {"approved": 1}, {"False": 1}),
        (ClaimFilters(reviewer="eddie"), {}, {}),
        (ClaimFilters(states=("approved",)), {"approved": 2}, {"True": 1, "False": 1}),
        (ClaimFilters(start=date(2026, 1, 6)), {}, {}),
        (
            ClaimFilters(start=date(2026, 1, 5), end=date(2026, 1, 5)),
            {"new": 1, "in review": 1, "approved": 2},
            {"True": 1, "False": 1},
        ),
    ],
)
def test_filters_narrow_claim_counts(engine, desk, editor, filters, states, verdicts):
    data = figures(engine, editor, filters)
    assert data == direct(engine, filters)
    assert counts(data.states) == states
    assert counts(data.verdicts) == verdicts


def test_date_range_selects_approvals_for_throughput(engine, desk, editor):
    data = figures(engine, editor, ClaimFilters(start=date(2026, 1, 8), end=date(2026, 1, 31)))
    assert [(w.label, w.approved) for w in data.weeks] == [("2026-W03", 1)]
    assert counts(data.time_to_verdict) == {"1–2 weeks": 1}
    data = figures(engine, editor, ClaimFilters(end=date(2026, 1, 7)))
    assert [(w.label, w.approved) for w in data.weeks] == [("2026-W02", 1)]


@pytest.mark.parametrize(
    ("dimension", "value", "expected"),
    [
        ("rating", "False", [0]),
        ("state", "in_review", [2]),
        ("week", "2026-01-12", [1]),
        ("reviewer", "rita", [1, 0]),
        ("time", "1", [0]),
        ("time", "3", [1]),
        ("outlet", "Daily Other", [3]),
        ("claimant", "Reports", [2, 0]),
        ("tag", "eu", [3, 1, 0]),
        ("repeated", "c0", [3, 0]),
    ],
)
def test_claims_for_selection(engine, desk, editor, dimension, value, expected):
    with db.read_session(engine) as session:
        if dimension == "rating":
            value = next(b.key for b in dash.verdict_distribution(session, ALL) if b.label == value)
        if value == "c0":
            value = str(desk.claim_ids[0])
        found = dash.claims_for_selection(session, editor, ALL, dimension, value)
    assert [ref.id for ref in found] == [desk.claim_ids[i] for i in expected]


def test_selection_respects_filters(engine, desk, editor):
    with db.read_session(engine) as session:
        found = dash.claims_for_selection(session, editor, ClaimFilters(tag="aid"), "tag", "eu")
        assert [ref.id for ref in found] == [desk.claim_ids[0]]
        with pytest.raises(ValueError):
            dash.claims_for_selection(session, editor, ALL, "colour", "red")


@pytest.mark.parametrize(
    "filters",
    [
        ALL,
        ClaimFilters(states=("approved", "in_review")),
        ClaimFilters(outlet="TROIB News"),
        ClaimFilters(reviewer="rita"),
        ClaimFilters(rating="False"),
        ClaimFilters(tag="eu"),
        ClaimFilters(start=date(2026, 1, 5), end=date(2026, 1, 12)),
        ClaimFilters(start=date(2026, 1, 1), outlet="TROIB News", states=("approved",)),
        ClaimFilters(tag="eu", rating="True"),
        ClaimFilters(tag="eu", states=("new",)),
    ],
    ids=repr,
)
def test_summary_figures_equal_the_direct_group_by(engine, desk, editor, filters):
    assert figures(engine, editor, filters) == direct(engine, filters)


@pytest.mark.parametrize(
    "filters",
    [
        ClaimFilters(outlet="TROIB News"),
        ClaimFilters(reviewer="rita"),
        ClaimFilters(rating="False"),
        ClaimFilters(reviewer="eddie", states=("approved",)),
    ],
    ids=repr,
)
def test_rating_outlet_and_reviewer_filters_read_only_summary_rows(engine, desk, editor, filters):
    """Every figure under these filters comes from the summary's detailed rows (the direct
    GROUP BY took 0.4–10 s of CPU for them at 1M claims); with a date range too, the tag,
    claimant and repeat lists (kept all time only) count directly."""
    dated = ClaimFilters(**{**vars(filters), "start": date(2026, 1, 1)})
    with db.read_session(engine) as session:
        read, by_date = summary.Reader(session, filters), summary.Reader(session, dated)
        assert None not in (
            read.claims(),
            read.approvals(),
            read.authors(),
            *(read.values(kind, 5) for kind in ("tag", "claimant", "repeat")),
        )
        assert None not in (by_date.claims(), by_date.approvals(), by_date.authors())
        assert by_date.values("claimant", 5) is None


@pytest.mark.parametrize(
    "filters",
    [
        ClaimFilters(tag="eu"),
        ClaimFilters(tag="aid", states=("approved",)),
        ClaimFilters(tag="nothing-like-this"),
    ],
    ids=repr,
)
def test_a_tag_filter_reads_only_summary_rows(engine, desk, editor, filters):
    """The tag-keyed rows answer a tag filter, alone or with states (counted directly,
    the most used tag took 7.4 s at 1M claims); the figures equal the direct GROUP BY."""
    with db.read_session(engine) as session:
        read = summary.Reader(session, filters)
        assert None not in (
            read.claims(),
            read.approvals(),
            read.authors(),
            *(read.values(kind, 5) for kind in ("tag", "claimant", "repeat")),
        )
    assert figures(engine, editor, filters) == direct(engine, filters)


@pytest.mark.parametrize(
    "filters",
    [
        ClaimFilters(tag="eu", outlet="TROIB News"),
        ClaimFilters(tag="eu", reviewer="rita"),
        ClaimFilters(tag="eu", start=date(2026, 1, 1), end=date(2026, 1, 31)),
        ClaimFilters(tag="eu", rating="True"),
    ],
    ids=repr,
)
def test_a_tag_with_an_outlet_reviewer_or_dates_counts_the_rest_directly(
    engine, desk, editor, filters
):
    """What the tag-keyed rows do not carry (per-day rows, or rating, outlet and creator
    beside a tag for the approval, author and list figures) is counted directly: the
    figures stay exact."""
    with db.read_session(engine) as session:
        read = summary.Reader(session, filters)
        assert read.approvals() is None and read.authors() is None
        assert (read.claims() is None) == bool(filters.start)
    assert figures(engine, editor, filters) == direct(engine, filters)


def test_summary_follows_a_new_approval_at_once(engine, desk, editor, second_editor):
    """No cache to expire: the approval is counted in its own transaction."""
    from workbench import verdicts

    with db.write_session(engine) as session:
        pending = verdicts.get_verdict(session, desk.verdict_ids[2])
        verdicts.approve_verdict(
            session, second_editor, pending.id, pending.version, confirm_few_sources=True
        )
    data = figures(engine, editor)
    assert data.in_state("approved") == 3 and data == direct(engine, ALL)


def test_only_active_editors_see_the_dashboard(engine, desk, reviewer, editor):
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), editor.id, False)
    with db.read_session(engine) as session:
        for who in (reviewer, session.get(User, editor.id), None):
            with pytest.raises(PermissionDenied):
                dash.dashboard(session, who, ALL)
            with pytest.raises(PermissionDenied):
                dash.claims_for_selection(session, who, ALL, "state", "new")


#: Filter sets the summary rows answer only in part, and every way the narrowing starts
#: (an outlet's, reviewer's, date range's, state's, rating's or tag's claims, or the
#: approvals in a date range) and tests the rest.
NARROWED = [
    ClaimFilters(tag="eu", outlet="TROIB News"),
    ClaimFilters(tag="eu", reviewer="rita"),
    ClaimFilters(tag="eu", rating="True"),
    ClaimFilters(tag="eu", rating="False"),
    ClaimFilters(tag="eu", start=date(2026, 1, 1), end=date(2026, 1, 10)),
    ClaimFilters(tag="eu", states=("approved",), start=date(2026, 1, 8)),
    ClaimFilters(outlet="TROIB News", start=date(2026, 1, 5), end=date(2026, 1, 5)),
    ClaimFilters(reviewer="rita", end=date(2026, 1, 12), states=("approved", "new")),
    ClaimFilters(rating="False", start=date(2026, 1, 6)),
    ClaimFilters(rating="True"),
    ClaimFilters(
        tag="aid",
        outlet="TROIB News",
        reviewer="rita",
        rating="False",
        states=("approved",),
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
    ),
    ClaimFilters(tag="eu"),
    ClaimFilters(tag="nothing-like-this", outlet="TROIB News"),
    ClaimFilters(tag="eu", outlet="Daily Other", end=date(2026, 1, 4)),
    ALL,
]


@pytest.mark.parametrize("filters", NARROWED, ids=repr)
def test_figures_over_the_listed_claims_equal_the_filter_conditions(engine, desk, editor, filters):
    """Every figure counted over the claim ids listed once (``Narrowed``, what the
    dashboard counts directly) equals the same figure with the filters as conditions;
    so does the dashboard, whichever figures its summary rows answer."""
    with db.read_session(engine) as session, dash.narrowed(session, filters) as scope:
        listed = dash.Dashboard(*[figure(session, scope) for figure in FIGURES])
    reference = direct(engine, filters)
    assert listed == reference
    assert figures(engine, editor, filters) == reference


def test_the_narrowing_starts_from_an_index_and_tests_the_tag_on_its_index(engine, desk):
    """The tag is tested on the (claim id, tag) index beside an outlet: the claim rows
    of the tag's claims are not read (at 1M claims that cost about 1 s per figure)."""
    with db.read_session(engine) as session:
        narrowing = dash._narrowing(ClaimFilters(tag="eu", outlet="TROIB News"))
        compiled = str(narrowing.compile(session.get_bind()))
    assert " ".join(compiled.split()).startswith(
        "SELECT claim.id FROM claim WHERE claim.article_id IN (SELECT article.id"
    )
    assert "EXISTS (SELECT *" in compiled and "claim_tag_1.claim_id = claim.id" in compiled


def test_a_narrowing_driven_by_the_claim_table_reads_it_once(engine, desk):
    """PostgreSQL did not merge ``claim.id IN (SELECT claim.id …)`` and read every claim
    for an outlet with a date range (518 ms at 1M claims, 108 ms as one scan)."""
    with db.read_session(engine) as session:
        narrowing = dash._narrowing(
            ClaimFilters(outlet="TROIB News", start=date(2026, 1, 1), end=date(2026, 1, 31))
        )
        compiled = " ".join(str(narrowing.compile(session.get_bind())).split())
    assert compiled.startswith("SELECT claim.id FROM claim WHERE claim.article_id IN")
    assert "claim.id IN (SELECT claim.id" not in compiled and "claim.created_at >=" in compiled


def test_postgresql_plans_the_listed_claims_as_look_ups(engine, desk, editor):
    """Autovacuum never analyses a temporary table, and the default random_page_cost made
    PostgreSQL read every claim rather than look the listed few up by id."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner setting; SQLite plans these by id already")
    filters = ClaimFilters(tag="eu", rating="True")
    with db.read_session(engine) as session:
        sent, _ = statements_run(engine, lambda: dash.dashboard(session, editor, filters))
    assert any(s.startswith("ANALYZE") for s in sent)
    assert "SET LOCAL random_page_cost = 1.1" in sent


def test_listed_claims_are_dropped_and_listed_again(engine, desk, editor):
    """One session can draw the dashboard twice (the temporary tables are dropped after
    each) and still read the claims table afterwards."""
    filters = ClaimFilters(tag="eu", start=date(2026, 1, 1), end=date(2026, 1, 10))
    with db.read_session(engine) as session:
        first = dash.dashboard(session, editor, filters)
        second = dash.dashboard(session, editor, ClaimFilters(tag="eu", outlet="Daily Other"))
        assert dash.dashboard(session, editor, filters) == first
        assert not temp_tables(session)
        assert session.exec(select(func.count()).select_from(Claim)).one() == 4
    assert first.total_claims == 3 and second.total_claims == 1


def temp_tables(session) -> set[str]:
    if session.get_bind().dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
    else:
        query = "SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema()"
    return set(session.execute(text(query)).scalars())
