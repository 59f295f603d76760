"""Entry point: page config, the sign-in gate and navigation; each page is its own file.

Served by ``python -m workbench.ui.web`` (see ``workbench/ui/web.py``), which adds the
HTTP routes that set the session cookie.
"""

import streamlit as st

from workbench.permissions import ADMINS, EDITORS
from workbench.ui.context import current_user, ensure_database, sign_out
from workbench.ui.safe import md

st.set_page_config(page_title="Claim workbench", page_icon="🔎", layout="wide")
ensure_database()

PAGES = "workbench/ui/pages"


def page(file: str, title: str, icon: str, url_path: str) -> st.Page:
    return st.Page(f"{PAGES}/{file}", title=title, icon=f":material/{icon}:", url_path=url_path)


user = current_user()
if user is None:
    st.navigation([st.Page(f"{PAGES}/sign_in.py", title="Sign in", icon=":material/login:",
                           default=True)], position="hidden").run()
    st.stop()

sections: dict[str, list[st.Page]] = {"Work": [
    st.Page(f"{PAGES}/welcome.py", title="Start", icon=":material/home:", default=True),
    page("articles.py", "Articles", "newspaper", "articles"),
    page("annotate.py", "Annotate", "ink_highlighter", "annotate"),
    page("claims.py", "Claims", "fact_check", "claims"),
    # Reachable (e.g. to switch accounts) but not listed.
    st.Page(f"{PAGES}/sign_in.py", title="Sign in", icon=":material/login:", url_path="sign-in",
            visibility="hidden"),
]}
if user.role in EDITORS:
    sections["Desk"] = [page("review.py", "Review queue", "rule", "review"),
                        page("dashboard.py", "Dashboard", "monitoring", "dashboard"),
                        page("reports.py", "Reports", "download", "reports")]
if user.role in ADMINS:
    sections["Admin"] = [page("users.py", "Users", "group", "users")]

with st.sidebar:
    if user.name == "local":
        st.caption("Single-user mode: no sign-in until an account exists.")
    else:
        st.caption(f"Signed in as **{md(user.display_name or user.name)}** · {user.role}")
        if st.button("Sign out", key="app_sign_out"):
            sign_out()
            st.rerun()

st.navigation(sections).run()
