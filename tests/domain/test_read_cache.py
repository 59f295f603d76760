"""The Annotate page's read models come from a cache keyed on versions: an unchanged
article or claim is not read again, and every kind of write shows at the next read."""

from __future__ import annotations

import pytest

from workbench import claims, db, verdicts
from workbench.claim_panel import claim_panel_version, load_claim_panel
from workbench.errors import NotFound
from workbench.ratings import find_rating
from workbench.sources import SourceDraft, add_source, attach_source
from workbench.workspace import load_workspace, workspace_version


def _workspace(engine, article_id):  # type: ignore[no-untyped-def]
    with db.read_session(engine) as session:
        return load_workspace(session, article_id)


def _panel(engine, claim_id):  # type: ignore[no-untyped-def]
    with db.read_session(engine) as session:
        return load_claim_panel(session, claim_id)


def _source(session, user, n: int) -> int:  # type: ignore[no-untyped-def]
    return add_source(session, user, SourceDraft(url=f"https://example.org/{n}")).id


def test_unchanged_article_and_claim_are_not_read_again(engine, reviewer, article):
    workspace = _workspace(engine, article.id)
    with db.write_session(engine) as session:
        claim = claims.create_claim(
            session, reviewer, claims.ClaimDraft(article_id=article.id, start=0, end=10)
        )
    changed = _workspace(engine, article.id)
    assert changed is not workspace and [m.claim.id for m in changed.marks] == [claim.id]
    assert _workspace(engine, article.id) is changed
    panel = _panel(engine, claim.id)
    assert _panel(engine, claim.id) is panel


def test_every_write_on_a_claim_changes_both_versions(engine, reviewer, editor, article):
    with db.write_session(engine) as session:
        claim = claims.create_claim(
            session, reviewer, claims.ClaimDraft(article_id=article.id, start=0, end=10)
        )

    def versions():  # type: ignore[no-untyped-def]
        with db.read_session(engine) as session:
            return workspace_version(session, article.id), claim_panel_version(session, claim.id)

    seen = [versions()]
    with db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, claimant="Minister")
    seen.append(versions())
    with db.write_session(engine) as session:
        for n in range(2):
            attach_source(
                session, reviewer, claim.id, _source(session, reviewer, n), stance="supports"
            )
    seen.append(versions())
    assert _panel(engine, claim.id).evidence[1].url == "https://example.org/1"
    assert _workspace(engine, article.id).marks[0].evidence_count == 2
    with db.write_session(engine) as session:
        current = claims.get_claim(session, claim.id)
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            claim.id,
            current.version,
            rating_id=find_rating(session, "Mostly true").id,
            rationale="Two sources agree.",
        )
    seen.append(versions())
    assert _panel(engine, claim.id).pending.rationale == "Two sources agree."
    with db.write_session(engine) as session:
        verdicts.approve_verdict(session, editor, verdict.id, verdict.version)
    seen.append(versions())
    assert _workspace(engine, article.id).marks[0].rating == "Mostly true"
    assert _panel(engine, claim.id).published.rating == "Mostly true"
    assert len({w for w, _p in seen}) == len(seen) and len({p for _w, p in seen}) == len(seen)


def test_an_unknown_claim_is_still_refused(engine):
    with pytest.raises(NotFound):
        _panel(engine, 999_999)
