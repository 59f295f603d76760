"""Successive versions of a real article, made by random editing, with the truth about claims.

An editor rewrites a few sentences of an article between versions: changes a word or a
figure, replaces, deletes or inserts a sentence, repeats a sentence elsewhere, moves a
paragraph. `Editor.revise` does that to a list of `Piece`s (a sentence and the whitespace
after it) and follows every claim: its `TrueSpan` says where its text really is in the new
version, or that it was edited or deleted. Re-anchoring is measured against that truth by
`reanchor_eval.py` and `reanchor_bench.py`, and tests/text/test_anchor.py uses it for its
property test (this directory is not a package; those import it by path).

Pieces carry a `key` that follows a sentence through moves; a repeated sentence gets a new
key, so a claim stays with the copy it was made on. Within one revision, each operation
takes words no earlier one of that revision touched (compared as text, copies included),
and inserted sentences are new text: "delete one copy, repeat the other" or "repeat it,
then move the original" leave text that no one could tell from the other story, so they
would have no single truth.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from workbench.text.segment import split_sentences

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Piece:
    """One sentence and the whitespace after it (the text before the first sentence is a
    piece with an empty sentence)."""

    key: int
    sentence: str
    gap: str


@dataclass(frozen=True, slots=True)
class TrueSpan:
    """A claim's real place: `start`-`end` inside the sentence of piece `key`, or deleted
    (`key` None). `intact` is False once a word inside it was changed."""

    key: int | None
    start: int
    end: int
    intact: bool = True


def pieces_of(body: str, language: str = "en") -> list[Piece]:
    """Cut a body into pieces whose texts, joined, are the body again."""
    sentences = split_sentences(body, language)
    ends = [sentence.start for sentence in sentences[1:]] + [len(body)]
    lead = Piece(0, "", body[: sentences[0].start] if sentences else body)
    return [lead] + [
        Piece(index + 1, sentence.text, body[sentence.end : end])
        for index, (sentence, end) in enumerate(zip(sentences, ends, strict=True))
    ]


def body_of(pieces: Sequence[Piece]) -> str:
    return "".join(piece.sentence + piece.gap for piece in pieces)


def span_in(pieces: Sequence[Piece], truth: TrueSpan) -> tuple[int, int] | None:
    """The claim's span in the body of `pieces` (code points), or None if it was deleted."""
    starts = accumulate((len(piece.sentence + piece.gap) for piece in pieces), initial=0)
    for piece, offset in zip(pieces, starts, strict=False):
        if piece.key == truth.key:
            return offset + truth.start, offset + truth.end
    return None


def pick_claims(pieces: Sequence[Piece], rng: random.Random, count: int) -> list[TrueSpan]:
    """Up to `count` different claims: whole sentences or runs of 3-8 words, a quarter of them
    on a sentence that occurs more than once when there is one."""
    candidates = [piece for piece in pieces if len(_WORD.findall(piece.sentence)) >= 3]
    if not candidates:
        return []
    copies = Counter(piece.sentence for piece in candidates)
    repeated = [piece for piece in candidates if copies[piece.sentence] > 1]
    claims: list[TrueSpan] = []
    for _ in range(count):
        piece = rng.choice(repeated if repeated and rng.random() < 0.25 else candidates)
        words = list(_WORD.finditer(piece.sentence))
        if rng.random() < 0.5:
            claim = TrueSpan(piece.key, 0, len(piece.sentence))
        else:
            length = rng.randint(3, min(8, len(words)))
            first = rng.randrange(len(words) - length + 1)
            claim = TrueSpan(piece.key, words[first].start(), words[first + length - 1].end())
        if claim not in claims:
            claims.append(claim)
    return claims


class Editor:
    """Random revisions at a chosen rate; `donors` are sentences to insert (from elsewhere)."""

    OPERATIONS = (
        "change_word",
        "change_word",
        "change_word",
        "replace",
        "delete",
        "insert",
        "repeat",
        "move_paragraph",
    )

    def __init__(self, rng: random.Random, donors: Sequence[str]) -> None:
        self.rng = rng
        self.donors = donors

    def revise(
        self, pieces: Sequence[Piece], claims: Sequence[TrueSpan], edits: int
    ) -> tuple[list[Piece], list[TrueSpan]]:
        """The next version after `edits` random operations, and where each claim went."""
        self.pieces, self.claims = list(pieces), list(claims)
        self.touched: set[str] = set()
        self.seen = {piece.sentence for piece in pieces}
        for _ in range(edits):
            getattr(self, "_" + self.rng.choice(self.OPERATIONS))()
        return self.pieces, self.claims

    def _editable(self) -> int | None:
        """Index of a sentence this revision has not touched yet, if any; half the time one
        holding or next to a claim, since corrections cluster around what was checked."""
        free = [
            index
            for index, piece in enumerate(self.pieces)
            if piece.sentence and piece.sentence not in self.touched
        ]
        claimed = {claim.key for claim in self.claims}
        near = [
            index
            for index in free
            if any(piece.key in claimed for piece in self.pieces[max(0, index - 1) : index + 2])
        ]
        pool = near if near and self.rng.random() < 0.5 else free
        return self.rng.choice(pool) if pool else None

    def _new_key(self) -> int:
        return max(piece.key for piece in self.pieces) + 1

    def _touch(self, index: int) -> Piece:
        """The piece at `index`, its words now off limits for the rest of the revision."""
        self.touched.add(self.pieces[index].sentence)
        return self.pieces[index]

    def _fresh_sentence(self) -> str | None:
        """A donor sentence that is in neither version: new text, so that deleting a sentence
        and inserting the same words elsewhere (a move, in effect) never happens."""
        fresh = [sentence for sentence in self.donors if sentence not in self.seen]
        sentence = self.rng.choice(fresh) if fresh else None
        if sentence is not None:
            self.seen.add(sentence)
            self.touched.add(sentence)
        return sentence

    def _forget(self, key: int) -> None:
        """Claims on a replaced or deleted sentence are gone."""
        self.claims = [
            TrueSpan(None, 0, 0, False) if claim.key == key else claim for claim in self.claims
        ]

    def _change_word(self) -> None:
        """Change one word or one digit of a figure ("$6.2 billion" -> "$6.5 billion")."""
        index = self._editable()
        if index is None:
            return
        piece = self._touch(index)
        words = list(_WORD.finditer(piece.sentence))
        if not words:
            return
        word = self.rng.choice(words)
        text = word.group()
        digits = [position for position, char in enumerate(text) if char.isdigit()]
        if digits:
            at = self.rng.choice(digits)
            new = text[:at] + str((int(text[at]) + self.rng.randint(1, 9)) % 10) + text[at + 1 :]
        else:
            new = self.rng.choice(_WORD.findall(self.rng.choice(self.donors)) or ["new"])
            new = new if new != text else new + "s"
        self.pieces[index] = replace(
            piece, sentence=piece.sentence[: word.start()] + new + piece.sentence[word.end() :]
        )
        self._touch(index)
        shift = len(new) - len(text)
        self.claims = [
            _after_change(claim, piece.key, word.start(), word.end(), shift)
            for claim in self.claims
        ]

    def _replace(self) -> None:
        index, sentence = self._editable(), self._fresh_sentence()
        if index is not None and sentence is not None:
            self._forget(self._touch(index).key)
            self.pieces[index] = Piece(self._new_key(), sentence, self.pieces[index].gap)

    def _delete(self) -> None:
        index = self._editable()
        if index is not None:
            self._forget(self._touch(index).key)
            del self.pieces[index]

    def _insert(self) -> None:
        sentence = self._fresh_sentence()
        if len(self.pieces) > 1 and sentence is not None:
            self.pieces.insert(
                self.rng.randrange(1, len(self.pieces)), Piece(self._new_key(), sentence, " ")
            )

    def _repeat(self) -> None:
        """Repeat a sentence right after itself or anywhere (a pull quote, a recap)."""
        index = self._editable()
        if index is None or len(self.pieces) < 2:
            return
        copy = Piece(self._new_key(), self._touch(index).sentence, " ")
        after = index + 1 if self.rng.random() < 0.5 else self.rng.randrange(1, len(self.pieces))
        self.pieces.insert(min(after, len(self.pieces) - 1), copy)

    def _move_paragraph(self) -> None:
        """Move a paragraph (or, in a one-paragraph body, a sentence) before another one."""
        runs = _paragraphs(self.pieces)
        if len(runs) < 3:
            runs = [(index, index + 1) for index in range(1, len(self.pieces))]
        untouched = [
            (first, last)
            for first, last in runs
            if not any(p.sentence in self.touched for p in self.pieces[first:last])
        ]
        if len(runs) < 2 or not untouched:
            return
        first, last = self.rng.choice(untouched)
        moved = [self._touch(index) for index in range(first, last)]
        if not moved[-1].gap:
            moved[-1] = replace(moved[-1], gap="\n\n")
        rest = self.pieces[:first] + self.pieces[last:]
        targets = [
            start - (last - first if start > first else 0)
            for start, _ in runs
            if start not in (first, last)
        ]
        if not targets:
            return
        at = self.rng.choice(targets)
        self.pieces = rest[:at] + moved + rest[at:]


def _after_change(claim: TrueSpan, key: int, start: int, end: int, shift: int) -> TrueSpan:
    """A claim after `sentence[start:end]` of piece `key` was replaced by text `shift` longer."""
    if claim.key != key or claim.end <= start:
        return claim
    if claim.start >= end:
        return replace(claim, start=claim.start + shift, end=claim.end + shift)
    return replace(claim, end=claim.end + shift, intact=False)


def _paragraphs(pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """(first, last + 1) piece indexes of each paragraph, the lead piece left out."""
    runs, first = [], 1
    for index in range(1, len(pieces)):
        if "\n" in pieces[index].gap or index == len(pieces) - 1:
            runs.append((first, index + 1))
            first = index + 1
    return runs
