"""The baseline the click benchmarks measure beside the workbench, in the same run: a
one-button Streamlit app served (or run by AppTest) by the same Streamlit."""

ONE_BUTTON_APP = """import streamlit as st

st.session_state.setdefault("clicks", 0)
if st.button("Click me", key="one"):
    st.session_state.clicks += 1
st.write(f"Clicked {st.session_state.clicks} times")
"""
