"""The app shell Streamlit serves: the entry page, in a folder of its own (see entry.py)."""
