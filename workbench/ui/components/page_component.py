"""The workbench's own ``st.components.v2`` components: a static HTML shell, with the CSS and
JS of the same name beside this file.

Each is registered once, when its module is imported: registering on every script run
logs "registered multiple times" and sends the JS again with each rerun. The HTML is
static markup only; user data travels as the component's ``data`` and the JS writes it
with text nodes.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.components.v2.types import ComponentRenderer

_HERE = Path(__file__).resolve().parent


def register(name: str, stem: str, html: str) -> ComponentRenderer:
    """Component ``name`` with ``html`` and the files ``{stem}.css`` and ``{stem}.js``."""
    return st.components.v2.component(
        name,
        html=html,
        css=(_HERE / f"{stem}.css").read_text(encoding="utf-8"),
        js=(_HERE / f"{stem}.js").read_text(encoding="utf-8"),
    )
