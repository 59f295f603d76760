"""The sample article shipped with the package, for a first look at the workbench."""

from __future__ import annotations

from importlib.resources import files

from sqlmodel import Session

from workbench.articles import ArticleDraft, add_article, find_duplicate
from workbench.models import Article, User


def sample_draft() -> ArticleDraft:
    text = files("workbench").joinpath("sample_data/seed-article.txt").read_text("utf-8")
    title, _, body = text.partition("\n")
    return ArticleDraft(title=title.strip(), body=body.strip(), outlet="TROIB News", language="en")


def load_sample(session: Session, actor: User) -> Article:
    """Add the sample article (no claims), or return it if it is already there."""
    draft = sample_draft()
    return find_duplicate(session, draft.body) or add_article(session, actor, draft)
