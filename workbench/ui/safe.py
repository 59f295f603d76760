"""Showing user-supplied text without letting it become markup."""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: str | None) -> str:
    """Escape ``text`` for Streamlit markdown (labels, captions): no links, images or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))
