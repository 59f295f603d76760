"""The dashboard summary (workbench.summary) always equals a full recount: after a seeded
random sequence of create / update / research / dismiss / reopen / propose / approve /
return / correct / bulk import, on SQLite and PostgreSQL; and ``rebuild`` repairs it."""

from __future__ import annotations

import random

import pytest
from alembic import command
from sqlalchemy import func, insert, text, update
from sqlmodel import col, select

from tests.conftest import make_user
from workbench import claims, cli, db, ratings, sources, summary, verdicts
from workbench.errors import WorkbenchError
from workbench.models import Claim, ClaimState, ClaimTag, Role, Verdict, VerdictStatus, utcnow
from workbench.sample import load_sample

RATIONALE = "Checked against the primary documents and two interviews."
WORDS = ["aid", "eu", "budget", "energy", "health", "defence"]
CLAIMANTS = ["", "Reports", "The minister", "Ursula von der Leyen"]


def assert_exact(engine) -> None:  # type: ignore[no-untyped-def]
    with db.read_session(engine) as session:
        assert summary.stored(session) == summary.recount(session)


class Desk:
    """Random newsroom work through the services (each step its own transaction)."""

    def __init__(self, engine, seed: int) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.rng = engine, random.Random(seed)
        self.reviewer = make_user(engine, "rita", Role.reviewer)
        self.editors = [
            make_user(engine, "eddie", Role.editor),
            make_user(engine, "erin", Role.editor),
        ]
        with db.write_session(engine) as session:
            self.article = load_sample(session, self.reviewer)
            self.rating_ids = [
                r.id for r in ratings.ratings_of(session, ratings.default_scale(session).id)
            ]
        self.words = self.article.body.split(" ")

    def step(self) -> None:
        action = self.rng.choice(
            [
                self.create,
                self.create,
                self.edit,
                self.move,
                self.propose,
                self.review,
                self.review,
                self.correct,
                self.bulk_import,
            ]
        )
        try:
            with db.write_session(self.engine) as session:
                action(session)
        except WorkbenchError:
            pass  # a refused move is part of the game: the summary must stay exact

    def _claim(self, session, *states: str) -> Claim | None:  # type: ignore[no-untyped-def]
        found = session.exec(select(Claim).where(col(Claim.state).in_(states))).all()
        return self.rng.choice(found) if found else None

    def create(self, session) -> None:  # type: ignore[no-untyped-def]
        start = self.rng.randrange(0, 200)
        start = self.article.body.index(" ", start) + 1
        existing = session.exec(select(Claim.id)).all()
        claims.create_claim(
            session,
            self.reviewer,
            claims.ClaimDraft(
                article_id=self.article.id if self.rng.random() < 0.8 else None,
                start=start,
                end=start + 12,
                quote="A free-standing quote",
                claimant=self.rng.choice(CLAIMANTS),
                tags=self.rng.sample(WORDS, self.rng.randrange(0, 3)),
                repeat_of_id=self.rng.choice(existing)
                if existing and self.rng.random() < 0.3
                else None,
            ),
        )

    def edit(self, session) -> None:  # type: ignore[no-untyped-def]
        claim = self._claim(session, *ClaimState)
        if claim:
            claims.update_claim(
                session,
                self.reviewer,
                claim.id,
                claim.version,
                tags=self.rng.sample(WORDS, self.rng.randrange(0, 3)),
                claimant=self.rng.choice(CLAIMANTS),
            )

    def move(self, session) -> None:  # type: ignore[no-untyped-def]
        claim = self._claim(session, ClaimState.new, ClaimState.researching, ClaimState.dismissed)
        if claim:
            to = self.rng.choice([ClaimState.researching, ClaimState.dismissed, ClaimState.new])
            claims.move_claim(session, self.reviewer, claim.id, claim.version, to)

    def propose(self, session) -> None:  # type: ignore[no-untyped-def]
        claim = self._claim(session, ClaimState.new, ClaimState.researching)
        if claim:
            source = sources.add_source(
                session,
                self.reviewer,
                sources.SourceDraft(url=f"https://example.org/{self.rng.randrange(10**6)}"),
            )
            sources.attach_source(session, self.reviewer, claim.id, source.id, stance="supports")
            verdicts.propose_verdict(
                session,
                self.reviewer,
                claim.id,
                claim.version + (claim.state == ClaimState.new),
                rating_id=self._rating(),
                rationale=RATIONALE,
            )

    def _rating(self) -> int | None:
        return self.rng.choice([*self.rating_ids, None]) if self.rng.random() < 0.9 else None

    def review(self, session) -> None:  # type: ignore[no-untyped-def]
        pending = session.exec(
            select(Verdict).where(Verdict.status == VerdictStatus.proposed)
        ).all()
        if not pending:
            return
        verdict = self.rng.choice(pending)
        editor = self.rng.choice(self.editors)
        if self.rng.random() < 0.7:
            verdicts.approve_verdict(
                session, editor, verdict.id, verdict.version, confirm_few_sources=True
            )
        else:
            verdicts.return_verdict(
                session, editor, verdict.id, verdict.version, comment="Needs a second source."
            )

    def correct(self, session) -> None:  # type: ignore[no-untyped-def]
        claim = self._claim(session, ClaimState.approved)
        if claim:
            verdicts.propose_correction(
                session,
                self.rng.choice(self.editors),
                claim.id,
                claim.version,
                rating_id=self._rating(),
                rationale=RATIONALE,
                reason="New figures.",
                conclusion="Corrected",
            )

    def bulk_import(self, session) -> None:  # type: ignore[no-untyped-def]
        """What the importer's bulk insert does: Core inserts with its own ids, some
        published at once (a restore), then ``summary.add_claims`` at its end."""
        first = (session.exec(select(func.max(Claim.id))).one() or 0) + 1
        ids = list(range(first, first + self.rng.randrange(1, 4)))
        now = utcnow()
        session.execute(
            insert(Claim),
            [
                {
                    "id": cid,
                    "quote": f"Imported {cid}",
                    "statement": f"Imported {cid}",
                    "claimant": self.rng.choice(CLAIMANTS),
                    "anchor_status": "none",
                    "reasons": [],
                    "state": ClaimState.approved,
                    "created_by": self.editors[0].id,
                    "created_at": now,
                    "updated_at": now,
                }
                for cid in ids
            ],
        )
        session.execute(
            insert(ClaimTag), [{"claim_id": cid, "tag": self.rng.choice(WORDS)} for cid in ids]
        )
        session.execute(
            insert(Verdict),
            [
                {
                    "claim_id": cid,
                    "rating_id": self._rating(),
                    "rationale": RATIONALE,
                    "author_id": self.reviewer.id,
                    "status": VerdictStatus.approved,
                    "reviewer_id": self.editors[0].id,
                    "reviewed_at": now,
                    "created_at": now,
                }
                for cid in ids
            ],
        )
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('claim', 'id'), "
                    "(SELECT MAX(id) FROM claim))"
                )
            )
        summary.add_claims(session, ids)


@pytest.mark.parametrize("seed", [1, 2])
def test_summary_equals_recount_after_random_work(engine, seed):
    desk = Desk(engine, seed)
    for number in range(1, 121):
        desk.step()
        if number % 20 == 0:
            assert_exact(engine)
    with db.read_session(engine) as session:
        kinds = {key[0] for key in summary.stored(session)}
    # the sequence reached them, the tag-keyed twins too
    assert {"claim", "approval", "author", "tag", "claim#", "approval#", "author#"} <= kinds


def _work_then_change_behind_the_services(engine, *, seed: int, steps: int) -> None:  # type: ignore[no-untyped-def]
    """Random desk work, then a plain UPDATE that leaves the summary stale."""
    desk = Desk(engine, seed)
    for _ in range(steps):
        desk.step()
    with db.write_session(engine) as session:
        session.execute(update(Claim).values(state=ClaimState.dismissed))


def test_rebuild_repairs_changes_made_behind_the_services(engine):
    _work_then_change_behind_the_services(engine, seed=3, steps=30)
    with db.read_session(engine) as session:
        assert summary.stored(session) != summary.recount(session)
    with db.write_session(engine) as session:
        rows = summary.rebuild(session)
    assert rows > 0
    assert_exact(engine)


def test_failed_write_leaves_the_summary_untouched(engine):
    desk = Desk(engine, 4)
    with db.write_session(engine) as session:
        desk.create(session)
    with db.read_session(engine) as session:
        before = summary.stored(session)
        claim = session.exec(select(Claim)).first()
    with pytest.raises(RuntimeError), db.write_session(engine) as session:
        claims.move_claim(
            session,
            desk.reviewer,
            claim.id,
            claim.version,
            ClaimState.dismissed if claim.state != ClaimState.dismissed else ClaimState.new,
        )
        raise RuntimeError("the page crashed before the commit")
    with db.read_session(engine) as session:
        assert summary.stored(session) == before
    assert_exact(engine)


@pytest.mark.parametrize("before", ["0006", "0007"])
def test_migrations_count_what_the_app_counts(engine, database_url, before):
    """Migrations 0007 and 0008 have their own frozen counting SQL: on a desk with
    history, upgrading from before each must still produce exactly the rows the app's
    recount gives (or the format changed without a migration)."""
    desk = Desk(engine, 3)
    for _ in range(30):
        desk.step()
    config = db.alembic_config(database_url)
    command.downgrade(config, before)
    command.upgrade(config, "head")
    with db.read_session(engine) as session:
        kinds = {key[0] for key in summary.stored(session)}
    assert {"claim", "claim#", "approval#", "tag#"} <= kinds, "the desk has tagged claims"
    assert_exact(engine)


def test_downgrade_to_0007_keeps_the_rows_it_knows(engine, database_url):
    desk = Desk(engine, 6)
    for _ in range(30):
        desk.step()
    with db.read_session(engine) as session:
        untagged = {key[:-1]: sums for key, sums in summary.stored(session).items() if not key[-1]}
    command.downgrade(db.alembic_config(database_url), "0007")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT kind, day, state, rating, outlet, creator, value, bucket, n, first_n, "
                "seconds FROM dashboard_count"
            )
        ).all()
    assert len(rows) == len(untagged) > 0
    assert {(row[0], str(row[1]), *row[2:8]): list(row[8:]) for row in rows} == {
        (key[0], str(key[1]), *key[2:]): sums for key, sums in untagged.items()
    }


def test_rebuild_command_checks_repairs_and_refreshes_statistics(engine, capsys):
    """``workbench dashboard rebuild``: ``--check`` exits 1 on a difference, a rebuild
    repairs it, and the table's planner statistics are refreshed (stale ones made the
    summary reads several times slower at 1M claims)."""
    _work_then_change_behind_the_services(engine, seed=5, steps=20)
    with pytest.raises(SystemExit) as differs:
        cli.main(["dashboard", "rebuild", "--check"])
    assert differs.value.code == 1
    cli.main(["dashboard", "rebuild"])
    assert "Recounted" in capsys.readouterr().out
    with pytest.raises(SystemExit) as same:
        cli.main(["dashboard", "rebuild", "--check"])
    assert same.value.code == 0
    stats = (
        "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'dashboard_count'"
        if engine.dialect.name == "sqlite"
        else "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'dashboard_count' "
        "AND last_analyze IS NOT NULL"
    )
    with engine.connect() as connection:
        assert connection.exec_driver_sql(stats).scalar_one() >= 1


def test_generation_counts_the_transactions_that_change_the_summary(engine):
    """The dashboard cache's "have the figures changed?": bumped by a service's change,
    a bulk import and a rebuild; not by a transaction that leaves the figures alone."""
    desk = Desk(engine, 7)

    def generation() -> int:
        with db.read_session(engine) as session:
            return summary.generation(session)

    start = generation()
    with db.write_session(engine) as session:
        desk.create(session)
    assert generation() == start + 1
    with db.write_session(engine) as session:
        claim = session.exec(select(Claim)).first()
        claims.get_claim(session, claim.id, for_update=True)  # touched, not changed
    assert generation() == start + 1
    with db.write_session(engine) as session:
        desk.bulk_import(session)
    assert generation() == start + 2
    with db.write_session(engine) as session:
        summary.rebuild(session)
    assert generation() == start + 3
    assert_exact(engine)


def test_a_few_claims_facts_find_their_verdicts_by_claim_id(engine):
    """Every save counts its claim's facts twice. With statistics on the tables SQLite
    3.40 chose to read the claim first and build a Bloom filter over the whole verdict
    table to probe it (about 12 ms per 100,000 claims, twice per save); the verdicts of
    the counted claims must be found through their claim ids instead."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the plan checked is SQLite's; PostgreSQL plans its own way")
    desk = Desk(engine, 6)
    for _ in range(30):
        desk.step()
    with db.write_session(engine) as session:
        session.execute(text("ANALYZE"))
    with db.read_session(engine) as session:
        few = summary._facts_of_few("sqlite").params(ids=[1, 2])
        sql = str(
            few.compile(
                dialect=engine.dialect,
                compile_kwargs={"literal_binds": True, "render_postcompile": True},
            )
        )
        plan = [row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    verdict_reads = [step for step in plan if " verdict " in f"{step} "]
    assert verdict_reads, plan
    assert all(step.startswith("SEARCH verdict USING") for step in verdict_reads), plan
