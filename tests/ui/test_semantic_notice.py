"""The "Seen before?" panel with WORKBENCH_EMBEDDING_MODEL naming an unusable directory: one
warning saying the matching uses words only, and the matches still shown."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import new_claim
from workbench import embeddings
from workbench.settings import get_settings

STORED = "valued at least at $6.2 billion"


def _panel(text: str) -> None:
    from workbench.ui.components.new_claim_panel import _seen_before_panel

    _seen_before_panel(text)


def test_an_unusable_model_is_one_warning_and_the_matches_stay(
    engine, reviewer, article, tmp_path, monkeypatch
):
    new_claim(engine, reviewer, article, STORED)
    monkeypatch.setenv("WORKBENCH_EMBEDDING_MODEL", str(tmp_path / "no-model"))
    get_settings.cache_clear()
    embeddings.forget()
    try:
        at = AppTest.from_function(_panel, args=("valued at $6.2 billion",), default_timeout=30)
        at.run()
    finally:
        monkeypatch.delenv("WORKBENCH_EMBEDDING_MODEL")
        get_settings.cache_clear()
        embeddings.forget()
    assert len(at.warning) == 1 and "words only" in at.warning[0].value
    assert any(STORED in t.value for t in at.text)
