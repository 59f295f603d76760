"""Users (admins): who has an account, with which role; add, change role, switch off,
reset a password. Every action goes through ``workbench.users``, which checks the
role itself and revokes sessions on password resets and deactivation."""

import pandas as pd
import streamlit as st

from workbench import auth, db, users
from workbench.models import Role
from workbench.permissions import ADMINS
from workbench.ui.context import acting_user, perform
from workbench.ui.safe import md

BUILTIN = (users.CLI_USER, users.LOCAL_USER)

st.title("Users")
with db.read_session() as session:
    me = acting_user(session)
    accounts = [u for u in users.list_users(session) if u.name not in BUILTIN]
    has_accounts = auth.has_accounts(session)
if me.role not in ADMINS:
    st.info("Only admins manage accounts.")
    st.stop()

if not has_accounts:
    st.warning("The first account you add switches this desk to sign-in: from then on "
               "everyone, you included, signs in. Make it an admin and keep its password.")

if accounts:
    st.dataframe(pd.DataFrame([{
        "id": u.id, "name": u.name, "display name": u.display_name, "role": u.role,
        "active": u.active,
        "sign-in": "single sign-on" if u.external_subject else
                   ("password" if u.password_hash else "none"),
        "since": u.created_at,
    } for u in accounts]), hide_index=True, use_container_width=True)
else:
    st.info("No accounts yet.")

roles = [role.value for role in Role]
with st.expander("Add an account", expanded=not accounts):
    with st.form("users_add", clear_on_submit=True):
        name = st.text_input("User name", key="users_add_name", max_chars=80)
        display = st.text_input("Display name", key="users_add_display", max_chars=120)
        role = st.selectbox("Role", roles, key="users_add_role",
                            index=roles.index("admin" if not has_accounts else "reviewer"))
        password = st.text_input("Password (10+ characters)", type="password",
                                 key="users_add_password")
        if st.form_submit_button("Add account", type="primary"):
            added = perform(lambda s, u: users.add_user(
                s, u, name=name, role=role, password=password, display_name=display).name)
            if added is not None:
                st.success(f"Added {md(added)}.")
                st.rerun()

if accounts:
    labels = {u.id: f"{u.name} ({u.role}{'' if u.active else ', switched off'})"
              for u in accounts}
    chosen = st.selectbox("Account", list(labels), format_func=labels.__getitem__,
                          key="users_selected")
    target = next(u for u in accounts if u.id == chosen)
    role_col, active_col = st.columns(2)
    with role_col:
        new_role = st.selectbox("Role", roles, index=roles.index(target.role),
                                key=f"users_role_{target.id}")
        if st.button("Change role", key="users_change_role", disabled=new_role == target.role):
            if perform(lambda s, u: users.set_role(s, u, target.id, new_role)) is not None:
                st.rerun()
    with active_col:
        label = "Switch off (signs them out)" if target.active else "Switch back on"
        if st.button(label, key="users_toggle_active", disabled=target.id == me.id):
            if perform(lambda s, u: users.set_active(s, u, target.id, not target.active)):
                st.rerun()
    if not target.external_subject:
        with st.form("users_reset", clear_on_submit=True):
            new_password = st.text_input("New password (10+ characters; signs them out)",
                                         type="password", key="users_reset_password")
            if st.form_submit_button("Reset password"):
                if perform(lambda s, u: users.set_password(s, u, target.id, new_password)):
                    st.success("Password changed; their open sessions have ended.")
