"""One filter definition (workbench.filters.ClaimFilters) for the dashboard, the Claims
list, the CSV report and ``workbench export``: each field narrows as documented, and the
dashboard's claim count equals the CSV report's row count, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from tests.factories import Desk, build_desk, cli_admin_user
from workbench import claims, cli, dashboard, db, search, summary, users
from workbench.claim_list import list_claims
from workbench.filters import ClaimFilters, apply_filters, claim_conditions
from workbench.models import Claim
from workbench.reports.csv_export import csv_bytes
from workbench.reports.query import count_claims
from workbench.summary import filter_options


@pytest.fixture
def ids(engine, reviewer, editor) -> list[int]:
    """``build_desk``'s four claims, varied, plus a free-standing one:

    ====  ==========  =========  ===========  ========  ============  ==========
    #     outlet      tags       created by   state     published     created
    ====  ==========  =========  ===========  ========  ============  ==========
    0     TROIB News  aid, eu    rita         approved  False         2026-01-05
    1     TROIB News  eu         rita         approved  True          2026-01-07
    2     TROIB News  —          eddie        in_review (proposed)    2026-01-05
    3     Daily Other eu         eddie        new       —             2026-01-10
    4     —           —          cli          new       —             2026-01-07
    ====  ==========  =========  ===========  ========  ============  ==========

    Claim 2's verdict was proposed by rita and rita is still its assignee: the
    reviewer filter (the creator) must not pick it for rita.
    """
    desk: Desk = build_desk(engine, reviewer, editor)
    with db.write_session(engine) as session:
        cli_user = users.builtin_user(session, users.CLI_USER)
        free = claims.create_claim(
            session,
            cli_user,
            claims.ClaimDraft(
                article_id=None, quote="Wages rose 4% last year", statement="Wages rose 4%"
            ),
        )
        all_ids = [*desk.claim_ids, free.id]
    day = {0: 5, 1: 7, 2: 5, 3: 10, 4: 7}
    with db.write_session(engine) as session:
        session.exec(
            update(Claim).where(col(Claim.id).in_(all_ids[2:4])).values(created_by=editor.id)
        )
        for index, claim_id in enumerate(all_ids):
            session.exec(
                update(Claim)
                .where(Claim.id == claim_id)
                .values(created_at=datetime(2026, 1, day[index], 9, 0, tzinfo=UTC))
            )
        summary.rebuild(session)  # the dashboard's counts, after the plain UPDATEs
    return all_ids


CASES = [
    (ClaimFilters(), [0, 1, 2, 3, 4]),
    (ClaimFilters(outlet="TROIB News"), [0, 1, 2]),
    (ClaimFilters(outlet="Daily Other"), [3]),
    (ClaimFilters(outlet="Nowhere"), []),
    (ClaimFilters(tag="eu"), [0, 1, 3]),
    (ClaimFilters(tag="aid"), [0]),
    (ClaimFilters(reviewer="rita"), [0, 1]),
    (ClaimFilters(reviewer="eddie"), [2, 3]),
    (ClaimFilters(reviewer="cli"), [4]),
    (ClaimFilters(states=("approved",)), [0, 1]),
    (ClaimFilters(states=("new", "in_review")), [2, 3, 4]),
    (ClaimFilters(states=("dismissed",)), []),
    (ClaimFilters(rating="True"), [1]),
    (ClaimFilters(rating="False"), [0]),
    (ClaimFilters(rating="Mostly false"), []),  # proposed only, not published
    (ClaimFilters(start=date(2026, 1, 7)), [1, 3, 4]),
    (ClaimFilters(end=date(2026, 1, 6)), [0, 2]),
    (ClaimFilters(start=date(2026, 1, 7), end=date(2026, 1, 7)), [1, 4]),
    (ClaimFilters(start=date(2026, 1, 11)), []),
    (
        ClaimFilters(
            start=date(2026, 1, 1),
            end=date(2026, 1, 31),
            outlet="TROIB News",
            tag="eu",
            reviewer="rita",
            states=("approved",),
            rating="True",
        ),
        [1],
    ),
]
IDS = [repr({k: v for k, v in vars(f).items() if v}) for f, _ in CASES]


def _csv_ids(engine, filters: ClaimFilters) -> list[int]:
    text = csv_bytes(cli_admin_user(engine), engine, filters).decode()
    return [int(row["claim_id"]) for row in csv.DictReader(io.StringIO(text, newline=""))]


@pytest.mark.parametrize(("filters", "expected"), CASES, ids=IDS)
def test_each_field_narrows_everywhere(engine, ids, editor, filters, expected):
    wanted = sorted(ids[i] for i in expected)
    with db.read_session(engine) as session:
        selected = session.exec(apply_filters(select(Claim.id), filters)).all()
        listed, total = list_claims(session, editor, filters, page_size=100)
        figures = dashboard.dashboard(session, editor, filters)
    assert sorted(selected) == wanted
    assert sorted(row.id for row in listed) == wanted and total == len(wanted)
    assert _csv_ids(engine, filters) == wanted
    # One definition: the dashboard counts exactly the CSV report's rows.
    assert figures.total_claims == len(_csv_ids(engine, filters)) == count_claims(engine, filters)


def test_reviewer_filter_is_the_creator_not_the_report_column(engine, ids):
    """The CSV report's reviewer column (verdict author, else assignee) is unchanged."""
    text = csv_bytes(cli_admin_user(engine), engine).decode()
    column = {
        int(r["claim_id"]): r["reviewer"] for r in csv.DictReader(io.StringIO(text, newline=""))
    }
    assert column[ids[2]] == "rita"  # assignee, while the creator is eddie
    assert ids[2] not in _csv_ids(engine, ClaimFilters(reviewer="rita"))


def test_search_is_for_the_claims_list_only(engine, ids, editor):
    with db.write_session(engine) as session:
        for claim_id in ids:
            search.index_claim(session, claim_id)
    filters = ClaimFilters(search="plan", reviewer="eddie")
    assert claim_conditions(ClaimFilters(search="plan")) == []
    with db.read_session(engine) as session:
        listed, total = list_claims(session, editor, filters)
        figures = dashboard.dashboard(session, editor, filters)
    assert [row.id for row in listed] == [ids[3]] and total == 1
    assert _csv_ids(engine, filters) == [ids[2], ids[3]] and figures.total_claims == 2


def test_keyed_pages_walk_both_ways_with_filters(engine, ids, editor):
    """Next (``before_id``) and previous (``after_id``) pages read by key give the same
    pages as OFFSET, newest first, with a filter set, and the total stays the count."""
    filters = ClaimFilters(states=("approved", "new", "in_review"))
    with db.read_session(engine) as session:
        everything, total = list_claims(session, editor, filters, page_size=100)
        pages = [list_claims(session, editor, filters, page=n, page_size=2)[0] for n in range(3)]
        second, second_total = list_claims(
            session, editor, filters, page_size=2, before_id=pages[0][-1].id
        )
        third, _ = list_claims(session, editor, filters, page_size=2, before_id=second[-1].id)
        back, _ = list_claims(session, editor, filters, page_size=2, after_id=third[0].id)
        first_again, _ = list_claims(session, editor, filters, page_size=2, after_id=back[0].id)
    assert [r.id for r in everything] == sorted(ids, reverse=True) and total == 5
    assert [r.id for r in second] == [r.id for r in pages[1]] and second_total == 5
    assert [r.id for r in third] == [r.id for r in pages[2]]
    assert [r.id for r in back] == [r.id for r in pages[1]]
    assert [r.id for r in first_again] == [r.id for r in pages[0]]


def test_filter_options(engine, ids):
    with db.read_session(engine) as session:
        options = filter_options(session)
    assert options["outlet"] == ["Daily Other", "TROIB News"]
    assert options["tag"] == ["aid", "eu"]
    assert {"rita", "eddie"} <= set(options["reviewer"])
    assert {"True", "False", "Mostly false"} <= set(options["rating"])


def test_filter_options_follow_a_save_at_once(engine, ids, reviewer):  # type: ignore[no-untyped-def]
    """Read from the summary rows: a new tag is offered right after the save that made it."""
    with db.write_session(engine) as session:
        claim = claims.get_claim(session, ids[3])
        claims.update_claim(session, reviewer, claim.id, claim.version, tags=["brand-new"])
    with db.read_session(engine) as session:
        tags = filter_options(session)["tag"]
    assert "brand-new" in tags


def test_export_flags_are_the_same_filters(engine, ids, capsys):
    argv = [
        "export",
        "csv",
        "-o",
        "-",
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-07",
        "--state",
        "approved",
        "--state",
        "in_review",
        "--outlet",
        "TROIB News",
    ]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    got = [int(r["claim_id"]) for r in csv.DictReader(io.StringIO(out, newline=""))]
    assert (
        got
        == _csv_ids(
            engine,
            ClaimFilters(
                start=date(2026, 1, 5),
                end=date(2026, 1, 7),
                states=("approved", "in_review"),
                outlet="TROIB News",
            ),
        )
        == [ids[0], ids[1], ids[2]]
    )
    db.get_engine().dispose()


def test_search_pages_rank_one_past_the_page(engine, editor):
    """Search alone ranks only one match past the page (the total says a next page
    exists); paging on gives the same order as one long page."""
    with db.write_session(engine) as session:
        for n in range(5):
            claim = claims.create_claim(
                session,
                editor,
                claims.ClaimDraft(
                    article_id=None, quote=f"Pension fund grew {n} times", statement=""
                ),
            )
            search.index_claim(session, claim.id)
    filters = ClaimFilters(search="pensoin fund")  # a typo
    with db.read_session(engine) as session:
        everything, total = list_claims(session, editor, filters, page_size=50)
        pages = [list_claims(session, editor, filters, page=n, page_size=2) for n in range(3)]
    assert total == 5
    assert [total for _rows, total in pages] == [3, 5, 5]
    assert [r.id for rows, _ in pages for r in rows] == [r.id for r in everything]
