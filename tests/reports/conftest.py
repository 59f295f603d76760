"""The report tests' shared fixture: the fixed database the CSV report's golden bytes
(``tests.factories.GOLDEN``) were taken from."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.factories import build_fixed_db
from workbench.models import User


@pytest.fixture
def fixed(engine: Engine, reviewer: User, editor: User) -> Engine:
    build_fixed_db(engine, reviewer, editor)
    return engine
