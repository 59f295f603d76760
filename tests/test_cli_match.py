"""``workbench claims match``: one text or a queries file, the same matches the Annotate
page shows (``shown``), one JSON object per query line, bad lines named by number; run
in-process on both databases."""

import json
from pathlib import Path

import pytest

from workbench import claims, db

AID = "The EU aid package for Ukraine is worth $6.2 billion"


def add(engine, user, statement: str) -> int:
    """A claim made through the service (which writes its search document)."""
    with db.write_session(engine) as session:
        return claims.create_claim(
            session, user, claims.ClaimDraft(article_id=None, statement=statement)
        ).id


@pytest.fixture
def stored(engine, reviewer):
    return (
        add(engine, reviewer, AID),
        add(engine, reviewer, "The EU aid package for Ukraine is worth $62 billion"),
        add(engine, reviewer, "Hungary blocked the aid package in the Council"),
    )


def test_one_text_as_json(stored, run_cli):
    aid, other, _hungary = stored
    code, out, err = run_cli(
        "claims", "match", "EU aid package to Ukraine worth 6.2bn dollars", "--json", "--limit", "2"
    )
    assert code == 0, err
    out = json.loads(out)
    assert out["query"] == "EU aid package to Ukraine worth 6.2bn dollars"
    assert len(out["matches"]) == 2
    first = out["matches"][0]
    assert first == {
        "claim_id": aid,
        "statement": AID,
        "context": "",
        "score": first["score"],
        "tier": "same",
        "shown": True,
        "rating": None,
        "rated": "",
        "review_url": "",
    }
    assert first["score"] >= 75
    assert not next(m for m in out["matches"] if m["claim_id"] == other)["shown"]


def test_another_fact_checkers_review_says_who_rated_it(run_cli, engine):
    """A ClaimReview imported through the command is matched like the desk's claims, and
    the match names the publisher, their rating and day, and links to their review."""
    data = Path(__file__).parent / "reports" / "data" / "claimreview_politifact.json"
    code, out, err = run_cli("import", "claimreview", str(data), "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] >= 1
    query = "The European Union banned the sale of aged cheese in 2024"
    code, out, err = run_cli("claims", "match", query, "--json")
    assert code == 0, err
    [first, *_] = json.loads(out)["matches"]
    assert first["rated"] == "PolitiFact rated this False on 2024-05-02"
    assert first["review_url"].startswith("https://")
    code, out, _ = run_cli("claims", "match", query)
    assert code == 0 and "PolitiFact rated this False on 2024-05-02 https://" in out


def test_one_text_for_people(stored, run_cli):
    aid, _other, _hungary = stored
    code, out, _ = run_cli("claims", "match", "EU aid package to Ukraine worth 6.2bn dollars")
    assert code == 0
    assert out.startswith(f"* #{aid} [same claim,") and AID in out


def test_queries_file_prints_one_line_per_query(stored, tmp_path, run_cli):
    aid, other, _hungary = stored
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "q1\tEU aid package to Ukraine worth 6.2bn dollars\n\n"
        "q2\tThe EU aid package for Ukraine is worth $62 billion.\nq3\taid\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli("claims", "match", "--queries", str(queries), "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["q1", "q2", "q3"]
    assert lines[0]["matches"][0]["claim_id"] == aid
    assert lines[1]["matches"][0]["claim_id"] == other
    assert lines[2]["matches"] == [] and "too short to match" in lines[2]["error"]


def test_bad_lines_are_named_and_nothing_is_matched(stored, tmp_path, run_cli):
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "q1\tEU aid package worth 6.2bn dollars\nno tab here\n\tno id\nq4\t\n", encoding="utf-8"
    )
    code, out, err = run_cli("claims", "match", "--queries", str(queries))
    assert (code, out) == (1, "")
    assert "3 lines are not “id<TAB>text”: line 2, 3, 4. Nothing was matched." in err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["match", ""], "too short to match"),
        (["match", "Ukraine"], "too short to match"),
        (["match"], "Give a text"),
        (["match", "EU aid package", "--queries", "posts.tsv"], "not both"),
    ],
)
def test_refusals(stored, run_cli, argv, message):
    code, out, err = run_cli("claims", *argv)
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and message in err


@pytest.mark.parametrize("limit", ["0", "31", "five"])
def test_limit_must_be_small(stored, run_cli, limit):
    code, _, err = run_cli("claims", "match", "EU aid package", "--limit", limit)
    assert code == 2 and "The limit must be a whole number from 1 to 30" in err


@pytest.fixture
def broken_model(tmp_path, monkeypatch):
    """WORKBENCH_EMBEDDING_MODEL naming a directory with no model in it."""
    from workbench import embeddings
    from workbench.settings import get_settings

    monkeypatch.setenv("WORKBENCH_EMBEDDING_MODEL", str(tmp_path / "no-model"))
    get_settings.cache_clear()
    embeddings.forget()
    yield tmp_path / "no-model"
    monkeypatch.delenv("WORKBENCH_EMBEDDING_MODEL")
    get_settings.cache_clear()
    embeddings.forget()


def test_an_unusable_model_is_one_warning_and_matching_goes_on(stored, run_cli, broken_model):
    code, out, err = run_cli("claims", "match", AID, "--json")
    assert code == 0, err
    assert json.loads(out)["matches"][0]["claim_id"] == stored[0]
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert str(broken_model) in warnings[0] and "words only" in warnings[0]


def test_embed_needs_a_usable_model(stored, run_cli, broken_model):
    code, _out, err = run_cli("claims", "embed")
    assert code == 1
    assert str(broken_model) in err


def test_embed_without_a_model_says_what_to_set(stored, run_cli):
    code, _out, err = run_cli("claims", "embed", "--json")
    assert code == 1
    assert "WORKBENCH_EMBEDDING_MODEL" in err
