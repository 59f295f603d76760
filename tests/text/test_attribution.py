"""Claimants proposed from the text: speaker turns, attribution cues, the sentence around."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from workbench.text.attribution import Attribution, attribute, proposed_claimant, speaker_name
from workbench.text.segment import split_sentences


def claimant_of(body: str, needle: str, language: str = "en") -> str | None:
    """The claimant ``attribute`` proposes for the sentence holding ``needle``; None when
    the text says it in its own voice."""
    start = body.index(needle)
    found = attribute(body, start, start + len(needle), language)
    return None if found is None else found.claimant


@pytest.mark.parametrize(
    ("needle", "outlet_or_claimant"),
    [
        # What a fact-checker would enter: the two claims the article makes in its own
        # voice are the outlet's, the plan's figure is von der Leyen's.
        ("valued at least at $6.2 billion", "TROIB News"),
        ("€800 billion plan", "Ursula von der Leyen"),
        ("U.S. invasion of Iraq in 2003", "TROIB News"),
    ],
)
def test_the_seed_articles_three_claims(
    seed_article: str, needle: str, outlet_or_claimant: str
) -> None:
    start = seed_article.index(needle)
    proposed = proposed_claimant(seed_article, start, start + len(needle), "en", "TROIB News")
    assert proposed == outlet_or_claimant


@pytest.mark.parametrize(
    ("needle", "claimant"),
    [
        ("coalition of the willing' to offer", "Kaja Kallas"),  # according to …
        ("detractors of Ukraine support, says Kallas", "Kaja Kallas"),  # …, says X
        ("Kallas revealed this information", "Kaja Kallas"),  # surname, full name elsewhere
        ("the situation is “increasingly difficult", "Kaja Kallas"),
        ("She explained that Brussels", "Kaja Kallas"),  # the previous sentence's speaker
        ("We are still striving", "Kaja Kallas"),  # words inside the quotation
        ("Moscow has consistently warned", "Moscow"),
        ("suggested that the EU could play a role", "Aleksandr Grushko"),  # titles dropped
        ("she did not provide specifics", None),
        ("British Prime Minister Keir Starmer", None),  # put forth by him: the article says so
        ("Donald Trump’s suspension of military aid", None),
        ("Hungary has indicated its intention", None),
    ],
)
def test_seed_article_sentences(seed_article: str, needle: str, claimant: str | None) -> None:
    assert claimant_of(seed_article, needle) == claimant


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("According to the European Commission, the fund holds €5 billion.", "European Commission"),
        ("The fund holds €5 billion, according to the Commission.", "Commission"),
        ("“We will win the vote,” said Kallas on Thursday.", "Kallas"),
        ("The EU’s spokesperson said the fund holds €5 billion.", "EU"),
        (
            "A spokesperson for the European Commission said the fund is empty.",
            "European Commission",
        ),
        ("Kremlin spokesman Dmitry Peskov told reporters the talks had failed.", "Dmitry Peskov"),
        (
            "Former US Ambassador to the United Nations Nikki Haley wrote on Twitter that "
            "the decision was a big mistake.",
            "Nikki Haley",
        ),
        ("Yesterday Kallas said the fund was empty.", "Kallas"),
        ("Angela Merkel, the former chancellor, said the budget had doubled.", "Angela Merkel"),
        # Attributed to someone the text does not name: empty, never a guess.
        ("Officials said the package is worth $6 billion.", ""),
        ("Farmers said prices rose by 40% in 2023.", ""),
        ("The statement also said US troops had defeated ISIS.", ""),
        ("Trump was said to be suffering minor symptoms.", ""),
        ("The minister told Reuters on Monday that prices had doubled.", ""),
        (
            "In December, a Turkish official said the pipeline was useless, "
            "the Daily Mail reported.",
            "",
        ),
        ("According to reports, the deal is worth $2 billion.", ""),
        # The text's own voice: capitalised words alone name nobody.
        ("In London, Big Ben struck noon as Parliament met on Monday.", None),
        ("The Paris Agreement was signed in 2015 by 196 parties.", None),
        ("Sixteen states sue President Trump over the emergency declaration.", None),
        ("The term is linked to unproven claims regarding weapons of mass destruction.", None),
        ("Against the emergency President Trump declared, sixteen states filed suit.", None),
        ("This blocking work must be continued.", None),
    ],
)
def test_hand_written_sentences(text: str, claimant: str | None) -> None:
    assert claimant_of(text, text) == claimant


def test_a_quotation_takes_the_speaker_named_where_it_closes() -> None:
    body = (
        '"ISIS is not defeated. The caliphate was destroyed, but thousands of fighters '
        'are left", Senator Lindsey Graham continued.\n\n'
        '"This impulsive decision has undone all the gains we made."'
    )
    assert claimant_of(body, "The caliphate was destroyed") == "Lindsey Graham"
    assert claimant_of(body, "This impulsive decision") == "Lindsey Graham"


def test_a_pronoun_without_a_named_speaker_before_it_is_left_empty() -> None:
    body = "The budget grew. He said it had doubled since 2020."
    assert claimant_of(body, "He said it had doubled") == ""


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("TRUMP", "Trump"),
        ("LESLEY STAHL", "Lesley Stahl"),
        ("O'MALLEY", "O'Malley"),
        ("MCELVEEN", "McElveen"),
        ("MR. SCHWAB", "Mr. Schwab"),
        ("Wayne Tseng", "Wayne Tseng"),
    ],
)
def test_speaker_labels_become_names(label: str, name: str) -> None:
    assert speaker_name(label) == name


TRANSCRIPT = """TRUMP: We have the best economy in history. Unemployment is at 3.5%.
It is the lowest in 50 years, Biden said so himself.
CLINTON: That is not true. Unemployment rose by 2% in 2019.
AUDIENCE: (APPLAUSE)
QUESTION: What about jobs, Mr. President?
TRUMP: We created six million jobs."""


@pytest.mark.parametrize(
    ("needle", "claimant"),
    [
        ("Unemployment is at 3.5%", "Trump"),
        ("the lowest in 50 years", "Trump"),  # a continuation line; Biden is only quoted
        ("Unemployment rose by 2%", "Clinton"),
        ("What about jobs", ""),  # a questioner the transcript does not name
        ("six million jobs", "Trump"),
    ],
)
def test_the_speaker_turn_is_the_claimant(needle: str, claimant: str) -> None:
    start = TRANSCRIPT.index(needle)
    assert attribute(TRANSCRIPT, start, start + len(needle)) == Attribution(
        claimant, "speaker turn"
    )


def test_a_note_line_is_no_turn_and_an_article_turn_ends_with_its_line() -> None:
    body = (
        "NOTE: This article was updated.\n"
        "The fund holds €5 billion.\n"
        "KALLAS: We need €5 billion more.\n"
        "The summit ends on Friday."
    )
    assert claimant_of(body, "This article was updated") is None
    assert claimant_of(body, "We need €5 billion more") == "Kallas"
    assert claimant_of(body, "The summit ends on Friday") is None


def test_other_languages_keep_turns_and_leave_attributed_claims_empty() -> None:
    body = "Laut Kallas stieg die Hilfe auf 6 Milliarden Euro. Die Inflation lag bei 5 Prozent."
    assert claimant_of(body, "Laut Kallas", "de") == ""
    assert claimant_of(body, "Die Inflation", "de") is None
    transcript = "MERZ: Die Steuern sinken.\nSCHOLZ: Das stimmt nicht.\nMERZ: Doch."
    assert claimant_of(transcript, "Das stimmt nicht", "de") == "Scholz"


# Real third-party text (research-only licences): skipped where it is absent.


def test_clef_debate_transcripts_attribute_every_line_to_its_speaker(eval_data: Path) -> None:
    """The CLEF-2019 test debates, rebuilt as transcripts (a turn where the speaker
    changes, continuation lines after it): every line goes to the speaker the data names
    (``SYSTEM``, ``QUESTION`` and ``AUDIENCE`` turns name nobody)."""
    path = eval_data / "checkworthiness" / "clef2019_t1_debates_test.csv"
    debates: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            debates[row["file_name"]].append(row)
    checked, wrong = 0, []
    for rows in debates.values():
        rows.sort(key=lambda row: int(row["line_number"]))
        lines, spans, previous = [], [], None
        offset = 0
        for row in rows:
            speaker = row["speaker"]
            if not re.fullmatch(r"[A-Z][A-Z.'’ -]{0,30}", speaker) or re.match(
                r"[A-Z][A-Z.'’ -]{0,30}:", row["text"]
            ):
                continue  # a sentence filed under a speaker, or one that opens a turn itself
            prefix = f"{speaker}: " if speaker != previous else ""
            line = prefix + row["text"]
            spans.append((offset + len(prefix), offset + len(line), speaker))
            lines.append(line)
            offset += len(line) + 1
            previous = speaker
        body = "\n".join(lines)
        for start, end, speaker in spans:
            expected = (
                "" if speaker in ("SYSTEM", "QUESTION", "AUDIENCE") else speaker_name(speaker)
            )
            found = attribute(body, start, end)
            checked += 1
            if found is None or found.claimant != expected:
                wrong.append((speaker, body[start:end], found))
    assert checked > 7000
    assert wrong == []


def test_a_wikinews_interview_carries_each_turn_to_its_answers(eval_data: Path) -> None:
    body = (
        eval_data / "articles" / "en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
    ).read_text(encoding="utf-8")
    assert claimant_of(body, "There are many current policies that are not working") == (
        "Wayne Tseng"
    )
    assert claimant_of(body, "Melbourne City council advocate to re-open") == "Wayne Tseng"
    assert claimant_of(body, "What are some of the current policies") == "WN"
    # Before the first turn the article speaks about him.
    assert claimant_of(body, "Tseng is of Chinese descent") is None


@pytest.mark.parametrize(
    ("needle", "claimant"),
    [
        ("in a statement delivered via the press secretary", "Donald Trump"),
        ("The statement was a surprise", "Kino Gabriel"),
        ("the SDF is largely made up of YPG militia", "BBC"),
        ("Turkey has an estimated two million Syrian refugees", "CNN"),
        ("We must always have the backs of our allies", "Nikki Haley"),
        ("The SDF suffered thousands of casualties", "Brett McGurk"),
        ("This is going to lead to ISIS' reemergence", "Lindsey Graham"),
        ("The biggest lie being told", "Lindsey Graham"),
        ("The PKK is banned in Turkey", None),
        ("The US had been allied with Kurdish groups", None),
    ],
)
def test_a_wikinews_article(eval_data: Path, needle: str, claimant: str | None) -> None:
    body = (eval_data / "articles" / "en-wikinews-2019-10-08-trump-syria-withdrawal.txt").read_text(
        encoding="utf-8"
    )
    assert claimant_of(body, needle) == claimant


def test_every_sentence_of_a_long_article_gets_an_answer(eval_data: Path) -> None:
    """No sentence of a 6,962-word interview makes the reader fail."""
    body = (
        eval_data / "articles" / "en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
    ).read_text(encoding="utf-8")
    for sentence in split_sentences(body):
        found = attribute(body, sentence.start, sentence.end)
        assert found is None or isinstance(found.claimant, str)
