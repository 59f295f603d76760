"""AppTest for assignment: an editor assigns from the claim panel and the Articles page, a
reviewer takes an unassigned claim, the Claims list filters by assignee, and the
Dashboard's drill-down opens from (and writes) the URL with the open-claims table."""

from __future__ import annotations

import pytest

from tests.conftest import make_user, new_claim
from tests.ui.conftest import open_page, open_ui
from workbench import assignments, claims, db, users
from workbench.models import Article, Role
from workbench.sample import load_sample

ANNOTATE = "workbench/ui/pages/annotate.py"


@pytest.fixture
def sample(app_db, engine):
    with db.write_session(engine) as session:
        return load_sample(session, users.builtin_user(session, users.CLI_USER))


def assignee_of(engine, claim_id: int) -> int | None:
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id).assignee_id


def test_editor_assigns_from_the_claim_panel(sample, engine, reviewer, editor):
    claim = new_claim(engine, editor, sample)
    at = open_page(ANNOTATE, {"article": str(sample.id), "claim": str(claim.id)}, user=editor)
    assert not at.exception, at.exception
    choice = at.selectbox(key=f"annotate_assignee_{claim.id}_v{claim.version}")
    assert choice.label == "Assigned to you"
    choice.set_value(reviewer.id)
    at.button(key=f"annotate_assign_{claim.id}").click().run()
    assert not at.exception, at.exception
    assert assignee_of(engine, claim.id) == reviewer.id
    assert any("is now with rita" in s.value for s in at.success)
    after = at.selectbox(key=f"annotate_assignee_{claim.id}_v{claim.version + 1}")
    assert after.label == "Assigned to rita" and after.value == reviewer.id


def test_reviewer_takes_an_unassigned_claim_only(sample, engine, reviewer, editor):
    sam = make_user(engine, "sam", Role.reviewer)
    free = new_claim(engine, editor, sample)
    with db.write_session(engine) as session:
        free = assignments.assign_claim(session, editor, free.id, free.version, None)
    at = open_page(ANNOTATE, {"article": str(sample.id), "claim": str(free.id)}, user=reviewer)
    assert any("Not assigned to anyone" in m.value for m in at.markdown)
    assert not at.get("selectbox") or all(
        not (s.key or "").startswith("annotate_assignee") for s in at.selectbox
    )
    at.button(key=f"annotate_take_{free.id}").click().run()
    assert not at.exception, at.exception
    assert assignee_of(engine, free.id) == reviewer.id
    assert any("Assigned to you" in m.value for m in at.markdown)
    # sam's claim offers no Take
    held = new_claim(engine, editor, sample, text="Ursula von der Leyen")
    with db.write_session(engine) as session:
        assignments.assign_claim(session, editor, held.id, held.version, sam.id)
    at = open_page(ANNOTATE, {"article": str(sample.id), "claim": str(held.id)}, user=reviewer)
    assert any("Assigned to sam" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == f"annotate_take_{held.id}"]


def test_claims_list_filters_assigned_to_me_and_unassigned(sample, engine, reviewer, editor):
    mine = new_claim(engine, reviewer, sample)
    nobody = new_claim(engine, editor, sample, text="Ursula von der Leyen")
    with db.write_session(engine) as session:
        assignments.assign_claim(session, editor, nobody.id, nobody.version, None)
    new_claim(engine, editor, sample, text="ReArm Europe")  # the editor's own
    at = open_page("workbench/ui/pages/claims.py", user=reviewer)
    assert not at.exception, at.exception
    assert sorted(at.dataframe[0].value["id"]) == sorted([mine.id, nobody.id, nobody.id + 1])
    at.selectbox(key="claims_assignee").set_value("Assigned to me").run()
    table = at.dataframe[0].value
    assert list(table["id"]) == [mine.id] and list(table["assignee"]) == ["rita"]
    at.selectbox(key="claims_assignee").set_value("Unassigned").run()
    assert list(at.dataframe[0].value["id"]) == [nobody.id]
    at.selectbox(key="claims_assignee").set_value("eddie").run()
    assert list(at.dataframe[0].value["id"]) == [nobody.id + 1]


def test_editor_assigns_an_article_on_the_articles_page(sample, engine, reviewer, editor):
    claim = new_claim(engine, editor, sample)
    with db.write_session(engine) as session:
        assignments.assign_claim(session, editor, claim.id, claim.version, None)
    at = open_page("workbench/ui/pages/articles.py", user=editor)
    assert not at.exception, at.exception
    at.selectbox(key="articles_assign_article").set_value(sample.id)
    at.selectbox(key="articles_assign_to").set_value(reviewer.id)
    at.button(key="articles_assign").click().run()
    assert not at.exception, at.exception
    with db.read_session(engine) as session:
        assert session.get(Article, sample.id).assignee_id == reviewer.id
    assert assignee_of(engine, claim.id) == reviewer.id  # the unassigned open claim followed
    assert any("with rita" in str(link.proto) for link in at.get("page_link"))
    reviewer_view = open_page("workbench/ui/pages/articles.py", user=reviewer)
    assert not [s for s in reviewer_view.selectbox if s.key == "articles_assign_to"]


def test_dashboard_drill_down_reads_and_writes_the_url(desk, tmp_path, editor):
    at = open_ui("workbench/ui/pages/dashboard.py", tmp_path, {"dash_drill": "tag:eu"}, user=editor)
    assert not at.exception, at.exception
    assert any(s.value == "Claims: tag = eu" for s in at.subheader)
    assert sorted(at.dataframe[-1].value["id"]) == sorted(desk.claim_ids[i] for i in (0, 1, 3))
    workload = next(d.value for d in at.dataframe if "open claims" in d.value.columns)
    assert workload["open claims"].sum() > 0
    at.button(key="dash_clear").click().run()
    assert "dash_drill" not in at.query_params and "dash_drill" not in at.session_state
    assert not any(s.value.startswith("Claims:") for s in at.subheader)
