"""Start page: what the workbench is, and a first article to work on."""

import streamlit as st

from workbench import articles, db
from workbench.sample import load_sample
from workbench.ui.context import perform
from workbench.ui.safe import md

st.title("Claim workbench")
st.write(
    "Bring in an article, pin each check-worthy claim to its exact words, attach evidence, "
    "and propose a verdict for an editor to approve."
)

with db.read_session() as session:
    article_count = articles.count_articles(session)
    recent = articles.list_articles(session, limit=5)

if article_count == 0:
    st.info("The workbench is empty. Start with the sample article (a wire story on EU "
            "military aid to Ukraine), or add your own on the Articles page.")
    if st.button("Load the sample article", type="primary", key="welcome_load_sample"):
        sample_id = perform(lambda session, user: load_sample(session, user).id)
        if sample_id is not None:
            st.switch_page("workbench/ui/pages/annotate.py",
                           query_params={"article": str(sample_id)})
    st.page_link("workbench/ui/pages/articles.py", label="Add your own article", icon="📰")
else:
    st.subheader("Recent articles")
    for row in recent:
        st.page_link("workbench/ui/pages/annotate.py",
                     label=f"{md(row.title)} ({row.claims} claims)",
                     query_params={"article": str(row.id)}, icon="📰")
    st.page_link("workbench/ui/pages/articles.py", label="All articles, or add one", icon="➕")
