"""The learned check-worthiness ranker: its artefact format, loading and scoring.

The model is a logistic regression over TF-IDF word 1–2-grams plus the cue flags of
``workbench/text/checkworthiness.py``. It is fitted with scikit-learn
(``workbench/text/model_training.py``) but shipped and stored as plain JSON, never as a
pickle: a pickle runs code when loaded, and newsroom models travel through the database.
Scoring needs only numpy, so a process pays for parsing the artefact once
(``shipped_ranker`` is cached) and then a few milliseconds per thousand sentences.

Artefact format, version 1 (``FORMAT_VERSION``), one JSON object:

- ``format``: ``"workbench-checkworthiness"``; ``format_version``: 1.
- ``tokens``: ``{"pattern": regex, "lowercase": true, "ngrams": [1, 2],
  "sublinear_tf": true}`` — scikit-learn's ``TfidfVectorizer`` settings it was fitted with.
- ``terms``: ``{n-gram: [idf, weight]}``; the TF-IDF vector of a sentence is
  ``(1 + ln count) * idf`` per known n-gram, L2-normalised over the known n-grams.
- ``cues``: ``{cue name: weight}`` over the 0/1 cue flags; ``intercept``: the bias.
- ``cutoffs``: ``{genre: score}``, the "suggested" threshold per genre (``GENRES``).
- ``training``: the files (name, SHA-256, rows) and newsroom decisions it learnt from.
- ``metrics``: figures measured when it was trained (free-form, for people).

``score = 1 / (1 + exp(-(intercept + text part + cue part)))``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import chain, repeat
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = "workbench-checkworthiness"
FORMAT_VERSION = 1
#: Article: news prose, roughly a third of its sentences check-worthy. Transcript: debates,
#: speeches and interviews with speaker turns, where one sentence in fifty is.
GENRES = ("article", "transcript")
SHIPPED = "checkworthiness-v1.json"

_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled sentence to train on; ``group`` keeps related sentences (a debate, an
    article) on one side of a development split, empty when there is none."""

    text: str
    label: int
    group: str = ""


class ArtefactError(ValueError):
    """The artefact is not a check-worthiness model this code can read."""


@dataclass(frozen=True, eq=False)
class LearnedRanker:
    """Scores sentences with a fitted artefact; build it with ``from_artefact``. Equal and
    hashed by identity: each is parsed once and cached, and caches key on it."""

    label: str
    index: dict[str, int] = field(repr=False)
    idf: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    cues: dict[str, float]
    intercept: float
    cutoffs: dict[str, float]
    artefact: dict[str, Any] = field(repr=False)
    warning: str | None = None

    @classmethod
    def from_artefact(cls, artefact: dict[str, Any], label: str) -> LearnedRanker:
        """Check the format and build the lookup tables; raises ArtefactError."""
        try:
            if artefact.get("format") != FORMAT:
                raise ArtefactError("not a check-worthiness model")
            if artefact.get("format_version") != FORMAT_VERSION:
                raise ArtefactError(
                    f"format version {artefact.get('format_version')!r}, "
                    f"this code reads {FORMAT_VERSION}"
                )
            if artefact["tokens"]["pattern"] != _TOKEN_PATTERN:
                raise ArtefactError("unknown tokenizer")
            terms = artefact["terms"]
            table = np.array(
                [(float(idf), float(weight)) for idf, weight in terms.values()], dtype=np.float64
            ).reshape(len(terms), 2)
            cues = {name: float(weight) for name, weight in artefact["cues"].items()}
            cutoffs = {genre: float(artefact["cutoffs"][genre]) for genre in GENRES}
            intercept = float(artefact["intercept"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ArtefactError(f"malformed check-worthiness model: {error}") from error
        index = {term: n for n, term in enumerate(terms)}
        return cls(label, index, table[:, 0], table[:, 1], cues, intercept, cutoffs, artefact)

    def logits(self, texts: Sequence[str], flags: Sequence[dict[str, float]]) -> np.ndarray:
        """The log-odds of each text given its cue flags (``checkworthiness.cue_flags``)."""
        cue_part = [
            sum(self.cues.get(name, 0.0) * value for name, value in row.items()) for row in flags
        ]
        return self.intercept + self._text_parts(texts) + np.array(cue_part, dtype=np.float64)

    def scores(self, texts: Sequence[str], flags: Sequence[dict[str, float]]) -> list[float]:
        """The scores 0..1 that the cut-offs are compared with, one per text."""
        return (1.0 / (1.0 + np.exp(-np.clip(self.logits(texts, flags), -700, 700)))).tolist()

    def score(self, text: str, flags: dict[str, float]) -> float:
        return self.scores([text], [flags])[0]

    def cutoff(self, genre: str) -> float:
        return self.cutoffs[genre]

    def _text_parts(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF dot products of all texts at once: the n-gram look-ups run in C
        (``map``), the arithmetic in numpy; a loop per n-gram cost more than the cues."""
        per_text = [ngrams(text) for text in texts]
        grams = list(chain.from_iterable(per_text))
        owners = np.repeat(np.arange(len(texts), dtype=np.int64), list(map(len, per_text)))
        ids = np.fromiter(map(self.index.get, grams, repeat(-1)), dtype=np.int64, count=len(grams))
        known = ids >= 0
        pairs, counts = np.unique(owners[known] * len(self.idf) + ids[known], return_counts=True)
        owner, term = np.divmod(pairs, len(self.idf))
        values = (1.0 + np.log(counts)) * self.idf[term]
        squares = np.bincount(owner, values * values, minlength=len(texts))
        dots = np.bincount(owner, values * self.weights[term], minlength=len(texts))
        return np.divide(dots, np.sqrt(squares), out=np.zeros(len(texts)), where=squares > 0)


def ngrams(text: str) -> list[str]:
    """Word 1- and 2-grams exactly as scikit-learn's ``TfidfVectorizer`` forms them."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + list(map(" ".join, zip(tokens, tokens[1:], strict=False)))


_TOKEN = re.compile(_TOKEN_PATTERN)


def tokenizer_settings() -> dict[str, Any]:
    """The ``tokens`` entry of an artefact, and the vectorizer settings training must use."""
    return {"pattern": _TOKEN_PATTERN, "lowercase": True, "ngrams": [1, 2], "sublinear_tf": True}


def parse_artefact(raw: str | bytes, label: str) -> LearnedRanker:
    """Read an artefact from JSON text; raises ArtefactError."""
    try:
        artefact = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArtefactError(f"not JSON: {error}") from error
    if not isinstance(artefact, dict):
        raise ArtefactError("not a JSON object")
    return LearnedRanker.from_artefact(artefact, label)


def dump_artefact(artefact: dict[str, Any]) -> str:
    """Stable JSON (sorted keys, one line per term) so two trainings diff cleanly."""
    return json.dumps(artefact, sort_keys=True, ensure_ascii=False, indent=0) + "\n"


@cache
def shipped_ranker() -> LearnedRanker | None:
    """The model shipped in the package, parsed once per process; None (and a WARNING in
    the log) when it is missing or unreadable, so suggestions fall back to the cue rules."""
    try:
        raw = (resources.files("workbench.text") / "models" / SHIPPED).read_bytes()
        return parse_artefact(raw, f"shipped {SHIPPED}")
    except (OSError, ArtefactError) as error:
        log.warning("check-worthiness model unusable, suggesting with the cue rules: %s", error)
        return None
