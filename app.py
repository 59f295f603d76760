"""Entry point: page config, the sign-in gate and navigation; each page is its own file,
and ``workbench/ui/routes.py`` says which roles see which.

Served by ``python -m workbench.ui.web`` (see ``workbench/ui/web.py``), which adds the
HTTP routes that set the session cookie.
"""

import streamlit as st

from workbench.ui import routes
from workbench.ui.context import current_user, ensure_database, sign_out
from workbench.ui.safe import md

st.set_page_config(page_title="Claim workbench", page_icon="🔎", layout="wide")
ensure_database()

user = current_user()
if user is None:
    routes.navigation(None).run()
    st.stop()

with st.sidebar:
    if user.is_local:
        st.caption("Single-user mode: no sign-in until an account exists.")
    else:
        st.caption(f"Signed in as **{md(user.display_name or user.name)}** · {user.role}")
        if st.button("Sign out", key="app_sign_out"):
            sign_out()
            st.rerun()

routes.navigation(user.role).run()
