"""The public list of corrections on a claim: old and new rating, date and reason."""

from __future__ import annotations

import streamlit as st

from workbench.review import Correction


def _rating(label: str | None, conclusion: str) -> str:
    return " · ".join(part for part in (label or "", conclusion) if part) or "—"


def corrections_panel(
    claim_id: int, listed: list[Correction], *, key_prefix: str = "corrections"
) -> None:
    """Render the claim's published corrections, as the page's loader read them (nothing
    but a caption when there are none).

    User text goes into a dataframe (never markdown), so a reason cannot inject links.
    """
    if not listed:
        st.caption("No corrections.")
        return
    st.dataframe(
        [
            {
                "corrected (UTC)": f"{c.corrected_at:%Y-%m-%d %H:%M}" if c.corrected_at else "",
                "was": _rating(c.old_rating, c.old_conclusion),
                "now": _rating(c.new_rating, c.new_conclusion),
                "reason": c.reason,
            }
            for c in listed
        ],
        hide_index=True,
        width="stretch",
        key=f"{key_prefix}_table_{claim_id}",
    )
