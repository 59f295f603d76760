"""Articles: bringing text in, finding it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench import audit
from workbench.errors import DuplicateArticle, InvalidInput, NotFound
from workbench.models import Article, Claim, User
from workbench.permissions import REVIEW_DESK, require
from workbench.text.extract import (
    MAX_TITLE_CHARS,
    ArticleInputError,
    body_hash,
    clean_pasted_text,
    derived_title,
)
from workbench.validation import clean_line, clean_url

SAMPLE_TITLE = "EU aims to circumvent detractors of Ukraine support, says Kallas"


@dataclass
class ArticleDraft:
    title: str
    body: str
    outlet: str = ""
    url: str = ""
    author: str = ""
    published: date | None = None
    language: str = "en"


def find_duplicate(session: Session, body: str) -> Article | None:
    """An existing article with the same text (ignoring whitespace differences)."""
    digest = body_hash(clean_pasted_text(body))
    return session.exec(select(Article).where(Article.body_hash == digest)).first()


def add_article(
    session: Session, actor: User, draft: ArticleDraft, *, allow_duplicate: bool = False
) -> Article:
    """Store a new article. Raises DuplicateArticle when the same text exists,
    unless ``allow_duplicate``; InvalidInput for empty, oversized or bad fields.

    Without a title, the body's first line becomes one (shortened to fit); a title the user
    typed is never shortened, only refused when too long."""
    require(actor, REVIEW_DESK, "add articles")
    try:
        body = clean_pasted_text(draft.body)
    except ArticleInputError as error:
        raise InvalidInput(str(error)) from error
    title = (clean_line(draft.title, field="Title", max_length=MAX_TITLE_CHARS)
             or derived_title(body.split("\n", 1)[0]))
    language = clean_line(draft.language or "en", field="Language", max_length=12).lower()
    digest = body_hash(body)
    if not allow_duplicate:
        existing = session.exec(select(Article).where(Article.body_hash == digest)).first()
        if existing is not None:
            raise DuplicateArticle(existing.id, existing.title)
    article = Article(
        title=title,
        outlet=clean_line(draft.outlet, field="Outlet", max_length=200),
        url=clean_url(draft.url, field="Article URL"),
        author=clean_line(draft.author, field="Author", max_length=300),
        published=draft.published,
        language=language or "en",
        body=body,
        body_hash=digest,
        created_by=actor.id,
    )
    session.add(article)
    session.flush()
    audit.record(
        session, actor, entity="article", entity_id=article.id, action="create",
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
        select(Claim.article_id, func.count().label("n"))
        .group_by(Claim.article_id)
        .subquery()
    )
    query = (
        select(Article.id, Article.title, Article.outlet, Article.published, Article.language,
               func.coalesce(claims.c.n, 0))
        .outerjoin(claims, claims.c.article_id == Article.id)
        .order_by(col(Article.created_at).desc(), col(Article.id).desc())
        .limit(limit).offset(offset)
    )
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(Article.title).like(pattern)
                            | func.lower(Article.outlet).like(pattern))
    if outlet:
        query = query.where(Article.outlet == outlet)
    return [ArticleRow(*row) for row in session.exec(query)]


def count_articles(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Article)).one()
