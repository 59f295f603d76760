"""AppTest for the annotate page: a seeded mouse selection becomes a claim, suggestions are
accepted in one click, a stale edit is refused with both versions and the typed text kept;
a click redraws only what it changed.

AppTest builds its element tree from what one run sent, so after a fragment rerun the
tree holds only the fragments that ran: that is how these tests see what a click redrew.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.conftest import new_article, new_claim
from tests.ui.conftest import (
    CLAIM_BUTTONS,
    SPAN_SELECTOR,
    drawn_data,
    listed_claims,
    open_listed_claim,
    open_page,
)
from workbench import claims, db
from workbench.models import Claim
from workbench.sample import load_sample
from workbench.ui import routes
from workbench.ui.components.span_selector import body_digest
from workbench.ui.routes import open_tab_key
from workbench.ui.safe import md
from workbench.workspace import accept_suggestion, load_workspace

PAGE = "workbench/ui/pages/annotate.py"


@pytest.fixture
def sample(app_db, engine):
    from workbench import users

    with db.write_session(engine) as session:
        return load_sample(session, users.builtin_user(session, users.LOCAL_USER))


def stored_claims(engine) -> list[Claim]:
    with db.read_session(engine) as session:
        return list(session.exec(select(Claim).order_by(Claim.id)))


def test_seeded_selection_becomes_a_claim(sample, engine):
    quote = "most commonly linked to the countries that supported the U.S. invasion of Iraq"
    start = sample.body.index(quote)
    at = open_page(PAGE, {"article": str(sample.id)})
    at.session_state[f"annotate_article_{sample.id}"] = {
        "selection": {"start": start + 2, "end": start + len(quote) - 1, "text": "ignored"}
    }
    at.run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert quote in texts  # the cut words were completed to whole words
    assert any("Why it may be worth checking" in c.value for c in at.caption)
    at.text_input(key="annotate_new_claimant").input("TROIB News")
    at.button(key="FormSubmitter:annotate_new_claim-Create claim").click().run()
    assert not at.exception
    [claim] = stored_claims(engine)
    assert (claim.start, claim.end, claim.quote) == (start, start + len(quote), quote)
    assert claim.claimant == "TROIB News" and claim.claim_type == "historical"
    assert at.query_params["claim"] == str(claim.id)


def test_accepting_a_suggestion_creates_and_selects_the_claim(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    accept = next(b for b in at.button if b.key and b.key.startswith("annotate_accept_"))
    accept.click().run()
    assert not at.exception
    [claim] = stored_claims(engine)
    assert claim.reasons and claim.score is not None
    assert at.query_params["claim"] == str(claim.id)


def test_accept_on_an_out_of_date_page_opens_the_claim_already_made(
    sample, engine, editor, reviewer
):
    at = open_page(PAGE, {"article": str(sample.id)}, user=editor)
    accept = next(b for b in at.button if b.key and b.key.startswith("annotate_accept_"))
    # A colleague accepts the same suggestion after this page was drawn.
    with db.read_session(engine) as session:
        suggestion = load_workspace(session, sample.id).suggestions[0]
    assert accept.key == f"annotate_accept_{suggestion.start}"
    with db.write_session(engine) as session:
        theirs = accept_suggestion(session, reviewer, sample.id, suggestion).id
    accept.click().run()
    assert not at.exception and not at.error
    assert [c.id for c in stored_claims(engine)] == [theirs]
    assert at.query_params["claim"] == str(theirs)
    assert any(f"already claim #{theirs}; it is open now" in s.value for s in at.success)
    assert f"**Claim #{theirs}** · new" in [m.value for m in at.markdown]


def test_stale_edit_shows_both_versions_and_keeps_the_typed_text(
    sample, engine, editor, second_editor
):
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=second_editor)
    statement = next(t for t in at.text_area if t.key and t.key.endswith("_statement"))
    statement.input("My careful rewording of the claim")
    # Meanwhile a colleague saves a different wording.
    with db.write_session(engine) as session:
        claims.update_claim(
            session, editor, claim.id, claim.version, statement="The colleague's wording"
        )
    save = next(b for b in at.button if b.key and "Save claim" in b.key)
    save.click().run()
    assert not at.exception
    assert any("eddie changed this claim" in e.value for e in at.error)
    kept = next(t for t in at.text_area if t.key and t.key.endswith("_statement"))
    assert kept.value == "My careful rewording of the claim"
    conflict = at.dataframe[0].value
    assert list(conflict["saved by the other person"])[0] == "The colleague's wording"
    assert list(conflict["yours (still in the form)"])[0] == "My careful rewording of the claim"
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim.id).statement == "The colleague's wording"
    # Deliberately keeping mine, after seeing both, saves it over theirs.
    at.button(key=f"annotate_keep_{claim.id}").click().run()
    save = next(b for b in at.button if b.key and "Save claim" in b.key)
    save.click().run()
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim.id).statement == "My careful rewording of the claim"


def _claimant(at: AppTest) -> str:
    return next(t for t in at.text_input if t.key and t.key.endswith("_claimant")).value


def test_a_reopened_claim_shows_the_stored_version(sample, engine, editor, second_editor):
    three = new_claim(engine, editor, sample, claimant="Old claimant")
    two = new_claim(engine, editor, sample, text="€800 billion")
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(three.id)}, user=editor)
    assert _claimant(at) == "Old claimant"
    assert any("kept only while this claim stays open" in c.value for c in at.caption)
    open_listed_claim(at, two.id)  # reruns the panel, not the list
    assert _claimant(at) == ""
    with db.write_session(engine) as session:  # a colleague saves claim 3 meanwhile
        claims.update_claim(
            session, second_editor, three.id, three.version, claimant="New claimant"
        )
    at.run()  # a full run draws the claim list again
    open_listed_claim(at, three.id)
    assert not at.exception
    assert _claimant(at) == "New claimant"
    # ...and a save from the reopened form is based on the stored version, so it is taken.
    next(t for t in at.text_input if t.key.endswith("_claimant")).input("Mine")
    next(b for b in at.button if b.key and "Save claim" in b.key).click().run()
    assert not at.error
    with db.read_session(engine) as session:
        assert claims.get_claim(session, three.id).claimant == "Mine"


def test_a_stored_save_is_confirmed_from_the_stored_claim(sample, engine, editor):
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=editor)
    next(t for t in at.text_input if t.key.endswith("_claimant")).input("Council spokesperson")
    next(b for b in at.button if b.key and "Save claim" in b.key).click().run()
    assert any(f"Claim #{claim.id} saved (version 2)" in s.value for s in at.success)
    # The run that showed the callback's confirmation was interrupted, or a later write
    # replaced it: the page still confirms the save from the stored claim.
    del at.session_state[routes.FLASH]
    at.run()
    assert not at.success
    assert any(
        c.value.startswith("Version 2 · last change: claim update by eddie at ") for c in at.caption
    )


def test_the_claim_editor_shows_and_saves_the_context(sample, engine, editor):
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=editor)
    context = next(t for t in at.text_input if t.key.endswith("_context"))
    assert context.value == sample.title  # a claim made in the app: its article's title
    context.input("EU aid to Ukraine, March 2025")
    next(b for b in at.button if b.key and "Save claim" in b.key).click().run()
    assert not at.exception and not at.error
    with db.read_session(engine) as session:
        assert claims.get_claim(session, claim.id).context == "EU aid to Ukraine, March 2025"


def test_hostile_article_text_is_never_markup(app_db, engine):
    body = (
        "<script>alert('x')</script> [click](javascript:alert(1)) ![img](http://e/x.png) "
        "The budget rose 12% in 2024, officials said."
    )
    article = new_article(engine, None, body, title="<b>Bold</b> [x](http://e)")
    at = open_page(PAGE, {"article": str(article.id)})
    assert not at.exception
    rendered = " ".join(m.value for m in at.markdown)
    assert "<script>" not in rendered and "](javascript:" not in rendered
    assert at.header[0].value == md("<b>Bold</b> [x](http://e)")  # shown as text, not markup


def _keys(at: AppTest) -> set[str]:
    return {w.key for kind in ("button", "text_area", "text_input") for w in at.get(kind) if w.key}


def _article_data(at: AppTest) -> dict | None:
    return drawn_data(at, SPAN_SELECTOR)


def test_selecting_a_claim_redraws_the_article_and_panel_not_the_lists(sample, engine, editor):
    first = new_claim(engine, editor, sample)
    second = new_claim(engine, editor, sample, text="coalition of the willing")
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(first.id)}, user=editor)
    assert {first.id, second.id} <= set(listed_claims(at))
    assert _article_data(at)["body"] == sample.body  # the first run sends the body

    open_listed_claim(at, second.id)
    assert not at.exception
    assert at.query_params["claim"] == str(second.id)
    assert any(f"**Claim #{second.id}**" in m.value for m in at.markdown)
    data = _article_data(at)
    assert data["selected_claim_id"] == second.id
    assert data["body"] is None and data["digest"] == body_digest(sample.body)
    # the claim list and the suggestions stayed
    assert drawn_data(at, CLAIM_BUTTONS) is None
    assert not any(key.startswith("annotate_accept_") for key in _keys(at))


def test_a_new_wording_redraws_the_panel_and_the_claim_list(sample, engine, editor):
    # (A save that keeps the wording reruns the form's fragment, the panel; AppTest runs
    # a form submit as a full run, so only the browser shows that.)
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=editor)
    statement = next(t for t in at.text_area if t.key and t.key.endswith("_statement"))
    statement.input("The package is worth $6.2 billion")
    next(b for b in at.button if b.key and "Save claim" in b.key).click().run()
    assert not at.exception
    assert any(f"Claim #{claim.id} saved (version 2)" in s.value for s in at.success)
    assert "The package is worth $6.2 billion" in listed_claims(at)[claim.id]
    assert _article_data(at) is None


def test_accepting_a_suggestion_redraws_all_three_fragments(sample, engine, editor):
    at = open_page(PAGE, {"article": str(sample.id)}, user=editor)
    accept = next(b for b in at.button if b.key and b.key.startswith("annotate_accept_"))
    accept.click().run()
    assert not at.exception
    [claim] = stored_claims(engine)
    assert claim.id in listed_claims(at)
    assert accept.key not in _keys(at)
    data = _article_data(at)
    assert [h["claim_id"] for h in data["highlights"]] == [claim.id]
    assert data["body"] is None  # the text did not change
    assert any(key.endswith("_statement") for key in _keys(at))  # the new claim's form


def test_only_the_open_tab_of_a_claim_isdrawn_data(sample, engine, editor):
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=editor)
    assert [t.label for t in at.tabs] == [
        "Details",
        "Evidence (0)",
        "Verdict",
        "Corrections",
        "History",
        "Comments",
    ]
    drawn = _keys(at)
    assert any(key.endswith("_statement") for key in drawn)
    assert not any(
        key.startswith((f"annotate_ev_{claim.id}", f"annotate_verdict_{claim.id}")) for key in drawn
    )
    at.session_state[open_tab_key(claim.id)] = "Evidence"
    at.run()
    drawn = _keys(at)
    assert f"annotate_ev_{claim.id}_url" in drawn
    assert not any(key.endswith("_statement") for key in drawn)
    at.text_input(key=f"annotate_ev_{claim.id}_url").input("https://example.org/report")
    at.button(key=f"FormSubmitter:annotate_ev_{claim.id}-Attach source").click().run()
    assert not at.exception
    # The label now counts the source (a new tabs widget); the Evidence tab stays open.
    assert "Evidence (1)" in [t.label for t in at.tabs]
    assert f"annotate_ev_{claim.id}_1_url" in _keys(at)
    at.session_state[open_tab_key(claim.id)] = "Comments"
    at.run()
    assert f"comment_new_{claim.id}_body" in _keys(at)
    assert f"annotate_ev_{claim.id}_1_url" not in _keys(at)
