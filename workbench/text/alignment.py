"""Map offsets in an article body onto its next version, through a word-level diff.

Re-anchoring claims (`text/anchor.reanchor`) needs to know where each stretch of the old body
went. A diff answers that for text it finds unchanged: such a stretch maps exactly, at a
constant shift, and two different old offsets never map onto the same new offset. For text
that changed, the diff only gives a neighbourhood, used as a hint for a search.

The diff runs over words, runs of whitespace and single other characters, with rapidfuzz's
Levenshtein opcodes: a minimal alignment in C++ (bit-parallel, with Hirschberg's method, so
memory stays small), several times faster than difflib.SequenceMatcher over the same words
and than any diff over characters (docs/decisions/0011 has the figures). All offsets are
Python code points.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from rapidfuzz.distance import Levenshtein

# Words, whitespace runs, and every other character alone: a changed word leaves its
# neighbours (and the spaces between them) aligned.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Alignment:
    """The stretches a diff found unchanged between two bodies.

    `blocks` holds (old start, old end, new start) in code points, sorted and disjoint;
    `old_body[s:e] == new_body[n:n + e - s]` for each block.
    """

    blocks: tuple[tuple[int, int, int], ...]
    new_length: int

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new place of `old_body[start:end]`, or None unless it lies, whole, in one
        unchanged stretch."""
        block = self._block_before(start)
        if block is None or end > block[1]:
            return None
        shift = block[2] - block[0]
        return start + shift, end + shift

    def map_near(self, offset: int) -> int:
        """A new offset close to where old `offset` went, for text the diff saw change: the
        same distance past the end of the last unchanged stretch before it."""
        block = self._block_before(offset)
        if block is None:
            return min(offset, self.new_length)
        old_start, old_end, new_start = block
        return min(
            new_start + (min(offset, old_end) - old_start) + max(0, offset - old_end),
            self.new_length,
        )

    def _block_before(self, offset: int) -> tuple[int, int, int] | None:
        index = bisect_right(self.blocks, offset, key=lambda block: block[0]) - 1
        return self.blocks[index] if index >= 0 else None


def align(old_body: str, new_body: str) -> Alignment:
    """Diff two versions of a body word by word and keep the unchanged stretches."""
    old_tokens, new_tokens = words(old_body), words(new_body)
    old_offsets, new_offsets = _starts(old_tokens), _starts(new_tokens)
    blocks = tuple(
        (old_offsets[op.src_start], old_offsets[op.src_end], new_offsets[op.dest_start])
        for op in Levenshtein.opcodes(old_tokens, new_tokens)
        if op.tag == "equal"
    )
    return Alignment(blocks, len(new_body))


def words(body: str) -> list[str]:
    """The units the diff compares; joined, they are the body again."""
    return _TOKEN.findall(body)


def _starts(tokens: list[str]) -> list[int]:
    """Code-point offset of each token, plus the end of the last one."""
    return list(accumulate(map(len, tokens), initial=0))
