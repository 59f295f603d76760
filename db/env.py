"""Alembic environment: migrations run against ``SQLModel.metadata``.

The database is the one ``workbench.db.alembic_config`` names, or, for ``alembic upgrade
head`` with the checkout's ``alembic.ini``, the configured one (``WORKBENCH_DATABASE_URL``).
"""

from alembic import context
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from sqlmodel import SQLModel

import workbench.models  # noqa: F401  (registers the tables)
from workbench.db import get_engine
from workbench.settings import get_settings

config = context.config
URL = config.get_main_option("sqlalchemy.url") or get_settings().database_url
target_metadata = SQLModel.metadata

# Search-index tables are created by hand-written migrations (FTS5 virtual
# tables on SQLite); autogenerate must not try to drop them.
_UNMANAGED_PREFIXES = ("claim_fts", "claim_search")


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    if type_ == "table" and name and name.startswith(_UNMANAGED_PREFIXES):
        return False
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=URL,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = get_engine(URL)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
