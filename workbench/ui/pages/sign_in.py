"""Sign-in page: the only page a visitor sees while the desk requires sign-in.

Password accounts: a plain HTML form that the browser POSTs to ``/auth/login``
(``workbench.ui.web``), because only an HTTP response can set the HttpOnly session
cookie; the password never travels over Streamlit's WebSocket. The markup is a
constant but for the escaped address to return to (a link opened while signed out),
rendered by ``st.html`` (DOMPurify keeps forms; the field is called ``username``
because DOMPurify strips ``name="name"`` as DOM clobbering).

Single sign-on: Streamlit's own ``st.login``.
"""

import html
from collections.abc import Mapping

import streamlit as st

from workbench import auth, loaders
from workbench.ui import routes
from workbench.ui.context import current_user, oidc_settings
from workbench.ui.safe import md

FORM = f"""
<form method="post" action="{routes.LOGIN_PATH}" style="max-width: 24rem">
  <input type="hidden" name="{routes.RETURN_TO}" value="{{return_to}}">
  <p><label>User name<br>
    <input name="username" autocomplete="username" required maxlength="80"
           style="width: 100%; padding: 0.4rem; border: 1px solid #ccc; border-radius: 0.4rem">
  </label></p>
  <p><label>Password<br>
    <input type="password" name="password" autocomplete="current-password" required
           style="width: 100%; padding: 0.4rem; border: 1px solid #ccc; border-radius: 0.4rem">
  </label></p>
  <button type="submit" style="padding: 0.4rem 1.2rem; border: 0; border-radius: 0.4rem;
          background: #1f4e79; color: white; cursor: pointer">Sign in</button>
</form>
"""

st.title("Sign in to the claim workbench")
already = current_user()
if already is not None:
    st.info(
        "Nobody needs to sign in: this desk has no accounts yet."
        if already.is_local
        else f"You are signed in as {md(already.name)}. Sign out first to switch accounts."
    )
    st.stop()
oidc = oidc_settings()

if oidc is not None:
    st.write("This desk signs you in with your organisation's account.")
    providers = [name for name, value in oidc.items() if isinstance(value, Mapping)]
    if not providers:
        st.button("Sign in", type="primary", key="sign_in_oidc", on_click=st.login)
    for provider in providers:
        st.button(
            f"Sign in with {provider}",
            key=f"sign_in_oidc_{provider}",
            on_click=st.login,
            args=(provider,),
        )
    st.caption("First time here? You start as a reviewer; an admin can change your role.")
else:
    if st.query_params.get(routes.LOGIN) == routes.LOGIN_FAILED:
        st.error(auth.SIGN_IN_FAILED)
    # The address this form was shown at, so signing in lands exactly on the link opened.
    st.html(
        FORM.format(
            return_to=html.escape(
                routes.return_address(st.context.url, st.query_params.to_dict()), quote=True
            )
        )
    )
    if not loaders.desk_has_accounts():
        st.info(
            "There are no accounts yet. On the server, create the first admin with "
            "`workbench user add NAME --role admin`."
        )
    st.caption("Forgot your password? Ask an admin to reset it.")
