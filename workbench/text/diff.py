"""What changed between two versions of an article, sentence by sentence.

Editors correct a figure or add a paragraph; a reviewer needs to see those sentences, not a
character diff. Sentences are compared whole (after collapsing whitespace), so a re-wrapped
paragraph is not a change and a corrected figure marks its whole sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from workbench.text.segment import Sentence, split_sentences


@dataclass(frozen=True)
class VersionDiff:
    """``changed``: spans of the new body whose sentences are new or edited;
    ``removed``: sentences of the old body that no longer appear."""

    changed: list[tuple[int, int]]
    removed: list[str]

    @property
    def unchanged(self) -> bool:
        return not self.changed and not self.removed


def sentence_diff(old: str, new: str, language: str = "en") -> VersionDiff:
    old_sentences = split_sentences(old, language)
    new_sentences = split_sentences(new, language)
    matcher = SequenceMatcher(
        a=[_key(s) for s in old_sentences], b=[_key(s) for s in new_sentences], autojunk=False
    )
    changed: list[tuple[int, int]] = []
    removed: list[str] = []
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed += [(s.start, s.end) for s in new_sentences[new_from:new_to]]
        removed += [
            s.text
            for s in old_sentences[old_from:old_to]
            if tag == "delete" or not _edited_in_place(s, new_sentences[new_from:new_to])
        ]
    return VersionDiff(changed, removed)


def _key(sentence: Sentence) -> str:
    return " ".join(sentence.text.split())


def _edited_in_place(old: Sentence, replacements: list[Sentence]) -> bool:
    """Whether an old sentence survives as one of its replacements, only edited: the
    reviewer then sees it highlighted in the new text, and listing it as removed would
    report the change twice."""
    words = set(_key(old).lower().split())
    return any(len(words & set(_key(s).lower().split())) * 2 > len(words) for s in replacements)
