"""CSV import: real files (LIAR, CLEF), broken files, updates with the version check,
and the verdict-label mapping (X-FACT's 35 fact-checkers)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from tests.factories import build_fixed_db, cli_admin_user, csv_file, import_as_cli
from workbench import claims, db
from workbench.models import AuditEvent, Claim, Rating, User, Verdict
from workbench.reports.csv_export import csv_bytes
from workbench.reports.csv_read import ReadOptions, read_records
from workbench.reports.rating_map import load_rating_map, parse_rating_map

LIAR_OPTIONS = ReadOptions("\t", "none", False, "statement=2,claimant=4,rating=1,tags=3")
LIAR_TO_OURS = {
    "true": "True",
    "mostly-true": "Mostly true",
    "half-true": "Half true",
    "barely-true": "Mostly false",
    "false": "False",
    "pants-fire": "Pants on fire",
}


def claim_count(engine: Engine) -> int:
    with db.read_session(engine) as s:
        return s.exec(select(func.count()).select_from(Claim)).one()


def rows_of(data: bytes) -> list[dict[str, str]]:
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_liar_train_needs_quoting_off(eval_data: Path) -> None:
    data = (eval_data / "claims/liar/train.tsv").read_bytes()
    assert len(read_records(data, LIAR_OPTIONS).records) == 10_269
    quoted = read_records(data, ReadOptions("\t", "minimal", False, LIAR_OPTIONS.columns))
    assert len(quoted.records) < 10_269 and quoted.errors
    assert "wrong number of fields" in quoted.notes[-1]


def test_liar_train_dry_run(engine: Engine, eval_data: Path) -> None:
    report = import_as_cli(
        engine,
        (eval_data / "claims/liar/train.tsv").read_bytes(),
        LIAR_OPTIONS,
        rating_map=load_rating_map("politifact"),
        dry_run=True,
    )
    assert (report.records, report.created, report.errors) == (10_269, 10_269, [])
    assert claim_count(engine) == 0


def test_all_liar_statements_import_and_export(tmp_path: Path, eval_data: Path) -> None:
    """The big one, on SQLite only: 12,836 claims with mapped ratings, out again."""
    url = f"sqlite:///{tmp_path / 'liar.sqlite3'}"
    db.upgrade(url)
    engine = db.get_engine(url)
    expected: Counter[str] = Counter()
    progress: list[tuple[int, int]] = []
    for split in ("train", "valid", "test"):
        path = eval_data / f"claims/liar/{split}.tsv"
        with open(path, encoding="utf-8", newline="") as handle:
            expected.update(
                LIAR_TO_OURS[r[1]]
                for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            )
        report = import_as_cli(
            engine,
            path.read_bytes(),
            LIAR_OPTIONS,
            source_name=path.name,
            rating_map=load_rating_map("politifact"),
            on_progress=lambda d, t: progress.append((d, t)),
        )
        assert not report.errors and report.written
    assert claim_count(engine) == 12_836 and progress[-1] == (1000, 1000)
    rows = rows_of(csv_bytes(cli_admin_user(engine), engine))
    assert len(rows) == 12_836
    with db.read_session(engine) as s:  # ratings wait for a second editor
        proposed = Counter(
            dict(
                s.exec(
                    select(Rating.label, func.count())
                    .join(Verdict, col(Verdict.rating_id) == Rating.id)
                    .where(Verdict.status == "proposed")
                    .group_by(Rating.label)
                ).all()
            )
        )
    assert proposed == expected
    assert sum(expected.values()) == 12_836 and expected["Mostly false"] > 1657
    assert {r["state"] for r in rows} == {"in_review"} and {r["rating_label"] for r in rows} == {""}
    assert rows[1]["tags"] == "energy | history | job-accomplishments"
    from workbench.search import search_claim_ids

    with db.read_session(engine) as session:  # imported claims are searchable at once
        found = search_claim_ids(session, "Annies List third-trimester", limit=3)
        statements = [session.get(Claim, i).statement for i in found]
    assert any("Annies List" in statement for statement in statements)
    db.get_engine.cache_clear()


def test_clef_verified_claims(engine: Engine, eval_data: Path) -> None:
    data = (eval_data / "claim-matching/clef2020_t2/verified_claims.docs.tsv").read_bytes()
    good = import_as_cli(
        engine, data, ReadOptions("\t", "minimal", True, "statement=vclaim"), dry_run=True
    )
    assert good.records == 10_375 and not good.errors
    assert any("inside quoted cells" in note for note in good.notes)
    bad = import_as_cli(
        engine, data, ReadOptions("\t", "none", True, "statement=vclaim"), dry_run=True
    )
    assert bad.errors and all("fields where the header has 3" in e.message for e in bad.errors)
    assert bad.errors[0].line > 1 and "quoting" in bad.notes[-1]


BROKEN = {
    "wrong columns": (
        b"statement,claimant\r\nfine,x\r\ntoo,many,fields\r\n",
        3,
        "3 fields where the header has 2",
    ),
    "bad date": (
        csv_file(dict(statement="a"), dict(statement="b", claim_date="2025-02-30")),
        3,
        "is not a date",
    ),
    "unknown rating": (
        csv_file(dict(statement="a", rating_label="Sorta true")),
        2,
        "unknown rating",
    ),
    "duplicate ids": (
        csv_file(dict(claim_id="7", statement="a"), dict(claim_id="7", statement="b")),
        3,
        "also on line 2",
    ),
    "bad type": (csv_file(dict(statement="a", type="opinion")), 2, "not a claim type"),
    "approver is author": (
        csv_file(dict(statement="a", rating_label="False", reviewer="eddie", approver="eddie")),
        2,
        "two-person rule",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_write_nothing(engine: Engine, editor: User, case: str) -> None:
    data, line, message = BROKEN[case]
    report = import_as_cli(engine, data, restore=case == "approver is author")
    assert not report.written and claim_count(engine) == 0
    assert any(e.line == line and message in e.message for e in report.errors), report.errors


def test_every_error_listed_and_nothing_written(engine: Engine) -> None:
    data = csv_file(
        dict(statement="good one"),
        dict(statement="x", claim_date="yesterday"),
        dict(statement="good two"),
        dict(statement="y", state="flying"),
    )
    report = import_as_cli(engine, data)
    assert [e.line for e in report.errors] == [3, 5] and claim_count(engine) == 0


def test_update_with_version_check(engine: Engine, reviewer: User, editor: User) -> None:
    build_fixed_db(engine, reviewer, editor)
    exported = csv_bytes(cli_admin_user(engine), engine).decode()
    edited = exported.replace(
        "ReArm Europe,,,other,,", "ReArm Europe,Von der Leyen,,other,defence,"
    )
    report = import_as_cli(engine, edited.encode())
    assert (report.updated, report.unchanged, report.errors) == (1, 3, [])
    with db.read_session(engine) as s:
        claim = claims.get_claim(s, 3)
        assert claim.claimant == "Von der Leyen" and claims.claim_tags(s, 3) == ["defence"]
        event = s.exec(
            select(AuditEvent).where(AuditEvent.claim_id == 3).order_by(col(AuditEvent.id).desc())
        ).first()
        assert event.actor_name == "cli" and event.changes["claimant"] == ["", "Von der Leyen"]
    stale = import_as_cli(engine, edited.replace("Von der Leyen", "Someone else").encode())
    assert (
        len(stale.errors) == 1
        and "was changed after this file was exported" in str(stale.errors[0])
        and stale.errors[0].line == 6
    )  # physical line: cells hold newlines
    with db.read_session(engine) as s:
        assert claims.get_claim(s, 3).claimant == "Von der Leyen"


def test_published_verdict_not_changed_by_import(
    engine: Engine, reviewer: User, editor: User
) -> None:
    build_fixed_db(engine, reviewer, editor)
    changed = (
        csv_bytes(cli_admin_user(engine), engine)
        .decode()
        .replace(",approved,Mostly true,", ",approved,False,")
    )
    report = import_as_cli(engine, changed.encode())
    assert report.errors[0].column == "rating_label" and report.errors[0].line == 2


def xfact_chain(eval_data: Path, site: str):  # type: ignore[no-untyped-def]
    path = eval_data / "verdict-maps/xfact" / f"{site}.txt"
    return parse_rating_map(path.read_text(encoding="utf-8"), site).then(
        load_rating_map("xfact_master")
    )


def test_every_xfact_label_maps(eval_data: Path) -> None:
    folder = eval_data / "verdict-maps/xfact"
    missing, mapped = [], 0
    for path in sorted(folder.glob("*.txt")):
        chain = xfact_chain(eval_data, path.stem)
        for line in path.read_text(encoding="utf-8").splitlines():
            label = line.split("\t")[0]
            if "\t" in line and "://" not in label:
                mapped += 1
                if chain.lookup(label) is None:
                    missing.append((path.stem, label))
    assert mapped > 600 and missing == []


@pytest.mark.parametrize(
    ("site", "label", "ours"),
    [
        ("demagog.org.pl", "Prawda.", "True"),  # trailing punctuation
        ("demagog.org.pl", "PRAWDA", "True"),  # case
        ("demagog.org.pl", "falsz", "False"),  # diacritics not typed
        ("demagog.org.pl", "prawda. ale inne zdanie niż w tabeli", "True"),  # a whole sentence
        ("chequeado.com", "ENGANOSO", "Half true"),
        ("chequeado.com", "Verdadero, pero…", "Mostly true"),
        ("correctiv.org", "missing_context", "Half true"),  # snake_case
        ("misbar.com", "زائف", "False"),  # Arabic
        ("factcheck.ge", "ტყუილი", "False"),  # Georgian
        ("poligrafo.sapo.pt", "Impreciso", "Half true"),
        ("faktisk.no", "Helt sant", "True"),
    ],
)
def test_xfact_label_variants(eval_data: Path, site: str, label: str, ours: str) -> None:
    assert xfact_chain(eval_data, site).lookup(label) == ours


def test_import_through_xfact_map(engine: Engine, eval_data: Path) -> None:
    chain = xfact_chain(eval_data, "demagog.org.pl")
    data = "claim\tverdict\nA claim\tFałsz\nAnother\tnieweryfikowalne\n".encode()
    report = import_as_cli(
        engine,
        data,
        ReadOptions("\t", "minimal", True, "statement=claim,rating=verdict"),
        rating_map=chain,
    )
    assert report.written and report.unrated == 1
    rows = rows_of(csv_bytes(cli_admin_user(engine), engine))
    assert [(r["rating_label"], r["state"]) for r in rows] == [("", "in_review"), ("", "new")]
    with db.read_session(engine) as s:
        assert [v.rating_id for v in s.exec(select(Verdict))] == [
            s.exec(select(Rating.id).where(Rating.label == "False")).first()
        ]


def test_each_problem_a_draft_finds_is_listed_against_its_column(engine: Engine) -> None:
    """A record's claim, sources and verdict are the services' drafts: every problem they
    find is listed with its line and column, in the services' words."""
    data = csv_file(
        dict(
            statement="fine",
            claimant="c" * 301,
            type="opinion",
            source_urls="javascript:alert(1)",
            rating_label="False",
            rationale="r" * 50_001,
        ),
        dict(statement="", quote="", claimant="Anna"),
    )
    report = import_as_cli(engine, data, dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "claimant"),
        (2, "type"),
        (2, "rationale"),
        (2, "source_urls"),
        (3, "statement"),
    ]
    messages = [e.message for e in report.errors]
    assert messages[0].startswith("Claimant is too long (301 characters")
    assert messages[1].endswith("(“opinion” is not a claim type).")
    assert messages[2].startswith("Rationale is too long (50,001 characters")
    assert messages[3].startswith("Source URL must be a full web address")
    assert messages[4] == "A claim needs a quote or a statement."


def test_an_update_is_checked_before_anything_is_written(
    engine: Engine, reviewer: User, editor: User
) -> None:
    """An edited cell breaking a rule is a problem of its line in the check, not a failed
    write after it."""
    build_fixed_db(engine, reviewer, editor)
    exported = csv_bytes(cli_admin_user(engine), engine).decode()
    edited = exported.replace("ReArm Europe,,,other,,", "ReArm Europe,,2025-13-01,opinion,,")
    report = import_as_cli(engine, edited.encode(), dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [(6, "claim_date"), (6, "type")]
    assert "“2025-13-01” is not a date" in report.errors[0].message
