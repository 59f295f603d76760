"""One typed settings object, read from the environment (prefix ``WORKBENCH_``).

Everything a deployment may change lives here so that pages, the CLI and tests
agree on one source of truth.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_path
from pydantic import (
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from workbench.errors import WorkbenchError
from workbench.validation import is_web_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: A source checkout (editable install included) has the migrations in ``db/`` beside the
#: package; an installed wheel carries them inside it (``workbench/migrations``).
IN_CHECKOUT = (PROJECT_ROOT / "db" / "env.py").is_file()
LOCAL_DEV_SECRET = "local-development-only-secret"
LOCAL = "local"
#: The usual value of ``WORKBENCH_ARCHIVE_SAVE_ENDPOINT``: the Wayback Machine's "Save Page
#: Now" address, to which the page's own address is appended.
WAYBACK_SAVE_ENDPOINT = "https://web.archive.org/save/"


def default_sqlite_path() -> Path:
    """Where the SQLite database lives unless ``WORKBENCH_DATABASE_URL`` says otherwise:
    ``db/`` in a checkout, beside the migrations; for an installed package the person's data
    directory (``~/.local/share/claim-workbench`` on Linux, ``$XDG_DATA_HOME`` honoured),
    never the ``site-packages`` folder a reinstall replaces."""
    if IN_CHECKOUT:
        return PROJECT_ROOT / "db" / "workbench.sqlite3"
    return user_data_path("claim-workbench", appauthor=False) / "workbench.sqlite3"


class SettingsError(WorkbenchError):
    """The environment variables describe a deployment we refuse to start; the message names
    the variable and what to do, for the person starting the server or the command."""


class Settings(BaseSettings):
    """Deployment configuration.

    ``environment`` is ``local`` on a developer's machine; anything else (``production``,
    ``staging``, ``test``, …) is treated as production, where the built-in development
    secret is refused so that session cookies cannot be forged with a value published in
    this repo, and sign-in is always required.
    """

    model_config = SettingsConfigDict(env_prefix="WORKBENCH_", env_file=None, extra="ignore")

    environment: str = LOCAL
    database_url: str = Field(default_factory=lambda: f"sqlite:///{default_sqlite_path()}")
    secret_key: str = LOCAL_DEV_SECRET
    organisation_name: str = "Our newsroom"
    organisation_url: str = "https://example.org"
    session_hours: int = 12
    #: How long a SQLite write waits for another writer (an import holds the lock for a few
    #: seconds per 100,000 rows) before the page says the database is busy.
    sqlite_busy_timeout_ms: int = 30_000
    #: The server's log level (JSON lines on stderr, see workbench.logs).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: Hosts that may be fetched although they resolve into the newsroom's own network
    #: (``WORKBENCH_FETCH_ALLOW_HOSTS=wiki.newsroom.internal,10.1.2.3``): matched against the
    #: host written in the address, name or IP, never against what a name resolves to. The
    #: cloud metadata address stays refused (docs/decisions/0010-fetching-web-pages.md).
    fetch_allow_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    #: Seconds a web page fetch may take: each connect and read, and the whole fetch with
    #: its redirects.
    fetch_timeout_seconds: PositiveFloat = 10.0
    #: Bytes of a fetched page (after decompression) beyond which reading stops.
    fetch_max_bytes: PositiveInt = 5 * 1024 * 1024
    #: Where "Archive" asks a public archive for a copy, the source's address appended (the
    #: Wayback Machine's is WAYBACK_SAVE_ENDPOINT); empty: no public copy is requested.
    archive_save_endpoint: str = ""
    #: Seconds the public archive may take to make its copy (the Wayback Machine often
    #: needs tens of seconds).
    archive_timeout_seconds: PositiveFloat = 60.0

    #: A directory holding ``model.onnx`` and ``tokenizer.json`` of a sentence-embedding
    #: model (all-MiniLM-L6-v2 class): "seen before?" then re-ranks its candidates by
    #: meaning (``workbench.embeddings``; needs the ``semantic`` extra). Read from disk only,
    #: never downloaded; unusable, it is left out with one warning.
    embedding_model: Path | None = None

    @field_validator("environment")
    @classmethod
    def _normalise_environment(cls, value: str) -> str:
        # "Local " typed in a unit file is still a developer's machine; only that is.
        return value.strip().lower()

    @field_validator("fetch_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        # A comma-separated list is what people type in a unit file. Hosts compare lowercase,
        # without the trailing dot a fully qualified name may carry, IPv6 without brackets.
        if isinstance(value, str):
            value = value.split(",")
        return tuple(host.strip().strip("[]").lower().rstrip(".") for host in value if host.strip())

    @field_validator("archive_save_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        value = value.strip()
        if value and not is_web_url(value):
            raise ValueError(
                "must be empty or a full web address starting with https:// "
                f"(the Wayback Machine's is {WAYBACK_SAVE_ENDPOINT})"
            )
        return value

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.is_production and self.secret_key == LOCAL_DEV_SECRET:
            raise ValueError(
                "WORKBENCH_SECRET_KEY must be set to a private random value outside local "
                "development (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )
        if self.is_production and len(self.secret_key) < 32:
            raise ValueError("WORKBENCH_SECRET_KEY must be at least 32 characters in production.")
        return self

    @property
    def is_production(self) -> bool:
        """Anything but ``local`` (case and surrounding spaces ignored; empty is production)."""
        return self.environment != LOCAL

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env.

    Raises SettingsError with one line per problem (``WORKBENCH_X: what is wrong``) instead
    of pydantic's report, which points at its own documentation rather than at the variable.
    """
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError("\n".join(_problem(item) for item in error.errors())) from None


def _problem(item: Any) -> str:
    """One pydantic error as the environment variable to fix and why."""
    reason = item.get("ctx", {}).get("error") or item["msg"]
    if item["loc"]:
        return f"WORKBENCH_{str(item['loc'][0]).upper()}: {reason}"
    return str(reason)
