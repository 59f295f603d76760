"""AppTest for the annotate page: a seeded mouse selection becomes a claim, suggestions are
accepted in one click, a stale edit is refused with both versions and the typed text kept."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from tests.ui.conftest import open_page
from workbench import claims, db
from workbench.models import Claim
from workbench.sample import load_sample
from workbench.ui.safe import md

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
        "selection": {"start": start + 2, "end": start + len(quote) - 1, "text": "ignored"}}
    at.run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert quote in texts  # the cut words were completed to whole words
    assert any("Check-worthy because" in c.value for c in at.caption)
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


def test_stale_edit_shows_both_versions_and_keeps_the_typed_text(sample, engine, editor,
                                                                   second_editor):
    claim = new_claim(engine, editor, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)},
                   user=second_editor)
    statement = next(t for t in at.text_area if t.key and t.key.endswith("_statement"))
    statement.input("My careful rewording of the claim")
    # Meanwhile a colleague saves a different wording.
    with db.write_session(engine) as session:
        claims.update_claim(session, editor, claim.id, claim.version,
                            statement="The colleague's wording")
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
        assert claims.get_claim(session, claim.id).statement == \
            "My careful rewording of the claim"


def test_hostile_article_text_is_never_markup(app_db, engine):
    from workbench import articles, users

    body = ("<script>alert('x')</script> [click](javascript:alert(1)) ![img](http://e/x.png) "
            "The budget rose 12% in 2024, officials said.")
    with db.write_session(engine) as session:
        article = articles.add_article(session, users.builtin_user(session, users.LOCAL_USER),
                                       articles.ArticleDraft(title="<b>Bold</b> [x](http://e)",
                                                             body=body))
    at = open_page(PAGE, {"article": str(article.id)})
    assert not at.exception
    rendered = " ".join(m.value for m in at.markdown)
    assert "<script>" not in rendered and "](javascript:" not in rendered
    assert at.header[0].value == md("<b>Bold</b> [x](http://e)")  # shown as text, not markup
