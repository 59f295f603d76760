"""``workbench claims match``: one text or a queries file, the same matches the Annotate
page shows (``shown``), one JSON object per query line, bad lines named by number.

Run through ``cli_match``'s own parser and handler: ``cli.main`` wires the command by
calling :func:`workbench.cli_match.register` on the ``claims`` group."""

import argparse
import json

import pytest

from workbench import claims, cli_match, db
from workbench.errors import InvalidInput

AID = "The EU aid package for Ukraine is worth $6.2 billion"


def run(argv: list[str]) -> None:
    """Parse ``argv`` (after ``workbench claims``) the way ``cli.py`` would, and run it."""
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser(prog="workbench claims")
    claim_group = parser.add_subparsers(dest="command", required=True)
    cli_match.register(claim_group, json_flag)
    args = parser.parse_args(argv)
    args.handler(args)


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


def test_one_text_as_json(stored, capsys):
    aid, other, _hungary = stored
    run(["match", "EU aid package to Ukraine worth 6.2bn dollars", "--json", "--limit", "2"])
    out = json.loads(capsys.readouterr().out)
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
    }
    assert first["score"] >= 75
    assert not next(m for m in out["matches"] if m["claim_id"] == other)["shown"]


def test_one_text_for_people(stored, capsys):
    aid, _other, _hungary = stored
    run(["match", "EU aid package to Ukraine worth 6.2bn dollars"])
    out = capsys.readouterr().out
    assert out.startswith(f"* #{aid} [same claim,") and AID in out


def test_queries_file_prints_one_line_per_query(stored, tmp_path, capsys):
    aid, other, _hungary = stored
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "q1\tEU aid package to Ukraine worth 6.2bn dollars\n\n"
        "q2\tThe EU aid package for Ukraine is worth $62 billion.\nq3\taid\n",
        encoding="utf-8",
    )
    run(["match", "--queries", str(queries), "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["q1", "q2", "q3"]
    assert lines[0]["matches"][0]["claim_id"] == aid
    assert lines[1]["matches"][0]["claim_id"] == other
    assert lines[2]["matches"] == [] and "too short to match" in lines[2]["error"]


def test_bad_lines_are_named_and_nothing_is_matched(stored, tmp_path, capsys):
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "q1\tEU aid package worth 6.2bn dollars\nno tab here\n\tno id\nq4\t\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match=r"3 lines .* line 2, 3, 4\. Nothing was matched"):
        run(["match", "--queries", str(queries)])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "argv,message",
    [
        (["match", ""], "too short to match"),
        (["match", "Ukraine"], "too short to match"),
        (["match"], "Give a text"),
    ],
)
def test_refusals(stored, argv, message):
    with pytest.raises(InvalidInput, match=message):
        run(argv)


def test_limit_must_be_small(stored):
    with pytest.raises(SystemExit):
        run(["match", "EU aid package", "--limit", "0"])
