"""The UI boundary: who acts (``identity``), what pages read (``loaders``, one session each,
plain data out) and how they write (``actions``), on both databases."""

from __future__ import annotations

import sqlite3
from dataclasses import FrozenInstanceError, fields, is_dataclass

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel, select

from tests.conftest import new_claim
from workbench import (
    actions,
    article_history,
    article_versions,
    auth,
    claims,
    db,
    identity,
    loaders,
    sources,
    users,
)
from workbench.errors import PermissionDenied, StaleEdit, WorkflowError
from workbench.filters import ClaimFilters
from workbench.identity import Credentials
from workbench.models import AuditEvent, ClaimState, Role, Source, User
from workbench.permissions import EDITORS, REVIEW_DESK
from workbench.sources import attach_evidence


def signed_in(engine, user: User) -> Credentials:
    with db.write_session(engine) as session:
        return Credentials(token=auth.create_session(session, session.get(User, user.id)))


def holds_no_row(value: object) -> bool:
    """True when ``value`` (a loader's answer) is plain data all the way down."""
    if isinstance(value, SQLModel):
        return False
    if isinstance(value, list | tuple):
        return all(holds_no_row(item) for item in value)
    if isinstance(value, dict):
        return all(holds_no_row(item) for item in value.values())
    if is_dataclass(value) and not isinstance(value, type):
        return all(holds_no_row(getattr(value, f.name)) for f in fields(value))
    return True


def test_a_fresh_desk_acts_as_the_local_user(database_url) -> None:
    actions.prepare_database()
    visit = identity.visit(Credentials())
    assert visit.person is not None and visit.person.is_local
    assert visit.person.role == Role.admin


def test_with_an_account_nobody_signed_in_sees_the_sign_in_page(engine, reviewer) -> None:
    assert identity.visit(Credentials()) == identity.Visit(None)
    assert identity.visit(Credentials(token="forged")) == identity.Visit(None)


def test_a_token_names_its_person_until_signed_out(engine, reviewer) -> None:
    presented = signed_in(engine, reviewer)
    visit = identity.visit(presented)
    assert visit.person == identity.Person(
        reviewer.id, "rita", reviewer.display_name, Role.reviewer
    )
    assert not visit.touch_due  # the session was just made
    actions.sign_out(presented.token)
    assert identity.visit(presented).person is None


def test_single_sign_on_asks_for_an_account_on_the_first_visit(engine) -> None:
    presented = Credentials(
        single_sign_on=True, external=identity.ExternalIdentity("iss|42", "ann@example.org")
    )
    assert identity.visit(presented) == identity.Visit(None, unregistered=True)
    made = actions.register_external(presented)
    assert made is not None and made.role == Role.reviewer
    assert identity.visit(presented).person == made
    assert identity.visit(Credentials(single_sign_on=True)) == identity.Visit(None)


def test_perform_writes_as_the_signed_in_person_and_returns_plain_data(
    engine, reviewer, article
) -> None:
    claim = new_claim(engine, reviewer, article)
    saved = actions.perform(
        signed_in(engine, reviewer),
        claims.update_claim,
        claim.id,
        claim.version,
        claimant="The Council",
    )
    assert saved == actions.Saved(claim.id, claim.version + 1)
    with db.read_session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.claim_id == claim.id).order_by(AuditEvent.id.desc())
        ).first()
        assert (event.actor_name, claims.get_claim(session, claim.id).claimant) == (
            "rita",
            "The Council",
        )
    assert (
        actions.perform(
            signed_in(engine, reviewer),
            sources.remove_evidence,
            _evidence_id(engine, reviewer, claim.id),
        )
        == actions.Saved()
    )


def _evidence_id(engine, user: User, claim_id: int) -> int:
    with db.write_session(engine) as session:
        return attach_evidence(
            session,
            user,
            claim_id,
            source_id=None,
            draft=sources.SourceDraft(url="https://example.org/a"),
            stance="supports",
        ).id


def test_perform_refuses_a_signed_out_person_and_writes_nothing(engine, reviewer, article) -> None:
    claim = new_claim(engine, reviewer, article)
    presented = signed_in(engine, reviewer)
    actions.sign_out(presented.token)
    with pytest.raises(PermissionDenied, match="signed out"):
        actions.perform(presented, claims.update_claim, claim.id, claim.version, claimant="Nobody")
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim.id).version == claim.version


def test_perform_passes_domain_errors_through(engine, reviewer, article) -> None:
    claim = new_claim(engine, reviewer, article)
    with pytest.raises(StaleEdit):
        actions.perform(
            signed_in(engine, reviewer),
            claims.update_claim,
            claim.id,
            claim.version - 1,
            claimant="Late",
        )


def test_a_busy_database_is_told_in_words_and_logged(engine, reviewer, caplog) -> None:
    def locked(_session, _actor) -> None:
        raise OperationalError(
            "UPDATE claim SET statement=?",
            ("secret",),
            sqlite3.OperationalError("database is locked"),
        )

    with pytest.raises(actions.DatabaseRefused) as refused:
        actions.perform(signed_in(engine, reviewer), locked)
    assert str(refused.value) == actions.DATABASE_BUSY
    assert "write refused: database busy" in caplog.text and "secret" not in caplog.text


def test_run_as_identifies_before_the_task_and_refuses_an_ended_session(engine, editor) -> None:
    presented = signed_in(engine, editor)
    assert actions.run_as(presented, lambda actor, extra: (actor.name, extra), 7) == ("eddie", 7)
    actions.sign_out(presented.token)
    with pytest.raises(PermissionDenied):
        actions.run_as(presented, lambda actor: actor)


def test_a_refused_attach_leaves_no_new_source_behind(engine, reviewer, article) -> None:
    claim = new_claim(engine, reviewer, article)
    actions.perform(
        signed_in(engine, reviewer),
        claims.move_claim,
        claim.id,
        claim.version,
        ClaimState.dismissed,
    )
    with pytest.raises(WorkflowError):
        actions.perform(
            signed_in(engine, reviewer),
            attach_evidence,
            claim.id,
            source_id=None,
            draft=sources.SourceDraft(url="https://example.org/x"),
            stance="refutes",
        )
    with db.read_session(engine) as session:
        assert session.exec(select(Source)).all() == []


def test_the_review_page_is_one_plain_read(desk, engine, editor, reviewer) -> None:
    page = loaders.review_page(signed_in(engine, editor))
    assert (page.total, page.page, page.pages) == (1, 1, 1)
    assert [item.verdict_id for item in page.queue] == [desk.verdict_ids[2]]
    assert holds_no_row(page)
    assert loaders.review_page(signed_in(engine, editor), page=9).page == 1  # the last page
    refused = loaders.review_page(signed_in(engine, reviewer))
    assert (refused.person.role, refused.total, refused.queue) == (Role.reviewer, 0, [])


def test_filtered_pages_check_the_role_first(desk, engine, editor, reviewer) -> None:
    shown = loaders.filter_page(signed_in(engine, editor), EDITORS, "see the dashboard")
    assert shown.person.name == "eddie" and "Daily Other" in shown.options["outlet"]
    with pytest.raises(PermissionDenied, match="see the dashboard"):
        loaders.filter_page(signed_in(engine, reviewer), EDITORS, "see the dashboard")
    assert loaders.filter_page(signed_in(engine, reviewer), REVIEW_DESK, "list claims")


def test_the_claim_list_and_the_dashboard_drill_read_as_the_person(desk, engine, editor) -> None:
    presented = signed_in(engine, editor)
    rows, total = loaders.claim_page(presented, ClaimFilters(outlet="Daily Other"))
    assert ([row.id for row in rows], total) == ([desk.claim_ids[3]], 1)
    behind = loaders.dashboard_claims(presented, ClaimFilters(), "state", "approved")
    assert sorted(ref.id for ref in behind) == sorted(desk.claim_ids[:2])
    assert holds_no_row((rows, behind))


def test_the_annotate_panel_shows_only_the_articles_own_claims(desk) -> None:
    own = loaders.annotate_panel(desk.article_id, desk.claim_ids[0])
    assert own.claim is not None and own.claim.claim_id == desk.claim_ids[0]
    assert holds_no_row(own)
    elsewhere = loaders.annotate_panel(desk.article_id, desk.claim_ids[3])
    assert elsewhere.claim is None and elsewhere.workspace == own.workspace
    assert loaders.annotate_panel(desk.article_id, None).claim is None


def test_a_correction_needs_a_published_verdict(desk) -> None:
    published = loaders.correction_target(desk.claim_ids[0])
    assert published is not None and published.published_rationale
    assert published.rating_choices and holds_no_row(published)
    pending = loaders.correction_target(desk.claim_ids[2])
    assert pending is not None and pending.published_rationale is None
    assert loaders.correction_target(10**6) is None


def test_accounts_leave_out_the_built_in_ones(engine, editor) -> None:
    with db.write_session(engine) as session:
        users.builtin_user(session, users.LOCAL_USER)
        users.builtin_user(session, users.CLI_USER)
    page = loaders.accounts_page(signed_in(engine, editor))
    assert page.me.name == "eddie" and page.has_accounts
    assert [(a.name, a.sign_in) for a in page.accounts] == [("eddie", "password")]
    with pytest.raises(FrozenInstanceError):
        page.accounts[0].name = "other"  # type: ignore[misc]
    with pytest.raises(PermissionDenied):  # an account exists: nobody acts unsigned
        loaders.accounts_page(Credentials())


def test_people_to_ask_are_the_active_holders_of_the_role(
    engine, reviewer, editor, second_editor
) -> None:
    with db.write_session(engine) as session:
        users.builtin_user(session, users.LOCAL_USER)  # an admin, but nobody to ask
        admin = users.builtin_user(session, users.CLI_USER)
        users.set_active(session, admin, second_editor.id, False)
    assert loaders.people_to_ask(EDITORS) == [editor.name]
    assert loaders.people_to_ask(frozenset({Role.reviewer})) == [reviewer.name]


def test_small_loaders_answer_with_plain_data(desk) -> None:
    start = loaders.start_page()
    assert start.article_count == 2 and len(start.recent) == 2
    assert loaders.desk_has_accounts()
    assert [row.title for row in loaders.article_list(search="other", page=0, page_size=5)] == [
        "Other story"
    ]
    found = loaders.find_sources("a.example/3")
    assert found and found[0].url == "https://a.example/3"
    assert holds_no_row((start, found, loaders.seen_before("the plan costs €800 billion")))


# ---- article versions ------------------------------------------------------------------

FIGURE = "valued at least at $6.2 billion"


def _corrected(
    engine, user: User, article, old: str = "$6.2 billion", new: str = "$6.4 billion"
) -> None:
    with db.write_session(engine) as session:
        article_versions.add_version(
            session, user, article.id, article.body.replace(old, new, 1), reason="corrected"
        )


def test_a_new_version_unsettles_a_claim_and_the_loaders_say_where(
    engine, reviewer, article
) -> None:
    claim = new_claim(engine, reviewer, article, FIGURE)
    assert loaders.version_target(article.id) == article_history.VersionTarget(
        article.id, article.title, article.url, 1, 1, 0, 0
    )
    _corrected(engine, reviewer, article)
    target = loaders.version_target(article.id)
    assert (target.current_version, target.placed, target.needs_review) == (2, 0, 1)
    shown = loaders.annotate_article(article.id, changes=True)
    assert holds_no_row(shown)
    assert shown.workspace.placed == () and [m.claim.id for m in shown.workspace.needs_review] == [
        claim.id
    ]
    proposed = shown.workspace.needs_review[0].claim.proposed
    assert proposed is not None and "$6.4 billion" in shown.shown.body[slice(*proposed)]
    assert any("$6.4 billion" in shown.shown.body[start:end] for start, end in shown.shown.changed)
    unsettled = loaders.unsettled_claims()
    assert (unsettled.count, [(a.article_id, a.claims) for a in unsettled.articles]) == (
        1,
        [(article.id, 1)],
    )


def test_an_older_version_shows_the_claims_pointing_into_it(engine, reviewer, article) -> None:
    claim = new_claim(engine, reviewer, article, FIGURE)
    _corrected(engine, reviewer, article)
    old = loaders.annotate_article(article.id, 1)
    assert old.shown.read_only and old.shown.body == article.body
    assert [(m.claim.id, m.claim.start) for m in old.workspace.drawn_in(1)] == [
        (claim.id, article.body.index(FIGURE))
    ]
    assert old.workspace.drawn_in(2) == ()
    assert loaders.annotate_article(article.id, 7).shown.number == 2  # unknown: current


def test_a_new_version_of_an_article_without_claims_is_not_served_from_the_cache(
    engine, reviewer, article
) -> None:
    assert loaders.workspace(article.id).article.current_version == 1
    _corrected(engine, reviewer, article)
    fresh = loaders.workspace(article.id)
    assert fresh.article.current_version == 2 and "$6.4 billion" in fresh.article.body
    assert [v.number for v in fresh.versions] == [1, 2]
    assert loaders.unsettled_claims() == loaders.Unsettled(0, [])
