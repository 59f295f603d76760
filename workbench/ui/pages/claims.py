"""Claims across all articles: search (typo-tolerant), filters and paging."""

import streamlit as st

from workbench import loaders
from workbench.claim_list import PAGE_SIZE
from workbench.errors import PermissionDenied
from workbench.filters import UNASSIGNED, ClaimFilters
from workbench.models import ClaimState
from workbench.permissions import REVIEW_DESK
from workbench.ui import routes
from workbench.ui.context import credentials

#: The "Assigned to" choices that are not a user name.
ASSIGNED_TO_ME, NOBODY = "Assigned to me", "Unassigned"

st.title("Claims")
try:
    desk = loaders.filter_page(credentials(), REVIEW_DESK, "list claims")
except PermissionDenied as refused:
    st.error(str(refused))
    st.stop()
options = desk.options

search = st.text_input(
    "Search statements, quotes, claimants, tags and article titles",
    key="claims_search",
    placeholder="e.g. aid package",
)
state_col, rating_col, outlet_col, reviewer_col, tag_col, assignee_col = st.columns(6)
states = state_col.multiselect("State", [s.value for s in ClaimState], key="claims_states")
rating = rating_col.selectbox("Rating", ["", *options["rating"]], key="claims_rating")
outlet = outlet_col.selectbox("Outlet", ["", *options["outlet"]], key="claims_outlet")
reviewer = reviewer_col.selectbox("Reviewer", ["", *options["reviewer"]], key="claims_reviewer")
tag = tag_col.selectbox("Tag", ["", *options["tag"]], key="claims_tag")
assigned = assignee_col.selectbox(
    "Assigned to",
    ["", ASSIGNED_TO_ME, NOBODY, *options["reviewer"]],
    key="claims_assignee",
    help="Who the claim is assigned to (Reviewer is who created it)",
)
filters = ClaimFilters(
    search=search,
    states=tuple(states),
    rating=rating,
    outlet=outlet,
    reviewer=reviewer,
    tag=tag,
    assignee={ASSIGNED_TO_ME: desk.person.name, NOBODY: UNASSIGNED}.get(assigned, assigned),
)

if st.session_state.get(routes.CLAIMS_FILTERS) != filters:
    st.session_state[routes.CLAIMS_FILTERS] = filters
    st.session_state[routes.CLAIMS_PAGE] = 0
    st.session_state[routes.CLAIMS_KEYSET] = {}
page = st.session_state.get(routes.CLAIMS_PAGE, 0)
# Next/previous page by key (before_id/after_id): a deep page costs what page 1 costs.
keyed = {} if search else st.session_state.get(routes.CLAIMS_KEYSET, {})

try:
    rows, total = loaders.claim_page(credentials(), filters, page=0 if keyed else page, **keyed)
except PermissionDenied as refused:
    st.error(str(refused))
    st.stop()

if total == 0:
    st.info(
        "No claims match."
        if any((search, states, rating, outlet, reviewer, tag, assigned))
        else "No claims yet. Open an article and pin its check-worthy claims."
    )
    st.stop()

pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
st.caption(
    f"Best matches first · page {page + 1}"
    if search
    else f"{total:,} claims · page {page + 1} of {pages}"
)
table = [
    {
        "open": routes.annotate_url(row.article_id, row.id) if row.article_id else None,
        "id": row.id,
        "statement": row.statement,
        "claimant": row.claimant,
        "state": row.state,
        "rating": row.rating,
        "article": row.article_title,
        "outlet": row.outlet,
        "reviewer": row.reviewer,
        "assignee": row.assignee,
    }
    for row in rows
]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"open": st.column_config.LinkColumn("open", display_text="open")},
)

previous, _, following = st.columns([1, 4, 1])
if page > 0 and previous.button("← Previous", key="claims_prev"):
    st.session_state[routes.CLAIMS_PAGE] = page - 1
    st.session_state[routes.CLAIMS_KEYSET] = {"after_id": rows[0].id} if page > 1 and rows else {}
    st.rerun()
if page + 1 < pages and following.button("Next →", key="claims_next"):
    st.session_state[routes.CLAIMS_PAGE] = page + 1
    st.session_state[routes.CLAIMS_KEYSET] = {"before_id": rows[-1].id}
    st.rerun()
