"""Shared fixtures for the text-processing tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seed_article() -> str:
    """The sample article shipped with the package."""
    return (REPO / "workbench" / "sample_data" / "seed-article.txt").read_text(encoding="utf-8")


# A training set small enough to fit in a second, in the public files' layout
# (``workbench/text/model_training.py``'s TRAINING_FILES and HELD_OUT_FILES): eight
# "debates" of check-worthy and chatty sentences, so a retraining can run in a test.
_CHECKWORTHY = (
    "Unemployment fell to {n} percent in {year}.",
    "The deficit rose by {n} billion dollars since {year}.",
    "Taxes went up {n} percent under the last government in {year}.",
)
_CHATTY = (
    "Thank you, {name}, for being here tonight.",
    "I think we need to talk about the future, {name}.",
    "Let me say something about that, {name}.",
    "We will see what happens next, {name}.",
)
_NAMES = ("Anna", "Ben", "Carla", "Dev", "Emil", "Fay", "Gus", "Hana")


def _debate(number: int) -> list[tuple[str, int]]:
    return [
        (template.format(n=number * 7 + i, year=2000 + i, name=_NAMES[i % len(_NAMES)]), label)
        for i in range(12)
        for template, label in [
            (_CHECKWORTHY[i % len(_CHECKWORTHY)], 1),
            (_CHATTY[(i + number) % len(_CHATTY)], 0),
        ]
    ]


def write_training_files(data: Path) -> Path:
    """Write a tiny ``checkworthiness/`` folder under ``data`` and return ``data``."""
    folder = data / "checkworthiness"
    folder.mkdir(parents=True, exist_ok=True)
    debates = {f"debate{d}.tsv": _debate(d) for d in range(8)}
    rows = [(text, label, name) for name, sentences in debates.items() for text, label in sentences]
    for file_name, kept in (
        ("clef2019_t1_debates_train.csv", rows[: len(rows) * 3 // 4]),
        ("clef2019_t1_debates_test.csv", rows[len(rows) * 3 // 4 :]),
    ):
        with (folder / file_name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line_number", "speaker", "text", "label", "file_name"])
            writer.writerows(
                [n, "SPEAKER", text, label, name] for n, (text, label, name) in enumerate(kept)
            )
    for file_name, header in (
        ("clef2020_t5_debates_train.tsv", ["text", "label"]),
        ("clef2020_t1_covid_tweets_train.tsv", ["tweet_text", "check_worthiness"]),
        ("claimbuster_2.5xNCS.csv", None),
    ):
        with (folder / file_name).open("w", encoding="utf-8", newline="") as handle:
            if header is None:
                writer = csv.writer(handle)
                writer.writerow(["sentence_id", "screening", "label", "text"])
                held_out = rows[len(rows) * 3 // 4 :]  # never in a training file
                writer.writerows([n, 0, label, text] for n, (text, label, _) in enumerate(held_out))
            else:
                writer = csv.writer(handle, delimiter="\t")
                writer.writerow(header)
                writer.writerows([text, label] for text, label, _ in rows[::3])
    return data
