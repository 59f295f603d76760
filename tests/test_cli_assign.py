"""``workbench assign article|claim``, through a parser built from ``cli_assign.register``
(as ``cli.build_parser`` does once it registers the group), on both databases."""

from __future__ import annotations

import argparse
import json

import pytest

from tests.conftest import new_claim
from workbench import claims, cli, cli_assign, db
from workbench.errors import InvalidInput, NotFound
from workbench.models import Article


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser(prog="workbench")
    cli_assign.register(
        parser.add_subparsers(dest="group", required=True), json_flag, cli.record_id
    )
    args = parser.parse_args(argv)
    args.handler(args)
    return capsys.readouterr().out


def assignee_of(engine, claim_id: int) -> int | None:
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id).assignee_id


def test_assign_an_article_and_its_claims(database_url, engine, reviewer, editor, article, capsys):
    claim = new_claim(engine, editor, article)
    run(capsys, "assign", "claim", str(claim.id), "--none")
    assert assignee_of(engine, claim.id) is None
    out = run(capsys, "assign", "article", str(article.id), "--to", "rita")
    assert out.startswith(f"Article #{article.id} is now with rita")
    with db.read_session(engine) as session:
        assert session.get(Article, article.id).assignee_id == reviewer.id
    assert assignee_of(engine, claim.id) == reviewer.id


def test_assign_a_claim_as_json(database_url, engine, reviewer, editor, article, capsys):
    claim = new_claim(engine, reviewer, article)
    data = json.loads(run(capsys, "assign", "claim", str(claim.id), "--to", "eddie", "--json"))
    assert data == {"claim_id": claim.id, "assignee": "eddie", "version": claim.version + 1}
    assert assignee_of(engine, claim.id) == editor.id


def test_refusals(database_url, engine, reviewer, article, capsys):
    claim = new_claim(engine, reviewer, article)
    with pytest.raises(NotFound, match="no user called"):
        run(capsys, "assign", "claim", str(claim.id), "--to", "nobody-here")
    with pytest.raises(InvalidInput, match="only active reviewer and editor"):
        run(capsys, "assign", "claim", str(claim.id), "--to", "cli")
    with pytest.raises(SystemExit):  # --to and --none together
        run(capsys, "assign", "claim", str(claim.id), "--to", "rita", "--none")
    with pytest.raises(SystemExit):  # a malformed id exits 2 before the database
        run(capsys, "assign", "article", "²", "--to", "rita")
    assert assignee_of(engine, claim.id) == reviewer.id
