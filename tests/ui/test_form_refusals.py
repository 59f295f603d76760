"""A form whose input is refused keeps every typed field and says why next to the form
(issue 15, item 7): the refusal is kept by the submit callback and drawn above the form
until the next attempt, and the stance of new evidence cannot be unset."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_page
from workbench import db, sources, verdicts
from workbench.ui import routes
from workbench.ui.safe import md

PAGE = "workbench/ui/pages/annotate.py"


def _tab(claim, tab: str) -> AppTest:
    return open_page(
        PAGE,
        {"article": str(claim.article_id), "claim": str(claim.id)},
        state={routes.open_tab_key(claim.id): tab},
    )


def test_a_refused_source_keeps_every_field(claim) -> None:
    at = _tab(claim, "Evidence")
    key = f"annotate_ev_{claim.id}"
    typed = {
        "url": "council report, page 2",
        "title": "The Council's report",
        "publisher": "European Council",
        "archive": "https://web.archive.org/x",
    }
    for field, text in typed.items():
        at.text_input(key=f"{key}_{field}").input(text)
    at.text_area(key=f"{key}_excerpt").input("The figure is on page 2.")
    at.button(key=f"FormSubmitter:{key}-Attach source").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        md("Source URL must be a full web address starting with http:// or https://.")
    ]
    assert {field: at.text_input(key=f"{key}_{field}").value for field in typed} == typed
    assert at.text_area(key=f"{key}_excerpt").value == "The figure is on page 2."
    # Corrected, the same form attaches, and the refusal is gone.
    at.text_input(key=f"{key}_url").input("https://example.org/council-report")
    at.button(key=f"FormSubmitter:{key}-Attach source").click().run()
    assert not at.error
    with db.read_session() as session:
        [(evidence, source)] = sources.evidence_for_claim(session, claim.id)
    assert (source.title, evidence.excerpt) == ("The Council's report", "The figure is on page 2.")


def test_the_stance_is_a_required_choice(claim) -> None:
    at = _tab(claim, "Evidence")
    stance = at.get("button_group")[0]
    assert stance.label == "Stance" and stance.value == "supports"
    assert stance.proto.required  # the browser does not let a click unset it


def test_a_refused_verdict_keeps_the_conclusion(claim) -> None:
    at = _tab(claim, "Verdict")
    key = f"annotate_verdict_{claim.id}"
    at.text_input(key=f"{key}_conclusion").input("Overstated")
    at.button(key=f"FormSubmitter:{key}-Propose verdict").click().run()  # no rationale
    assert not at.exception
    assert len(at.error) == 1 and "rationale" in at.error[0].value.lower()
    assert at.text_input(key=f"{key}_conclusion").value == "Overstated"
    at.text_area(key=f"{key}_rationale").input("The Council's own table says otherwise.")
    at.button(key=f"FormSubmitter:{key}-Propose verdict").click().run()
    assert not at.error
    with db.read_session() as session:
        assert verdicts.pending_verdict(session, claim.id).conclusion == "Overstated"
