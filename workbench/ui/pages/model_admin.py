"""Suggestion model (admins): which check-worthiness model ranks the suggested claims,
what it learnt from and how well it did; retrain it with this newsroom's decisions, or
put any stored model (or the one shipped with the workbench) back in use.

Every action goes through ``workbench.model_admin`` and ``workbench.model_registry``,
which check the role themselves. Choosing a model is a quick write in a callback.
Retraining takes about half a minute, so the button's callback only records the request
and the run that takes it up trains, under a status where the button is (an element a
callback draws lands at the top of the page). The service refuses a second retraining
while one runs in this process, whoever asks; while one runs, the button is disabled and
the page looks again every few seconds until the new model is stored.
"""

from typing import Any

import streamlit as st

from workbench import actions, model_admin, model_registry
from workbench.errors import WorkbenchError
from workbench.model_admin import ModelAdminPage, Retrained, StoredModel, figure_rows
from workbench.model_registry import ModelInUse
from workbench.permissions import ADMINS
from workbench.ui import routes
from workbench.ui.context import credentials, perform, show_refusal
from workbench.ui.safe import md

#: Session state: a retraining was asked for (set by the button, taken up by the body).
RETRAIN_ASKED = "model_admin_retrain_asked"
#: Session state: the last retraining's outcome (``model_admin.Retrained``), shown until
#: the next one.
RETRAINED = "model_admin_retrained"
#: Why the last "Use this model" was refused.
REFUSED = routes.refusal_key("model_admin_use")
#: How often the page looks whether a retraining under way has finished.
POLL_SECONDS = 3


def _figures(metrics: dict[str, Any]) -> None:
    rows = figure_rows(metrics)
    if rows:
        st.dataframe(
            [{"figure": name, "value": value} for name, value in rows],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No figures were stored with it.")


def _in_use(in_use: ModelInUse) -> None:
    st.subheader("In use", anchor=False)
    if in_use.warning:
        st.warning(md(in_use.warning))
    when = (
        f"trained {in_use.created_at:%Y-%m-%d %H:%M} UTC"
        if in_use.created_at
        else "shipped with the workbench"
    )
    version = f" · format version {in_use.format_version}" if in_use.format_version else ""
    st.markdown(f"**{md(in_use.label)}** · {when}{version}")
    files = in_use.training.get("files", [])
    if files:
        st.caption("Learnt from these public training files (their SHA-256 checksums):")
        st.dataframe(
            [{"file": f["name"], "rows": f["rows"], "SHA-256": f["sha256"]} for f in files],
            hide_index=True,
            width="stretch",
        )
    decisions = in_use.training.get("decisions")
    if decisions:
        st.caption(
            f"… and {decisions} of this newsroom's decisions "
            f"({in_use.training.get('held_back', 0)} held back to measure it)."
        )
    _figures(in_use.metrics)


def _ask_for_retraining() -> None:
    """on_click of Retrain: the run this click starts takes the request up."""
    st.session_state[RETRAIN_ASKED] = True


def _retrain() -> None:
    """Train in this run, under a status; the next run shows the outcome."""
    with st.status(
        "Retraining with this newsroom's decisions (about half a minute)…", expanded=True
    ) as status:
        try:
            result = actions.run_as(credentials(), model_admin.retrain_with_decisions)
        except WorkbenchError as error:
            status.update(label="Not retrained", state="error")
            st.error(md(str(error)))
            return
        st.session_state[RETRAINED] = result
        status.update(label=f"Model #{result.model_id} is in use.", state="complete")
    st.rerun()  # the sections above show the new model


@st.fragment(run_every=POLL_SECONDS)
def _training_under_way() -> None:
    """While a retraining runs: who started it; a full rerun once it is done."""
    busy = model_admin.running()
    if busy is None:
        st.rerun()
    st.info(
        f"A retraining started by {md(busy.by)} at {busy.since:%H:%M:%S} UTC is running; "
        "this page shows the new model when it is done.",
        icon="⏳",
    )


def _last_result(result: Retrained) -> None:
    st.success(
        f"Model #{result.model_id} learnt from {result.decisions} decisions and is in use.",
        icon="✅",
    )
    if not result.held_back:
        st.caption(
            "No decisions could be held back (they all come from one article), so there "
            "are no before/after figures yet."
        )
        return
    st.caption(
        f"On {result.held_back} held-back decisions (not trained on): before is "
        f"{md(result.before_model)}, after is model #{result.model_id}."
    )
    st.dataframe(
        [
            {
                "figure": name,
                "before": f"{value:.3f}",
                "after": f"{result.after.get(name, 0.0):.3f}",
            }
            for name, value in result.before.items()
        ],
        hide_index=True,
        width="stretch",
    )


def _retraining(page: ModelAdminPage) -> None:
    st.subheader("Retrain with this newsroom's decisions", anchor=False)
    st.caption(
        f"{page.kept} claims kept and {page.dismissed} suggestions dismissed so far. The "
        "articles of a fifth of them are held back to compare the model in use with the "
        "new one; the model in use now stays stored, to go back to."
    )
    if not page.data_ready:
        st.warning(
            f"The public training files are not in {md(str(page.data))}; set "
            "WORKBENCH\\_EVAL\\_DATA to the folder that holds checkworthiness/."
        )
    st.button(
        "Retrain with this newsroom's decisions",
        key="model_admin_retrain",
        type="primary",
        on_click=_ask_for_retraining,
        disabled=page.running is not None or not page.data_ready or not page.kept + page.dismissed,
    )
    if st.session_state.pop(RETRAIN_ASKED, False):
        _retrain()
    elif page.running is not None:
        _training_under_way()
    last = st.session_state.get(RETRAINED)
    if last is not None:
        _last_result(last)


def _use(model_id: int) -> None:
    """on_click of Use this model."""
    st.session_state.pop(REFUSED, None)
    perform(model_registry.activate_model, model_id, where=REFUSED)


def _use_shipped() -> None:
    """on_click of Use the shipped model."""
    st.session_state.pop(REFUSED, None)
    perform(model_registry.use_shipped_model, where=REFUSED)


def _stored_model(stored: StoredModel) -> None:
    model = stored.summary
    by = f" by {md(stored.trained_by)}" if stored.trained_by else ""
    with st.container(border=True, key=f"model_admin_model_{model.id}"):
        st.markdown(
            f"**Model #{model.id}** · trained {model.created_at:%Y-%m-%d %H:%M} UTC{by}"
            + (" · **in use**" if model.in_use else "")
        )
        _figures(model.metrics)
        st.button(
            "Use this model",
            key=f"model_admin_use_{model.id}",
            disabled=model.in_use,
            on_click=_use,
            args=(model.id,),
        )


def _stored_models(page: ModelAdminPage) -> None:
    st.subheader("Stored models", anchor=False)
    show_refusal(REFUSED)
    st.button(
        "Use the shipped model",
        key="model_admin_use_shipped",
        disabled=page.in_use.stored_id is None,
        on_click=_use_shipped,
        help="The model that comes with the workbench, trained on the public files alone.",
    )
    if not page.models:
        st.caption("None yet: the model shipped with the workbench ranks the suggestions.")
    for stored in page.models:
        _stored_model(stored)


st.title("Suggestion model")
admin_page = model_admin.model_admin_page(credentials())
if admin_page.me.role not in ADMINS:
    st.info("Only admins choose and retrain the suggestion model.")
    st.stop()
_in_use(admin_page.in_use)
_retraining(admin_page)
_stored_models(admin_page)
