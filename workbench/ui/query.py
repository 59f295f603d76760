"""Ids from the page URL (``?article=…&claim=…``), refused unless they are real ids.

A shared or hand-edited link can hold anything: ``²`` (``str.isdigit`` says yes, ``int``
says no), ``-1``, ``abc`` or ``18446744073709551616``, which SQLite cannot bind and
PostgreSQL answers with a DataError. :func:`workbench.validation.parse_id` decides what an
id is, for the URL as for the CLI and CSV cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from workbench.errors import InvalidInput
from workbench.validation import parse_id


@dataclass(frozen=True)
class QueryId:
    """A query parameter read as an id: ``given`` says whether the URL had it at all,
    ``value`` is the id, or None when absent or not a valid id."""

    given: bool
    value: int | None

    @property
    def invalid(self) -> bool:
        """The URL names one, but it cannot be an id: say so instead of ignoring it."""
        return self.given and self.value is None


def query_id(name: str) -> QueryId:
    """Read ``?name=…`` from the page URL as an id; never raises."""
    text = st.query_params.get(name)
    if text is None:
        return QueryId(given=False, value=None)
    try:
        return QueryId(given=True, value=parse_id(text))
    except InvalidInput:
        return QueryId(given=True, value=None)
