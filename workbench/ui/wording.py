"""Counts as a person writes them: "1 claim", "2 claims", "no claims"."""


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, plural unless it is one ("source" → "sources" unless a
    ``plural`` is given, as in "sentence looks" / "sentences look")."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {plural or noun + 's'}"
