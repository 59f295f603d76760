"""The claim workbench: the domain services, the ``workbench`` command and the UI (under
``workbench.ui``, the only part that imports Streamlit)."""

from importlib.metadata import version

#: The installed distribution's version (``pyproject.toml``), shown by ``workbench --version``.
__version__ = version("claim-workbench")
