"""AppTest for what a newcomer meets on Annotate: the first-run hint (closed per person, for
good), counts and empty states in plain words, and the keyboard shortcuts' popover and
buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import new_claim
from tests.ui.conftest import open_page, suggestion_cards
from workbench import articles, db, users
from workbench.drafts import ArticleDraft
from workbench.models import Article, User
from workbench.sample import load_sample
from workbench.ui.components import annotate_shortcuts as keys

PAGE = "workbench/ui/pages/annotate.py"
HINT = "Select words in the article to pin a claim"
#: Opinion and thanks only: nothing looks worth checking.
NOTHING = "I think we should do better. Thank you all for coming."
ONE = (
    "I think we should do better. The deficit rose by $200 billion in 2019, the largest since 2012."
)
TWO = ONE + " Unemployment fell to 3.5% in 2019, the lowest rate since 1969."


def _article(engine: Engine, user: User, body: str) -> Article:
    with db.write_session(engine) as session:
        return articles.add_article(
            session, session.get(User, user.id), ArticleDraft(title="Test article", body=body)
        )


def _hint_shown(at: AppTest) -> bool:
    return any(HINT in info.value for info in at.info)


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


@pytest.fixture
def sample(app_db: str, engine: Engine, reviewer: User) -> Article:
    with db.write_session(engine) as session:
        return load_sample(session, session.get(User, reviewer.id))


def test_the_hint_stays_closed_for_its_person_only(sample, reviewer, editor):
    at = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)
    assert not at.exception and _hint_shown(at)
    at.button(key="annotate_dismiss_hint").click().run()
    assert not at.exception and not at.error and not _hint_shown(at)
    again = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)  # a new session
    assert not again.exception and not _hint_shown(again)
    colleague = open_page(PAGE, {"article": str(sample.id)}, user=editor)
    assert _hint_shown(colleague)


def test_single_user_mode_closes_the_hint_for_the_local_user(app_db, engine):
    with db.write_session(engine) as session:
        article = load_sample(session, users.builtin_user(session, users.LOCAL_USER))
    at = open_page(PAGE, {"article": str(article.id)})
    assert not at.exception and _hint_shown(at)
    at.button(key="annotate_dismiss_hint").click().run()
    assert not at.exception and not at.error and not _hint_shown(at)
    assert not _hint_shown(open_page(PAGE, {"article": str(article.id)}))


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (
            NOTHING,
            "No suggestions left: every sentence that looked worth checking has a claim or "
            "was marked not check-worthy.",
        ),
        (ONE, "1 sentence looks worth checking."),
        (TWO, "2 sentences look worth checking."),
    ],
)
def test_suggestion_counts_read_as_a_person_says_them(app_db, engine, reviewer, body, line):
    article = _article(engine, reviewer, body)
    at = open_page(PAGE, {"article": str(article.id)}, user=reviewer)
    assert not at.exception
    assert line in _captions(at)
    assert not any("best 10" in c or "(s)" in c for c in _captions(at))


def test_more_suggestions_than_shown_say_how_many_are_shown(sample, reviewer):
    at = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)
    assert any(
        c.startswith("Showing the 10 most check-worthy of ") and c.endswith(" sentences.")
        for c in _captions(at)
    )
    assert len(suggestion_cards(at)) == 10


def test_reasons_are_worded_for_people(sample, reviewer):
    at = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)
    whys = [why for _start, _end, _quote, why in suggestion_cards(at)]
    assert all(why.startswith("Score ") for why in whys)
    assert len(whys) == 10 and any(" · why: a sum of money " in c for c in whys)
    assert not any(kind in c for c in whys for kind in ("attribution", "money amount"))


def test_no_claims_says_how_to_make_one_and_a_claim_is_counted(sample, engine, reviewer):
    at = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)
    assert "Claims in this article" in [s.value for s in at.subheader]
    assert any(c.startswith("No claims yet — select words in the article") for c in _captions(at))
    new_claim(engine, reviewer, sample)
    at = open_page(PAGE, {"article": str(sample.id)}, user=reviewer)
    assert "Claims in this article (1)" in [s.value for s in at.subheader]
    assert not any(c.startswith("No claims yet") for c in _captions(at))


def test_the_shortcuts_are_listed_and_on_the_buttons(sample, engine, reviewer):
    claim = new_claim(engine, reviewer, sample)
    at = open_page(PAGE, {"article": str(sample.id), "claim": str(claim.id)}, user=reviewer)
    assert not at.exception
    [table] = [m.value for m in at.markdown if m.value.startswith("| Key | What it does |")]
    for shortcut in keys.ALL:
        assert f"| `{shortcut.key}` | {shortcut.does} |" in table
    shortcuts = {b.key: b.proto.shortcut for b in at.button if b.proto.shortcut}
    accepts = [k for k in shortcuts if k.startswith("annotate_accept_")]
    assert len(accepts) == 1 and shortcuts[accepts[0]] == "a"  # the marked suggestion only
    assert shortcuts["annotate_suggestion_next"] == "j"
    assert shortcuts["annotate_close_claim"] == "x"
    # J marks the next suggestion: A then accepts that one.
    at.button(key="annotate_suggestion_next").click().run()
    after = [
        b.key
        for b in at.button
        if b.key and b.key.startswith("annotate_accept_") and b.proto.shortcut == "a"
    ]
    assert after and after != accepts
