"""Claims across all articles."""

import streamlit as st

from workbench import claims, db

st.title("Claims")
with db.read_session() as session:
    rows = claims.list_all_claims(session, limit=100)
if not rows:
    st.info("No claims yet. Open an article and pin its check-worthy claims.")
for claim in rows:
    st.text(f"#{claim.id} [{claim.state}] {claim.statement}")
