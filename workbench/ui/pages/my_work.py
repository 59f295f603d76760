"""My work: what waits for the signed-in person, where a signed-in reviewer lands.

Four lists (claims assigned to me, verdicts returned to me with the editor's comment, my
proposals waiting for review, comments mentioning me), each row linking to its claim on
Annotate. The counts line re-reads ``my_work.my_work_counts`` every
:data:`REFRESH_SECONDS` in a fragment, so a returned verdict or a new mention shows
without a reload; when a count changed, the whole page runs again to show the new rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from workbench import comments
from workbench.my_work import ClaimRef, MyWork, Section, WorkCounts, load_my_work, my_work_counts
from workbench.ui import routes
from workbench.ui.context import credentials, perform
from workbench.ui.safe import md, md_lines
from workbench.ui.wording import counted

#: How often the open page asks whether anything new arrived (one cheap query).
REFRESH_SECONDS = 20


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


@st.fragment(run_every=REFRESH_SECONDS)
def live_counts(shown: WorkCounts) -> None:
    """The counts, checked again at every refresh; a change reruns the page (the lists
    below were read with the counts ``shown``)."""
    now = my_work_counts(credentials())
    if now != shown:
        st.session_state.pop(routes.MY_WORK_COUNTS, None)  # the sidebar's line too
        st.rerun(scope="app")
    with st.container(key="my_work_live"):
        st.caption(f"{now.summary} · checked {datetime.now(UTC):%H:%M:%S} UTC")


def _claim_link(ref: ClaimRef, key: str) -> None:
    """The claim's statement as a link to it on Annotate, and its article below; a claim
    imported without an article has nowhere to open, so its text is shown plain."""
    with st.container(key=key):
        if ref.article_id is None:
            st.text(f"Claim #{ref.claim_id}: {ref.statement}")
            st.caption("Imported without an article: find it on the Claims page.")
            return
        routes.link(
            routes.ANNOTATE,
            f"Claim #{ref.claim_id}: {md(ref.statement[:200])}",
            query=routes.annotate_query(ref.article_id, ref.claim_id),
        )
        st.caption(f"in {md(ref.article_title)}")


def _heading(title: str, section: Section[Any]) -> None:
    st.subheader(f"{title} ({section.total})", anchor=False)


def _more(section: Section[Any]) -> None:
    if section.more:
        st.caption(f"… and {counted(section.more, 'more')} not shown here.")


def _assigned(work: MyWork) -> None:
    _heading("Assigned to me", work.assigned)
    if not work.assigned.items:
        st.caption("Nothing assigned to you right now.")
    for row in work.assigned.items:
        _claim_link(row.claim, f"my_work_assigned_{row.claim.claim_id}")
        st.caption(f"{row.state.replace('_', ' ')} · last change {_when(row.updated_at)}")
    _more(work.assigned)


def _returned(work: MyWork) -> None:
    _heading("Returned to me", work.returned)
    if not work.returned.items:
        st.caption("No verdict of yours was sent back.")
    for row in work.returned.items:
        with st.container(border=True):
            _claim_link(row.claim, f"my_work_returned_{row.verdict_id}")
            st.warning(
                f"{md(row.returned_by)} returned your verdict on "
                f"{_when(row.returned_at)}: {md_lines(row.comment)}",
                icon="↩️",
            )
    _more(work.returned)


def _waiting(work: MyWork) -> None:
    _heading("Waiting for an editor", work.waiting)
    if not work.waiting.items:
        st.caption("None of your proposals is waiting for review.")
    for row in work.waiting.items:
        _claim_link(row.claim, f"my_work_waiting_{row.verdict_id}")
        rating = f"{md(row.rating)} · " if row.rating else ""
        st.caption(f"{rating}proposed {_when(row.proposed_at)}")
    _more(work.waiting)


def _mark_seen(comment_ids: list[int]) -> None:
    """on_click of "Mark as seen": a callback, so a quick next click cannot drop it."""
    perform(comments.mark_mentions_seen, comment_ids)


def _mentions(work: MyWork) -> None:
    _heading("Mentions of me", work.mentions)
    unseen = [m.comment_id for m in work.mentions.items if not m.seen]
    if not work.mentions.items:
        st.caption("Nobody has mentioned you in a comment yet.")
    elif len(unseen) > 1:
        st.button(
            f"Mark all {len(unseen)} as seen",
            key="my_work_seen_all",
            on_click=_mark_seen,
            args=(unseen,),
        )
    for row in work.mentions.items:
        with st.container(border=True, key=f"my_work_mention_{row.comment_id}"):
            _claim_link(row.claim, f"my_work_mention_link_{row.comment_id}")
            new = "" if row.seen else " · :blue-badge[new]"
            st.caption(f"{md(row.author)} wrote on {_when(row.at)}{new}")
            st.text(row.excerpt)
            if not row.seen:
                st.button(
                    "Mark as seen",
                    key=f"my_work_seen_{row.comment_id}",
                    on_click=_mark_seen,
                    args=([row.comment_id],),
                )
    _more(work.mentions)


def _page(work: MyWork) -> None:
    st.title("My work")
    live_counts(work.counts)
    left, right = st.columns(2, gap="large")
    with left:
        _assigned(work)
        _waiting(work)
    with right:
        _returned(work)
        _mentions(work)


_page(load_my_work(credentials()))
