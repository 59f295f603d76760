"""Alembic environment: migrations run against ``SQLModel.metadata``."""

from alembic import context
from sqlmodel import SQLModel

import workbench.models  # noqa: F401  (registers the tables)
from workbench.db import get_engine

config = context.config
target_metadata = SQLModel.metadata

# Search-index tables are created by hand-written migrations (FTS5 virtual
# tables on SQLite); autogenerate must not try to drop them.
_UNMANAGED_PREFIXES = ("claim_fts", "claim_search")


def include_name(name, type_, parent_names):  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.startswith(_UNMANAGED_PREFIXES):
        return False
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = get_engine(url)
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

