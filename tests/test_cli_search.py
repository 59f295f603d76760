"""``workbench search rebuild`` rewrites documents written behind the services' back (the
plain-text backfill of migration 0003, plain SQL): afterwards search finds them again."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.conftest import new_claim
from workbench import cli, db, search


def test_rebuild_restores_documents_changed_behind_the_services_back(
    engine, reviewer, article, capsys
) -> None:  # type: ignore[no-untyped-def]
    claim = new_claim(engine, reviewer, article, statement="Aid worth $6.2 billion")
    with db.write_session(engine) as session:
        session.execute(text("UPDATE claim_search_doc SET doc = 'nothing useful'"))
    with db.read_session(engine) as session:
        assert search.search_claim_ids(session, "6.2bn dollars", limit=5) == []
    assert cli.main(["search", "rebuild", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"documents": 1}
    with db.read_session(engine) as session:
        assert search.search_claim_ids(session, "6.2bn dollars", limit=5) == [claim.id]
