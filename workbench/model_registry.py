"""Which check-worthiness model ranks suggestions, and the newsroom's labelled decisions.

Newsroom models live in the database (``CheckworthinessModel``) so every server replica
ranks with the same one. The model in use is the newest active row, else the one shipped
in the package. ``ranker_in_use`` costs one indexed query per call and parses a row only
when the active id changes (once per process and model).

For the admin page (``workbench/ui/pages/model_admin.py``): ``list_models(session)``
gives the rows as ``ModelSummary`` (newest first, ``in_use`` marked), ``model_in_use``
what ranks now (label, warning, when it was trained, the data it learnt from and its
figures), ``decision_counts`` how many decisions there are to learn from,
``activate_model(session, actor, id)`` rolls back or forward to a stored model and
``use_shipped_model(session, actor)`` returns to the packaged one. Readers with a session
rank through ``rank_with_model_in_use``. Retraining with the decisions is
``workbench/model_admin.py``'s ``retrain_with_decisions``.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench import audit
from workbench.errors import InvalidInput, NotFound
from workbench.models import Article, CheckworthinessModel, Claim, ClaimState, User, stored_id
from workbench.permissions import ADMINS, require
from workbench.sql import select_columns
from workbench.text.checkworthiness import Ranker, Ranking, default_ranker, rank_sentences
from workbench.text.checkworthiness_model import (
    FORMAT_VERSION,
    ArtefactError,
    Example,
    LearnedRanker,
    dump_artefact,
    parse_artefact,
)
from workbench.text.segment import split_sentences

log = logging.getLogger(__name__)

#: Share of the decisions held back from training to measure before and after.
HELD_BACK_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """One stored model as the admin page lists it."""

    id: int
    created_at: datetime
    created_by: int | None
    format_version: int
    active: bool
    in_use: bool
    metrics: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ModelInUse:
    """What ranks suggestions now: a stored model (``stored_id``, ``created_at``) or the
    shipped one (both None), with what it learnt from (``training``: the files' names,
    SHA-256 and rows, the decisions) and the figures measured when it was trained; both
    empty for the cue rules."""

    label: str
    warning: str | None
    stored_id: int | None
    created_at: datetime | None
    format_version: int | None
    training: dict[str, Any]
    metrics: dict[str, Any]


# Stored artefacts never change, so a parsed one stays valid for its database and id.
_RANKERS: dict[tuple[str, int], Ranker] = {}


def ranker_in_use(session: Session) -> Ranker:
    """The ranker suggestions should use now: the newest active stored model, else the
    shipped one (else the cue rules). A stored model that cannot be read is skipped with
    a WARNING in the log and a warning on the ranker, never an error."""
    model_id = active_model_id(session)
    if model_id is None:
        return default_ranker()
    key = (str(session.get_bind().engine.url), model_id)
    if key not in _RANKERS:
        _RANKERS[key] = _load(session, model_id)
    return _RANKERS[key]


def rank_with_model_in_use(
    session: Session, body: str, language: str, *, genre: str | None = None
) -> Ranking:
    """``rank_sentences`` with the model in use, cached per text and model: the Annotate
    page reruns on every click, and a stored body and model never change."""
    return _ranking(body, language, genre, ranker_in_use(session))


@lru_cache(maxsize=64)
def _ranking(body: str, language: str, genre: str | None, ranker: Ranker) -> Ranking:
    return rank_sentences(body, language, genre=genre, ranker=ranker)


def active_model_id(session: Session) -> int | None:
    """The id of the stored model in use, None while the shipped one is (one indexed
    query: cheap enough for a cache key)."""
    return session.exec(
        select(CheckworthinessModel.id)
        .where(col(CheckworthinessModel.active))
        .order_by(col(CheckworthinessModel.id).desc())
        .limit(1)
    ).first()


def model_in_use(session: Session) -> ModelInUse:
    """The model that ranks suggestions now, described for the admin page."""
    ranker = ranker_in_use(session)
    artefact = ranker.artefact if isinstance(ranker, LearnedRanker) else {}
    model_id = active_model_id(session)
    # None too when the stored model could not be read and the shipped one ranks instead
    stored = model_id if ranker.label == f"newsroom model #{model_id}" else None
    created_at = (
        None
        if stored is None
        else session.exec(
            select(CheckworthinessModel.created_at).where(CheckworthinessModel.id == stored)
        ).one()
    )
    return ModelInUse(
        ranker.label,
        ranker.warning,
        stored,
        created_at,
        artefact.get("format_version"),
        dict(artefact.get("training", {})),
        dict(artefact.get("metrics", {})),
    )


def decision_counts(session: Session) -> tuple[int, int]:
    """(claims kept on articles, suggestions dismissed): the decisions a retraining
    learns from (:func:`decision_examples` counts sentences, and reads every claim)."""
    on_articles = (col(Claim.article_id).is_not(None), col(Claim.start).is_not(None))
    kept = session.exec(
        select(func.count()).where(*on_articles, Claim.state != ClaimState.dismissed)
    ).one()
    dismissed = session.exec(
        select(func.count()).where(
            *on_articles, Claim.state == ClaimState.dismissed, col(Claim.score).is_not(None)
        )
    ).one()
    return kept, dismissed


def _load(session: Session, model_id: int) -> Ranker:
    row = session.get_one(CheckworthinessModel, model_id)
    try:
        return parse_artefact(row.artefact, f"newsroom model #{model_id}")
    except ArtefactError as error:
        log.warning("newsroom check-worthiness model #%d unusable: %s", model_id, error)
        fallback = default_ranker()
        return replace(
            fallback,
            warning=f"Newsroom model #{model_id} could not be read; "
            f"suggestions use the {fallback.label} instead.",
        )


def save_model(
    session: Session, actor: User, artefact: dict[str, Any], metrics: dict[str, Any]
) -> CheckworthinessModel:
    """Store a trained model and put it in use; earlier rows stay for a roll-back."""
    require(actor, ADMINS, "train the check-worthiness model")
    row = CheckworthinessModel(
        created_by=actor.id,
        format_version=FORMAT_VERSION,
        artefact=dump_artefact(artefact),
        metrics=metrics,
        active=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        entity="checkworthiness_model",
        entity_id=stored_id(row),
        action="train",
        changes={"active": [None, True]},
    )
    return row


def activate_model(session: Session, actor: User, model_id: int) -> CheckworthinessModel:
    """Put stored model ``model_id`` in use (roll back or forward), retiring the others."""
    require(actor, ADMINS, "choose the check-worthiness model")
    row = session.get(CheckworthinessModel, model_id)
    if row is None:
        raise NotFound(f"There is no check-worthiness model #{model_id}.")
    try:
        parse_artefact(row.artefact, f"newsroom model #{model_id}")
    except ArtefactError as error:
        raise InvalidInput(f"Model #{model_id} cannot be used: {error}.") from error
    previous = _retire_all(session)
    row.active = True
    session.add(row)
    audit.record(
        session,
        actor,
        entity="checkworthiness_model",
        entity_id=model_id,
        action="activate",
        changes={"in_use": [previous, model_id]},
    )
    return row


def use_shipped_model(session: Session, actor: User) -> None:
    """Retire every stored model, so the one shipped in the package ranks again."""
    require(actor, ADMINS, "choose the check-worthiness model")
    previous = _retire_all(session)
    audit.record(
        session,
        actor,
        entity="checkworthiness_model",
        entity_id=previous or 0,
        action="use_shipped",
        changes={"in_use": [previous, None]},
    )


def _retire_all(session: Session) -> int | None:
    """Deactivate every stored model; the id that was in use."""
    previous = active_model_id(session)
    for row in session.exec(
        select(CheckworthinessModel).where(col(CheckworthinessModel.active))
    ).all():
        row.active = False
        session.add(row)
    session.flush()
    return previous


def list_models(session: Session) -> list[ModelSummary]:
    """Every stored model, newest first (artefacts not loaded)."""
    in_use = active_model_id(session)
    rows = session.exec(
        select_columns(
            CheckworthinessModel.id,
            CheckworthinessModel.created_at,
            CheckworthinessModel.created_by,
            CheckworthinessModel.format_version,
            CheckworthinessModel.active,
            CheckworthinessModel.metrics,
        ).order_by(col(CheckworthinessModel.id).desc())
    ).all()
    return [
        ModelSummary(model_id, created_at, created_by, version, active, model_id == in_use, metrics)
        for model_id, created_at, created_by, version, active, metrics in rows
    ]


def decision_examples(session: Session) -> list[Example]:
    """The newsroom's decisions as labelled sentences.

    Positive: the sentence(s) each claim on an article covers, unless it was dismissed
    (accepted suggestions and claims made by hand alike). Negative: dismissed suggestions
    (a dismissed claim with a suggestion score, ``workspace.dismiss_suggestion``). A
    dismissed claim made by hand says nothing about the sentence and is left out. A
    sentence both kept and dismissed counts as kept. ``group`` is the article id.
    """
    claims = session.exec(
        select(Claim).where(col(Claim.article_id).is_not(None), col(Claim.start).is_not(None))
    ).all()
    by_article: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        assert claim.article_id is not None  # selected above
        by_article[claim.article_id].append(claim)
    labels: dict[tuple[int, str], int] = {}
    for article_id, article_claims in by_article.items():
        article = session.get_one(Article, article_id)
        for claim in article_claims:
            label = _label(claim)
            if label is None:
                continue
            for text in _covered_sentences(article, claim):
                key = (article_id, text)
                labels[key] = max(labels.get(key, 0), label)
    return [
        Example(text, label, str(article_id))
        for (article_id, text), label in sorted(labels.items())
    ]


def _label(claim: Claim) -> int | None:
    if claim.state != ClaimState.dismissed:
        return 1
    return 0 if claim.score is not None else None


def _covered_sentences(article: Article, claim: Claim) -> list[str]:
    """The whole sentences of the body the claim's span touches; its quote alone when the
    span no longer points at it (the body changed since)."""
    body = article.body
    start, end = claim.start, claim.end
    if start is None or end is None or body[start:end] != claim.quote:
        return [claim.quote] if claim.quote.strip() else []
    return [
        s.text for s in split_sentences(body, article.language) if s.start < end and start < s.end
    ]


def hold_back(examples: list[Example], seed: int) -> tuple[list[Example], list[Example]]:
    """Split the decisions into (for training, held back for the before/after figures),
    by article so one article's sentences never sit on both sides."""
    articles = sorted({e.group for e in examples})
    random.Random(seed).shuffle(articles)
    held = set(
        articles[: max(1, round(HELD_BACK_SHARE * len(articles)))] if len(articles) > 1 else []
    )
    return ([e for e in examples if e.group not in held], [e for e in examples if e.group in held])
