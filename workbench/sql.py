"""Typed helpers over SQLModel's query API, for what its annotations cannot express.

SQLModel's ``select`` is annotated for one to four columns; a read model that fetches a
whole row of a list (a dozen columns from three tables) in one query is correct at run
time but matches none of those overloads. And the tables declare ``id: int | None``
(a new row has no id until it is flushed), so a query for ids is typed as returning
``int | None`` although a stored row always has one; nor does SQLModel declare the
``__table__`` it gives every table class. These helpers are the same calls, typed for
what they return, so such queries type-check without an ignore at each.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Mapped
from sqlmodel import col, select
from sqlmodel.sql.expression import Select


def select_columns(*columns: Any) -> Select[*tuple[Any, ...]]:
    """``sqlmodel.select(*columns)`` for five or more columns (rows come back as tuples)."""
    return select(*columns)


def id_col(column: int | None) -> Mapped[int]:
    """``col(column)`` typed as ``int``: for a primary key (``select(id_col(Claim.id))``)
    or a foreign key that the query's join or WHERE makes non-null."""
    return cast("Mapped[int]", col(column))


def table_of(model: type[Any]) -> Table:
    """The Core table of a table class (``Claim.__table__``), for statements that bypass
    the ORM (bulk upserts, the summary's GROUP BYs)."""
    return model.__table__
