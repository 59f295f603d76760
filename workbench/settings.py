"""One typed settings object, read from the environment (prefix ``WORKBENCH_``).

Everything a deployment may change lives here so that pages, the CLI and tests
agree on one source of truth.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "db" / "workbench.sqlite3"
LOCAL_DEV_SECRET = "local-development-only-secret"


class Settings(BaseSettings):
    """Deployment configuration.

    ``environment`` is ``local`` on a developer's machine; anything else is
    treated as production, where the built-in development secret is refused so
    that session cookies cannot be forged with a value published in this repo.
    """

    model_config = SettingsConfigDict(env_prefix="WORKBENCH_", env_file=None, extra="ignore")

    environment: Literal["local", "production"] = "local"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    secret_key: str = LOCAL_DEV_SECRET
    organisation_name: str = "Our newsroom"
    organisation_url: str = "https://example.org"
    session_hours: int = 12
    sqlite_busy_timeout_ms: int = 5000

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment != "local" and self.secret_key == LOCAL_DEV_SECRET:
            raise ValueError(
                "WORKBENCH_SECRET_KEY must be set to a private random value outside local "
                "development (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )
        if self.environment != "local" and len(self.secret_key) < 32:
            raise ValueError("WORKBENCH_SECRET_KEY must be at least 32 characters in production.")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
