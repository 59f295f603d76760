"""The command-line contract for claims on spans and new article versions."""

from pathlib import Path

from tests.conftest import run_json

BODY = (
    "The EU approved a $6.2 billion aid package on Thursday.\n\n"
    "Kallas said the €800 billion ReArm Europe plan would follow.\n\n"
    "Critics recalled the 2003 coalition of the willing."
)


def _article(run_cli, tmp_path: Path, body: str = BODY) -> int:
    path = tmp_path / "article.txt"
    path.write_text(body, encoding="utf-8")
    return run_json(run_cli, "article", "add", str(path))["id"]


def _span(body: str, quote: str) -> list[str]:
    start = body.index(quote)
    return ["--start", str(start), "--end", str(start + len(quote))]


def test_claims_add_on_a_span_prints_its_id(run_cli, tmp_path):
    article_id = _article(run_cli, tmp_path)
    created = run_json(
        run_cli, "claims", "add", str(article_id), *_span(BODY, "$6.2 billion"), "--claimant", "EU"
    )
    listed = run_json(run_cli, "claims", "list", "--article", str(article_id))
    assert [(c["id"], c["quote"], c["claimant"]) for c in listed] == [
        (created["id"], "$6.2 billion", "EU")
    ]


def test_claims_add_refuses_a_span_outside_the_article(run_cli, tmp_path):
    article_id = _article(run_cli, tmp_path)
    code, _, err = run_cli(
        "claims", "add", str(article_id), "--start", "5", "--end", str(len(BODY) + 1)
    )
    assert code == 1 and "not inside the article" in err
    code, _, err = run_cli("claims", "add", str(article_id), "--start=-1", "--end", "4")
    assert code == 2
    assert "An offset must be a whole number" in err


def test_article_update_reports_every_claim_in_new_offsets(run_cli, tmp_path):
    article_id = _article(run_cli, tmp_path)
    ids = {
        quote: run_json(run_cli, "claims", "add", str(article_id), *_span(BODY, quote))["id"]
        for quote in (
            "$6.2 billion aid package",
            "€800 billion ReArm Europe plan",
            "2003 coalition of the willing",
        )
    }
    new_body = "Updated on Friday.\n\n" + BODY.replace("$6.2 billion", "$6.5 billion").replace(
        "\n\nCritics recalled the 2003 coalition of the willing.", ""
    )
    new_file = tmp_path / "v2.txt"
    new_file.write_text(new_body, encoding="utf-8")

    result = run_json(
        run_cli, "article", "update", str(article_id), str(new_file), "--reason", "corrected figure"
    )

    assert (result["article_id"], result["version"]) == (article_id, 2)
    states = {c["claim_id"]: c for c in result["claims"]}
    moved = states[ids["€800 billion ReArm Europe plan"]]
    assert moved["state"] == "moved"
    assert new_body[moved["start"] : moved["end"]] == "€800 billion ReArm Europe plan"
    review = states[ids["$6.2 billion aid package"]]
    assert review["state"] == "needs_review"
    assert new_body[review["start"] : review["end"]] == "$6.5 billion aid package"
    assert states[ids["2003 coalition of the willing"]]["state"] == "unplaced"

    placed = run_json(run_cli, "claims", "place", str(ids["$6.2 billion aid package"]))
    assert (placed["quote"], placed["article_version"]) == ("$6.5 billion aid package", 2)


def test_article_update_with_an_empty_file_changes_nothing(run_cli, tmp_path):
    article_id = _article(run_cli, tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, _, err = run_cli("article", "update", str(article_id), str(empty))
    assert code == 1 and err.startswith("error:")
    shown = run_json(run_cli, "article", "show", str(article_id))
    assert shown["body"] == BODY and shown["current_version"] == 1


def test_claims_suggest_all_ranks_every_sentence_best_first(run_cli, tmp_path):
    article_id = _article(run_cli, tmp_path)
    suggested = run_json(run_cli, "claims", "suggest", str(article_id))
    ranked = run_json(run_cli, "claims", "suggest", str(article_id), "--all")
    scores = [entry["score"] for entry in ranked]
    assert len(ranked) == 3 and scores == sorted(scores, reverse=True)
    assert {e["quote"] for e in suggested} <= {e["quote"] for e in ranked}
    assert all(e["reasons"] is not None for e in ranked)
    cut = run_json(
        run_cli,
        "claims",
        "suggest",
        str(article_id),
        "--all",
        "--min-score",
        str(scores[1] - 0.0001),
    )  # printed scores are rounded
    assert [e["score"] for e in cut] == scores[:2]
