"""The Alembic migrations (``env.py``, ``versions/``).

Kept here, at the top of the checkout, and shipped in the wheel as the package
``workbench.migrations`` (``package-dir`` in ``pyproject.toml``); ``workbench.db`` finds
them under that name either way.
"""
