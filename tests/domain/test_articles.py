from datetime import date

import pytest
from sqlmodel import select

from workbench import articles, db
from workbench.errors import DuplicateArticle, InvalidInput, PermissionDenied
from workbench.models import Article, AuditEvent
from workbench.sample import load_sample, sample_draft


def draft(**overrides):
    values = dict(
        title="Aid package",
        body="The EU pledged €800 billion.\n\nMore text.",
        outlet="Wire",
        url="https://example.org/a",
        published=date(2025, 3, 6),
    )
    values.update(overrides)
    return articles.ArticleDraft(**values)


def test_add_article_stores_fields_and_audit(engine, reviewer):
    with db.write_session(engine) as session:
        article = articles.add_article(session, reviewer, draft())
    with db.read_session(engine) as session:
        stored = session.get(Article, article.id)
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "article")).all()
    assert stored.title == "Aid package"
    assert stored.published == date(2025, 3, 6)
    assert stored.created_by == reviewer.id
    assert [(e.action, e.actor_name) for e in events] == [("create", "rita")]


def test_same_body_twice_is_refused_unless_asked(engine, reviewer):
    with db.write_session(engine) as session:
        first = articles.add_article(session, reviewer, draft())
    with pytest.raises(DuplicateArticle) as raised, db.write_session(engine) as session:
        # whitespace differences do not make it a different article
        articles.add_article(
            session, reviewer, draft(body="The EU pledged  €800 billion.\n\n\nMore text. ")
        )
    assert raised.value.existing_id == first.id
    with db.write_session(engine) as session:
        again = articles.add_article(session, reviewer, draft(), allow_duplicate=True)
    assert again.id != first.id


@pytest.mark.parametrize(
    "bad",
    [
        {"body": "   \n  "},
        {"body": "x" * 300_000},
        {"url": "javascript:alert(1)"},
        {"url": "ftp://example.org/file"},
        {"title": "t" * 600},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(engine, reviewer, bad):
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        articles.add_article(session, reviewer, draft(**bad))
    with db.read_session(engine) as session:
        assert articles.count_articles(session) == 0
        assert session.exec(select(AuditEvent)).all() == [] or all(
            e.entity == "user" for e in session.exec(select(AuditEvent))
        )


def test_inactive_user_cannot_add(engine, reviewer):
    reviewer.active = False
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        articles.add_article(session, reviewer, draft())


def test_title_defaults_to_first_line(engine, reviewer):
    with db.write_session(engine) as session:
        article = articles.add_article(
            session, reviewer, draft(title="", body="Headline here\n\nBody text.")
        )
    assert article.title == "Headline here"


def test_long_first_line_becomes_a_shortened_title(engine, reviewer):
    """A plain-text article whose first line is a paragraph was refused ("Title is too long
    (2975 characters; at most 500)"); now its title is that line cut at a word boundary."""
    paragraph = " ".join(f"Sentence {n} of the opening paragraph." for n in range(100))
    with db.write_session(engine) as session:
        article = articles.add_article(
            session, reviewer, draft(title="", body=f"{paragraph}\n\nMore text.")
        )
    with db.read_session(engine) as session:
        stored = session.get(Article, article.id)
    assert len(stored.title) <= 500 and stored.title.endswith("…")
    assert paragraph.startswith(stored.title.removesuffix("…") + " ")
    assert stored.body.startswith(paragraph)  # the body is never cut


def test_list_articles_counts_claims_and_searches(engine, reviewer):
    with db.write_session(engine) as session:
        articles.add_article(session, reviewer, draft())
        articles.add_article(session, reviewer, draft(title="Другое", body="Інший текст."))
    with db.read_session(engine) as session:
        rows = articles.list_articles(session)
        found = articles.list_articles(session, search="aid")
    assert [r.title for r in rows] == ["Другое", "Aid package"]
    assert [r.claims for r in rows] == [0, 0]
    assert [r.title for r in found] == ["Aid package"]


def test_sample_loads_once(engine, reviewer):
    with db.write_session(engine) as session:
        first = load_sample(session, reviewer)
    with db.write_session(engine) as session:
        second = load_sample(session, reviewer)
    assert first.id == second.id
    assert first.title == sample_draft().title
    assert "$6.2 billion" in first.body
