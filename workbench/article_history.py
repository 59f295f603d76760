"""What a reader sees of an article's earlier versions: one version's text, what changed
since the one before, and where claims wait for a person after a new version.

The Annotate page reads the current version from its workspace (``workbench/workspace.py``)
and comes here for the rest: an older body is shown read-only, with the claims whose
offsets point into it, and any version can be compared with its predecessor sentence by
sentence (``workbench/text/diff.py``). Stored versions never change, so a comparison is
computed once per pair of bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, col, func, select

from workbench.article_versions import version_body
from workbench.articles import get_article
from workbench.models import AnchorStatus, Article, Claim, unsettled_claim
from workbench.sql import id_col
from workbench.text.diff import VersionDiff, sentence_diff
from workbench.workspace import ArticleView


@dataclass(frozen=True)
class ShownVersion:
    """Version ``number`` of an article as the Annotate page shows it. ``changed`` are
    spans of ``body`` (code points) whose sentences are new or edited since the previous
    version, ``removed`` the previous version's sentences that are gone; both empty when
    the comparison was not asked for or there is no previous version."""

    number: int
    current: int
    body: str
    changed: tuple[tuple[int, int], ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def read_only(self) -> bool:
        """An older version is for reading: claims are made and placed on the current one."""
        return self.number != self.current

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None


@dataclass(frozen=True)
class UnsettledArticle:
    """An article with claims a new version left for a person."""

    article_id: int
    title: str
    claims: int


def shown_version(
    session: Session, article: ArticleView, number: int | None = None, *, changes: bool = False
) -> ShownVersion:
    """Version ``number`` of ``article`` (the current one when None or unknown), compared
    with the previous version when ``changes``. Raises NotFound for a version the article
    never had."""
    current = article.current_version
    number = current if number is None or not 1 <= number <= current else number
    body = article.body if number == current else version_body(session, article.id, number)
    if not changes or number == 1:
        return ShownVersion(number, current, body)
    diff = _compare(version_body(session, article.id, number - 1), body, article.language)
    return ShownVersion(number, current, body, tuple(diff.changed), tuple(diff.removed))


@lru_cache(maxsize=16)
def _compare(old: str, new: str, language: str) -> VersionDiff:
    # The article view reruns on every click; two stored bodies always compare the same.
    return sentence_diff(old, new, language)


def unsettled_articles(session: Session, limit: int = 20) -> list[UnsettledArticle]:
    """Articles with claims needing review or unplaced, most such claims first (the partial
    index ``ix_claim_unsettled`` holds only those claims, so this stays cheap at any size)."""
    count = func.count(col(Claim.id))
    rows = session.exec(
        select(id_col(Claim.article_id), Article.title, count)
        .join(Article, col(Article.id) == Claim.article_id)
        .where(unsettled_claim())
        .group_by(col(Claim.article_id), col(Article.title))
        .order_by(count.desc(), col(Claim.article_id))
        .limit(limit)
    ).all()
    return [UnsettledArticle(article_id, title, n) for article_id, title, n in rows]


@dataclass(frozen=True)
class VersionTarget:
    """An article about to get a new version, and where its claims stand in the current
    one: ``placed`` in it, ``needs_review`` at a proposed span, ``unplaced``. Right after a
    new version is stored, these are what it did: moved, needing review, not found."""

    article_id: int
    title: str
    url: str
    current_version: int
    placed: int
    needs_review: int
    unplaced: int


def version_target(session: Session, article_id: int) -> VersionTarget:
    """Raises NotFound for an unknown article."""
    article = get_article(session, article_id)
    rows = session.exec(
        select(Claim.anchor_status, Claim.article_version).where(Claim.article_id == article_id)
    ).all()
    placed = sum(
        status == AnchorStatus.anchored and version == article.current_version
        for status, version in rows
    )
    return VersionTarget(
        article_id,
        article.title,
        article.url,
        article.current_version,
        placed,
        sum(status == AnchorStatus.needs_review for status, _ in rows),
        sum(status == AnchorStatus.unplaced for status, _ in rows),
    )
