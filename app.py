"""Entry point: page config and navigation only; each page is its own file."""

import streamlit as st

from workbench.ui.context import ensure_database

st.set_page_config(page_title="Claim workbench", page_icon="🔎", layout="wide")
ensure_database()

PAGES = "workbench/ui/pages"
navigation = st.navigation({
    "Work": [
        st.Page(f"{PAGES}/welcome.py", title="Start", icon="🏠", default=True),
        st.Page(f"{PAGES}/articles.py", title="Articles", icon="📰", url_path="articles"),
        st.Page(f"{PAGES}/annotate.py", title="Annotate", icon="🖍️", url_path="annotate"),
        st.Page(f"{PAGES}/claims.py", title="Claims", icon="🔎", url_path="claims"),
    ],
})
navigation.run()
