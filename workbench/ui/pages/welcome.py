"""Start page: what the workbench is, and a first article to work on."""

import streamlit as st

from workbench import loaders
from workbench.sample import load_sample
from workbench.ui import routes
from workbench.ui.context import perform
from workbench.ui.safe import md
from workbench.ui.wording import counted

st.title("Claim workbench")
st.write(
    "Bring in an article, pin each check-worthy claim to its exact words, attach evidence, "
    "and propose a verdict for an editor to approve."
)

start = loaders.start_page()
if start.article_count == 0:
    st.info(
        "The workbench is empty. Start with the sample article (a wire story on EU "
        "military aid to Ukraine), or add your own on the Articles page."
    )
    if st.button("Load the sample article", type="primary", key="welcome_load_sample"):
        sample = perform(load_sample)
        if sample is not None and sample.id is not None:
            routes.switch_to(routes.ANNOTATE, routes.annotate_query(sample.id))
    routes.link(routes.ARTICLES, "Add your own article", icon="📰")
else:
    st.subheader("Recent articles")
    for row in start.recent:
        routes.link(
            routes.ANNOTATE,
            f"{md(row.title)} ({counted(row.claims, 'claim')})",
            query=routes.annotate_query(row.id),
            icon="📰",
        )
    routes.link(routes.ARTICLES, "All articles, or add one", icon="➕")
