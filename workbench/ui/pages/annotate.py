"""Annotate: one article, its claims pinned to exact spans."""

import streamlit as st

from workbench import articles, claims, db
from workbench.errors import NotFound

st.title("Annotate")

raw_id = st.query_params.get("article")
if raw_id is None or not raw_id.isdigit():
    st.info("Choose an article on the Articles page to start annotating.")
    st.page_link("workbench/ui/pages/articles.py", label="Go to Articles", icon="📰")
    st.stop()

with db.read_session() as session:
    try:
        article = articles.get_article(session, int(raw_id))
    except NotFound as error:
        st.error(str(error))
        st.stop()
    article_claims = claims.claims_for_article(session, article.id)

st.header(article.title, anchor=False)
st.caption(" · ".join(part for part in (article.outlet, article.author,
                                         str(article.published or ""), article.url) if part))
st.text(article.body)
st.subheader(f"Claims ({len(article_claims)})", anchor=False)
for claim in article_claims:
    st.text(f"#{claim.id} [{claim.state}] {claim.statement}")
