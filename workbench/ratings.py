"""Rating scales and their labels (presets come from migration 0002)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workbench.errors import InvalidInput, NotFound
from workbench.models import Rating, RatingScale, stored_id


def list_scales(session: Session) -> list[RatingScale]:
    return list(session.exec(select(RatingScale).order_by(col(RatingScale.id))))


def default_scale(session: Session) -> RatingScale:
    scale = session.exec(select(RatingScale).where(col(RatingScale.is_default).is_(True))).first()
    if scale is None:
        raise NotFound("No default rating scale is configured; run `workbench db upgrade`.")
    return scale


def ratings_of(session: Session, scale_id: int) -> list[Rating]:
    return list(
        session.exec(
            select(Rating).where(Rating.scale_id == scale_id).order_by(col(Rating.position))
        )
    )


def get_rating(session: Session, rating_id: int) -> Rating:
    rating = session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"There is no rating #{rating_id}.")
    return rating


def find_rating(session: Session, label: str, scale_id: int | None = None) -> Rating:
    """A rating by its label (case-insensitive) on ``scale_id`` or the default scale."""
    scale_id = scale_id or stored_id(default_scale(session))
    for rating in ratings_of(session, scale_id):
        if rating.label.casefold() == label.strip().casefold():
            return rating
    raise InvalidInput(f"“{label}” is not a rating on this scale.")
