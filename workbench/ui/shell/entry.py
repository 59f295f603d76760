"""The entry page: page config, the sign-in gate and navigation; each page is its own file,
and ``workbench/ui/routes.py`` says which roles see which.

``workbench/ui/web.py`` serves this file (so the wheel carries it); the top-level
``app.py`` of a checkout runs :func:`show` for AppTest and ``streamlit run app.py``.
"""

import streamlit as st

from workbench.ui import routes
from workbench.ui.components.work_counts import sidebar_counts
from workbench.ui.context import current_user, ensure_database, sign_out
from workbench.ui.safe import md


def show() -> None:
    """One run of the app: the sign-in page for nobody, the role's menu for a person."""
    st.set_page_config(page_title="Claim workbench", page_icon="🔎", layout="wide")
    ensure_database()

    user = current_user()
    if user is None:
        routes.navigation(None).run()
        st.stop()

    menu = routes.navigation(user.role, signed_in=not user.is_local)
    with st.sidebar:
        if user.is_local:
            st.caption("Single-user mode: no sign-in until an account exists.")
        else:
            st.caption(f"Signed in as **{md(user.display_name or user.name)}** · {user.role}")
            sidebar_counts(user)
            if st.button("Sign out", key="app_sign_out"):
                sign_out()
                st.rerun()
    menu.run()


if __name__ == "__main__":  # Streamlit runs the served script as __main__
    show()
