"""``workbench assign article|claim``, run in-process on both databases (``database_url``
sets WORKBENCH_DATABASE_URL)."""

from __future__ import annotations

from tests.conftest import new_claim, run_json
from workbench import claims, db
from workbench.models import Article


def assignee_of(engine, claim_id: int) -> int | None:
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id).assignee_id


def test_assign_an_article_and_its_claims(run_cli, engine, reviewer, editor, article):
    claim = new_claim(engine, editor, article)
    assert run_cli("assign", "claim", str(claim.id), "--none")[0] == 0
    assert assignee_of(engine, claim.id) is None
    code, out, _ = run_cli("assign", "article", str(article.id), "--to", "rita")
    assert code == 0 and out.startswith(f"Article #{article.id} is now with rita")
    with db.read_session(engine) as session:
        assert session.get(Article, article.id).assignee_id == reviewer.id
    assert assignee_of(engine, claim.id) == reviewer.id


def test_assign_a_claim_as_json(run_cli, engine, reviewer, editor, article):
    claim = new_claim(engine, reviewer, article)
    data = run_json(run_cli, "assign", "claim", str(claim.id), "--to", "eddie")
    assert data == {"claim_id": claim.id, "assignee": "eddie", "version": claim.version + 1}
    assert assignee_of(engine, claim.id) == editor.id


def test_refusals(run_cli, engine, reviewer, article):
    claim = new_claim(engine, reviewer, article)
    code, _, err = run_cli("assign", "claim", str(claim.id), "--to", "nobody-here")
    assert code == 1 and "no user called" in err
    code, _, err = run_cli("assign", "claim", str(claim.id), "--to", "cli")
    assert code == 1 and "only active reviewer and editor" in err
    code, _, err = run_cli("assign", "claim", str(claim.id), "--to", "rita", "--none")
    assert code == 2 and err.endswith("error: Give --to or --none, not both.\n")
    code, _, err = run_cli("assign", "claim", str(claim.id))
    assert code == 2 and err.endswith("error: Give --to or --none.\n")
    code, _, err = run_cli("assign", "article", "²", "--to", "rita")  # before the database
    assert code == 2 and "An id must be a whole number" in err
    assert assignee_of(engine, claim.id) == reviewer.id
