"""Users (admins): who has an account, with which role; add, change role, switch off,
reset a password. Every action goes through ``workbench.users``, which checks the
role itself and revokes sessions on password resets and deactivation."""

import streamlit as st

from workbench import loaders, users
from workbench.models import Role
from workbench.permissions import ADMINS
from workbench.ui.context import credentials, perform
from workbench.ui.safe import md

st.title("Users")
page = loaders.accounts_page(credentials())
me, accounts = page.me, page.accounts
if me.role not in ADMINS:
    st.info("Only admins manage accounts.")
    st.stop()

if not page.has_accounts:
    st.warning(
        "The first account you add switches this desk to sign-in: from then on "
        "everyone, you included, signs in. Make it an admin and keep its password."
    )

if accounts:
    st.dataframe(
        [
            {
                "id": u.id,
                "name": u.name,
                "display name": u.display_name,
                "role": u.role,
                "active": u.active,
                "sign-in": u.sign_in,
                "since": u.since,
            }
            for u in accounts
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.info("No accounts yet.")

roles = [role.value for role in Role]
with st.expander("Add an account", expanded=not accounts):
    with st.form("users_add", clear_on_submit=True):
        name = st.text_input("User name", key="users_add_name", max_chars=80)
        display = st.text_input("Display name", key="users_add_display", max_chars=120)
        role = st.selectbox(
            "Role",
            roles,
            key="users_add_role",
            index=roles.index("admin" if not page.has_accounts else "reviewer"),
        )
        password = st.text_input(
            "Password (10+ characters)", type="password", key="users_add_password"
        )
        if st.form_submit_button("Add account", type="primary"):
            if (
                perform(
                    users.add_user, name=name, role=role, password=password, display_name=display
                )
                is not None
            ):
                st.success(f"Added {md(name.strip())}.")
                st.rerun()

if accounts:
    labels = {u.id: f"{u.name} ({u.role}{'' if u.active else ', switched off'})" for u in accounts}
    chosen = st.selectbox(
        "Account", list(labels), format_func=labels.__getitem__, key="users_selected"
    )
    target = next(u for u in accounts if u.id == chosen)
    role_col, active_col = st.columns(2)
    with role_col:
        new_role = st.selectbox(
            "Role", roles, index=roles.index(target.role), key=f"users_role_{target.id}"
        )
        if st.button("Change role", key="users_change_role", disabled=new_role == target.role):
            if perform(users.set_role, target.id, new_role) is not None:
                st.rerun()
    with active_col:
        label = "Switch off (signs them out)" if target.active else "Switch back on"
        if st.button(label, key="users_toggle_active", disabled=target.id == me.id):
            if perform(users.set_active, target.id, not target.active) is not None:
                st.rerun()
    if not target.single_sign_on:
        with st.form("users_reset", clear_on_submit=True):
            new_password = st.text_input(
                "New password (10+ characters; signs them out)",
                type="password",
                key="users_reset_password",
            )
            if st.form_submit_button("Reset password"):
                if perform(users.set_password, target.id, new_password) is not None:
                    st.success("Password changed; their open sessions have ended.")
