"""AppTest: evidence attached by mistake can be taken back from the claim's Evidence tab
(``sources.remove_evidence`` had no way in from the app), and the audit trail keeps it."""

from __future__ import annotations

from sqlmodel import select

from tests.conftest import new_claim
from tests.ui.conftest import open_page
from workbench import db, sources
from workbench.models import AuditEvent, Evidence
from workbench.sample import load_sample
from workbench.ui.routes import open_tab_key

PAGE = "workbench/ui/pages/annotate.py"


def test_evidence_attached_by_mistake_can_be_removed(app_db, engine, editor):  # type: ignore[no-untyped-def]
    with db.write_session(engine) as session:
        article = load_sample(session, editor)
    claim = new_claim(engine, editor, article)
    with db.write_session(engine) as session:
        source = sources.add_source(
            session,
            editor,
            sources.SourceDraft("https://wrong.example/report", title="Wrong report"),
        )
        sources.attach_source(session, editor, claim.id, source.id, stance="supports")
    at = open_page(PAGE, {"article": str(article.id), "claim": str(claim.id)}, user=editor)
    at.session_state[open_tab_key(claim.id)] = "Evidence"
    at.run()
    assert not at.exception, at.exception
    box = at.selectbox(key=f"annotate_ev_remove_{claim.id}")
    assert box.options == ["—", "supports: Wrong report"]
    box.select_index(1).run()
    at.button(key=f"annotate_ev_remove_{claim.id}_go").click().run()
    assert not at.exception, at.exception
    with db.read_session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
        removed = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "evidence", AuditEvent.action == "delete")
        ).all()
    assert len(removed) == 1
    assert "Evidence (0)" in [t.label for t in at.tabs]
