"""Articles: bringing text in, finding it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench import audit
from workbench.drafts import ArticleDraft
from workbench.errors import DuplicateArticle, NotFound
from workbench.models import Article, Claim, User, stored_id
from workbench.permissions import REVIEW_DESK, require
from workbench.sql import select_columns
from workbench.text.extract import body_hash, clean_pasted_text, derived_title

SAMPLE_TITLE = "EU aims to circumvent detractors of Ukraine support, says Kallas"


def find_duplicate(session: Session, body: str) -> Article | None:
    """An existing article with the same text (ignoring whitespace differences)."""
    digest = body_hash(clean_pasted_text(body))
    return session.exec(select(Article).where(Article.body_hash == digest)).first()


def add_article(
    session: Session, actor: User, draft: ArticleDraft, *, allow_duplicate: bool = False
) -> Article:
    """Store a new article. Raises DuplicateArticle when the same text exists,
    unless ``allow_duplicate`` (the draft has refused empty, oversized or bad fields).

    Without a title, the body's first line becomes one (shortened to fit); a title the user
    typed is never shortened, only refused when too long (by the draft)."""
    require(actor, REVIEW_DESK, "add articles")
    body = draft.body
    title = draft.title or derived_title(body.split("\n", 1)[0])
    digest = body_hash(body)
    if not allow_duplicate:
        existing = session.exec(select(Article).where(Article.body_hash == digest)).first()
        if existing is not None:
            raise DuplicateArticle(stored_id(existing), existing.title)
    article = Article(
        title=title,
        outlet=draft.outlet,
        url=draft.url,
        author=draft.author,
        published=draft.published,
        language=draft.language,
        body=body,
        body_hash=digest,
        created_by=actor.id,
    )
    session.add(article)
    session.flush()
    audit.record(
        session,
        actor,
        entity="article",
        entity_id=stored_id(article),
        action="create",
        changes={"title": [None, article.title], "characters": [None, len(body)]},
    )
    return article


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    outlet: str
    published: date | None
    language: str
    claims: int


def list_articles(
    session: Session, *, search: str = "", outlet: str = "", limit: int = 50, offset: int = 0
) -> list[ArticleRow]:
    """Articles newest first with their claim counts (one query, no body loaded)."""
    claims = (
        select(Claim.article_id, func.count().label("n")).group_by(col(Claim.article_id)).subquery()
    )
    query = (
        select_columns(
            Article.id,
            Article.title,
            Article.outlet,
            Article.published,
            Article.language,
            func.coalesce(claims.c.n, 0),
        )
        .outerjoin(claims, claims.c.article_id == Article.id)
        .order_by(col(Article.created_at).desc(), col(Article.id).desc())
        .limit(limit)
        .offset(offset)
    )
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Article.title).like(pattern) | func.lower(Article.outlet).like(pattern)
        )
    if outlet:
        query = query.where(Article.outlet == outlet)
    return [ArticleRow(*row) for row in session.exec(query)]


def count_articles(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Article)).one()
