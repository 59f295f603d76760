"""Who made a claim: the claimant a sentence's own text points to.

Accepting a suggestion used to leave the claimant empty, so a reviewer typed the name of
someone the text had just named. This module proposes it; the reviewer can change it.
The sources, most certain first:

1. **Speaker turns.** In a transcript (a line opening with ``TRUMP:``, or Wikinews'
   ``((Wayne Tseng))``) a sentence belongs to the last turn before it: "TRUMP" becomes
   "Trump", "O'MALLEY" "O'Malley". A transcript is what ``checkworthiness.guess_genre``
   calls one, or any text with :data:`CONVERSATION` turns or more (an interview inside
   an article); elsewhere only a line that opens with a turn counts.
2. **Attribution in English prose**, read with the quotations masked (a "said" inside a
   quote is the speaker's word, not the article's): "according to X", "X said / stated /
   told / warned …" (auxiliaries and adverbs between, one appositive skipped: "X, the
   bloc's chief, said"), "X's spokesperson said", "…, says X". Titles go ("Russian Deputy
   Foreign Minister Aleksandr Grushko" is "Aleksandr Grushko"), and a surname alone
   takes the fullest form the text uses ("Kallas" is "Kaja Kallas").
3. **The sentence around it.** "She explained …" takes the previous sentence's speaker; a
   sentence inside a quotation takes the speaker named where the quotation closes or
   opens ("…," Graham continued).

Never a guess from a capitalised word alone: a subject must stand right before a
speech verb, and one that is only capitalised because it opens the sentence must be a
name ("Officials said" names nobody). When the text says someone else made the claim
but not who (officials, a report, a long quotation with no speaker) the claimant is
empty; when it says nothing, the claim is the text's own (:func:`proposed_claimant`
then names the outlet). Other languages: speaker turns only, and their attribution
words (``checkworthiness`` knows them) leave the claimant empty.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from workbench.text.checkworthiness import SPEAKER_TURN, cue_flags, guess_genre
from workbench.text.segment import Sentence, split_sentences
from workbench.text.stop_words import ENGLISH

#: Turn lines from which a text is read as a conversation even when it is mostly prose.
CONVERSATION = 3


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who the text says made a claim, and the cue that says so. ``claimant`` is empty
    when the text attributes the claim to someone it does not name."""

    claimant: str
    cue: str


# Wikinews interviews open each turn with the speaker's name in double brackets.
_WIKI_TURN = re.compile(r"^[ \t]*\(\((?P<speaker>[^()\n]{1,60})\)\)", re.M)
#: Labels that look like a speaker turn but open a note, not a turn.
_NOT_TURNS = frozenset(
    {"NOTE", "UPDATE", "UPDATED", "CORRECTION", "EDITOR'S NOTE", "EDITOR’S NOTE", "SOURCE"}
    | {"SOURCES", "PHOTO", "VIDEO", "WATCH", "READ MORE", "RELATED", "BREAKING", "WARNING"}
    | {"DISCLAIMER", "TRANSCRIPT", "EDITOR", "EDITORS"}
)
#: Turns of someone the transcript does not name.
_UNNAMED_SPEAKERS = frozenset(
    {"SYSTEM", "QUESTION", "ANSWER", "AUDIENCE", "AUDIENCE MEMBER", "AUDIENCE MEMBERS"}
    | {"UNIDENTIFIED MALE", "UNIDENTIFIED FEMALE", "UNIDENTIFIED", "UNKNOWN", "CROWD"}
    | {"Q", "A", "VOICE", "VOICES", "NARRATOR"}
)

_SPEECH_VERBS = (
    "said|says|stated|states|told|tells|warned|warns|claimed|claims|argued|argues|insisted"
    "|insists|acknowledged|acknowledges|admitted|admits|revealed|reveals|announced|announces"
    "|confirmed|confirms|denied|denies|added|adds|explained|explains|noted|notes|wrote|writes"
    "|tweeted|tweets|posted|suggested|suggests|asserted|asserts|stressed|stresses"
    "|emphasi[sz]ed|emphasi[sz]es|predicted|predicts|estimated|estimates"
    "|reported|reports|alleged|alleges|promised|promises|pledged|pledges|boasted|boasts"
    "|replied|replies|responded|responds|urged|urges|continued|continues|spoke|speaks"
    "|accused|accuses|introduced|introduces|unveiled|unveils|presented|presents|proposed"
    "|proposes|testified|testifies|contended|contends|maintained|maintains|countered"
    "|counters|conceded|concedes|recalled|recalls|critici[sz]ed|critici[sz]es|quoted|defended|defends"
)
_SPEECH = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
#: Verbs that may come before their subject: "…, says Kallas" ("told" may not: "the
#: minister told Reuters" names the listener).
_INVERTED = frozenset(
    "said says added adds continued continues wrote writes explained explains noted notes"
    " stated insisted argued warned acknowledged claimed".split()
)
#: Speech verbs that are never nouns or adjectives: an unnamed subject before one of them
#: ("Officials said") attributes the claim to someone the text does not name.
_PLAIN_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|stated|warned|warns|claimed|argued|insisted|acknowledged"
    r"|admitted|revealed|announced|confirmed|denied|added|explained|wrote|writes|tweeted"
    r"|asserted|stressed|predicted|replied|responded|urged|testified|contended"
    r"|conceded)\b"
)
_ACCORDING_TO = re.compile(r"\b[Aa]ccording to\s+")
#: "X's spokesperson said": the representative speaks for X.
_REPRESENTATIVE = re.compile(
    r"['’]s\s+(?:chief\s+|top\s+|foreign\s+|press\s+)?(?:spokes(?:person|man|woman)"
    r"|representatives?|press\s+(?:secretary|office)|office|ministry|government|lawyers?"
    r"|attorneys?|campaign)\s+$"
)
#: "a spokesperson for X said": forward from here.
_SPOKESPERSON_FOR = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+spokes(?:person|man|woman)\s+(?:for|of)\s+(?:the\s+)?"
)
#: Words between a subject and its speech verb: "Moscow has consistently warned".
_BETWEEN = frozenset(
    "has have had was were is are also then later again once still even already never"
    " earlier previously repeatedly consistently publicly privately reportedly".split()
)
_PRONOUNS = frozenset({"he", "she", "they", "it"})
#: "X was said to": someone else said it of X.
_PASSIVE = frozenset({"was", "were", "is", "are", "be", "been", "being"})
_REPORTED = frozenset({"said", "reported", "claimed", "alleged", "estimated", "stated"})
#: Verbs that attribute only when they close the clause ("…,” Graham continued.").
_CLOSING_VERBS = frozenset({"continued", "continues"})
_CLOSING = re.compile(r"\s*(?:[,.;:!?“\"]|$)")

# A word that may be part of a name: "Kallas", "U.S.", "J.", "O'Rourke", "al-Assad".
_NAME_WORD = re.compile(r"(?:[A-Z]\.(?:[A-Z]\.)+|[A-Z]\.|(?:al-|el-)?[A-Z][\w'’-]*)$")
_LAST_WORD = re.compile(r"(\S+)\s*$")
#: After "…, says Kallas": the clause ends ("said US troops would" is no attribution).
_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?]|$|(?:on|in|at|during|after|before|when|while|who)\b)")
#: Lower-case words inside names: "Ursula von der Leyen", "Bank of England".
_PARTICLES = frozenset("von van der den de da di du del la le al bin ibn ben".split())
_CONNECTORS = frozenset({"of", "for", "to"})
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March July"
    " September October November December".split()
)
#: Titles before a person's name (compared lower-cased, without a final full stop).
_TITLES = frozenset(
    "president vice prime minister deputy secretary chancellor senator sen rep"
    " representative congressman congresswoman governor gov mayor chief spokesperson"
    " spokesman spokeswoman director commissioner ambassador envoy general gen colonel"
    " chairman chairwoman chair ceo leader king queen prince princess pope judge justice"
    " mr mrs ms dr prof professor sheikh foreign defence defense finance interior economy"
    " health head candidate mp official diplomat former acting speaker attorney lawyer"
    " premier president-elect chairperson adviser advisor economist analyst researcher"
    " commander officer minister-president".split()
)
#: Words ending an organisation's name, after which a person's name may follow
#: ("Former US Ambassador to the United Nations Nikki Haley").
_ORGANISATION_ENDS = frozenset(
    "nations states union commission council department ministry office bank fund"
    " organization organisation party committee agency republic kingdom house senate"
    " congress parliament assembly court police army forces government administration"
    " institute university association federation service reserve board authority state"
    " kremlin".split()
)
#: Subjects capitalised only because they open the sentence: they name nobody.
_GENERIC_SUBJECTS = frozenset(
    "officials official experts expert critics analysts sources source police authorities"
    " residents witnesses scientists researchers studies study data polls poll survey"
    " investigators prosecutors doctors economists observers opponents supporters"
    " lawmakers legislators diplomats protesters activists campaigners government ministry"
    " company report statement spokesperson spokesman spokeswoman agency court judge"
    " opposition administration department military army party union people everyone"
    " nobody someone others many most several both all some one reporters journalists"
    " media documents document figures estimates analysis two three four five six seven"
    " eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen"
    " nineteen twenty thirty forty fifty hundreds thousands millions dozens".split()
)
#: Capitalised words that open a sentence and are no name ("Yesterday Kallas said").
_OPENERS = frozenset(
    "without yesterday today tonight meanwhile earlier later separately instead despite"
    " although though however still now since unlike like amid following according"
    " elsewhere overall nevertheless nonetheless moreover furthermore additionally finally"
    " first second last recently currently previously ultimately initially apparently"
    " reportedly next this that".split()
)
#: Words before a name that make it the subject: "Greek daily Kathimerini said".
_DESCRIPTORS = frozenset(
    "daily newspaper broadcaster outlet agency magazine network channel group firm company"
    " organisation organization party think-tank website paper tabloid weekly".split()
)
_QUOTE_OPENERS = "“„«"
_QUOTE_CLOSERS = {"“": "”", "„": "“", "«": "»"}
#: Quoted words from which a quotation is someone's speech, not a phrase in scare quotes
#: (the seed article's “coalition of the willing” has four).
_SPEECH_QUOTE_WORDS = 6
_WORD = re.compile(r"\w+")
#: Longest appositive skipped between a subject and its verb ("X, who was …, said").
_APPOSITIVE_WORDS = 20
#: Words of its own (outside quotation marks) up to which a quoted sentence takes its
#: speaker from the sentences around it: "…,” Graham continued." has two.
_ASIDE_WORDS = 3
#: How many sentences away a pronoun or a quotation looks for its speaker.
_HOPS = 3


def proposed_claimant(
    body: str, start: int, end: int, language: str = "en", outlet: str = ""
) -> str:
    """The claimant to fill in for the claim at ``body[start:end]``: whom the text
    attributes it to; empty when it attributes it to someone unnamed; ``outlet`` when the
    text says it in its own voice (the publication makes the claim)."""
    found = attribute(body, start, end, language)
    return outlet.strip() if found is None else found.claimant


def attribute(body: str, start: int, end: int, language: str = "en") -> Attribution | None:
    """Who the text says made the claim at ``body[start:end]`` (see the module docstring);
    None when the text says it in its own voice."""
    turn = _speaker_turn(body, start)
    if turn is not None:
        return turn
    sentences = split_sentences(body, language)
    touched = [
        i for i, s in enumerate(sentences) if s.start < max(end, start + 1) and start < s.end
    ]
    if not touched:
        return None
    if language.lower()[:2] != "en":
        text = body[sentences[touched[0]].start : sentences[touched[-1]].end]
        return (
            Attribution("", "attribution")
            if cue_flags(text, language)[0].get("attribution")
            else None
        )
    return _Reader(body, sentences).sentence(touched[0], touched[-1])


def speaker_name(label: str) -> str:
    """A transcript's speaker label as a name: "TRUMP" → "Trump", "O'MALLEY" → "O'Malley",
    "MCELVEEN" → "McElveen"; a label already in mixed case stays as written."""
    label = " ".join(label.split())
    if label != label.upper():
        return label
    return " ".join(_capitalised(word) for word in label.split(" "))


def _capitalised(word: str) -> str:
    """One word of a label in capitals, each part after an apostrophe or hyphen too."""
    return "".join(
        "Mc" + piece[2:].capitalize()
        if len(piece) > 3 and piece.startswith("MC")
        else piece.capitalize()
        for piece in re.split(r"(['’-])", word)
    )


@lru_cache(maxsize=16)
def _turns(body: str) -> tuple[tuple[tuple[int, str, bool], ...], bool]:
    """Speaker turns as (offset, label, written in capitals), in text order, and whether
    the text is a conversation (cached: a transcript's lines are attributed one by one)."""
    turns = [
        (m.start(), m["speaker"].strip(), True)
        for m in SPEAKER_TURN.finditer(body)
        if m["speaker"].strip() not in _NOT_TURNS
    ]
    turns += [(m.start(), m["speaker"].strip(), False) for m in _WIKI_TURN.finditer(body)]
    conversation = len(turns) >= CONVERSATION or guess_genre(body) == "transcript"
    return tuple(sorted(turns)), conversation


def _speaker_turn(body: str, start: int) -> Attribution | None:
    """The turn the offset ``start`` is spoken in: the last one before it in a
    conversation, else only a turn opening its own line."""
    turns, conversation = _turns(body)
    before = bisect_right(turns, start, key=lambda turn: turn[0])
    if not before:
        return None
    offset, label, capitals = turns[before - 1]
    if not conversation and body.rfind("\n", 0, start) >= offset:
        return None  # a turn on an earlier line of a text that is not a conversation
    if label.upper() in _UNNAMED_SPEAKERS:
        return Attribution("", "speaker turn")
    return Attribution(speaker_name(label) if capitals else label, "speaker turn")


class _Reader:
    """Attribution of the sentences of one English text, with its quotations masked."""

    def __init__(self, body: str, sentences: Sequence[Sentence]) -> None:
        self.body = body
        self.sentences = sentences
        self.quoted = _quoted_regions(body)

    def sentence(self, first: int, last: int, *, depth: int = 0) -> Attribution | None:
        """Sentences ``first``..``last`` (indexes), read as one."""
        start, end = self.sentences[first].start, self.sentences[last].end
        prose = self._masked(start, end)
        found = _named_in(prose, self.body)
        if found is not None and found.cue != "pronoun":
            return found
        if depth < _HOPS and (found is not None or self._inside_quotation(start, end)):
            # "She explained …", or a sentence of a quotation: the speaker is named around it.
            around = self._around(first, last, depth)
            if around is not None:
                return around
            return Attribution("", found.cue if found is not None else "quotation")
        if self._speech_quoted(start, end):
            return Attribution("", "quotation")
        return _unnamed_in(prose)

    def _around(self, first: int, last: int, depth: int) -> Attribution | None:
        """The speaker named where a quotation covering these sentences closes or opens,
        else in the previous sentence."""
        start, end = self.sentences[first].start, self.sentences[last].end
        candidates: list[int | None] = []
        for q_start, q_end in self.quoted:
            if q_start < end and start < q_end:
                candidates += [self._index_at(q_end), self._index_at(q_start)]
        if first > 0:
            candidates.append(first - 1)
        for index in dict.fromkeys(candidates):
            if index is None or first <= index <= last:
                continue
            found = self.sentence(index, index, depth=depth + 1)
            if found is not None and found.claimant:
                return found
        return None

    def _index_at(self, offset: int) -> int | None:
        return next((i for i, s in enumerate(self.sentences) if s.start <= offset <= s.end), None)

    def _masked(self, start: int, end: int) -> str:
        """``body[start:end]`` with quoted text blanked (offsets kept)."""
        chars = list(self.body[start:end])
        for q_start, q_end in self.quoted:
            for i in range(max(q_start, start), min(q_end, end)):
                chars[i - start] = " "
        return "".join(chars)

    def _quoted_words(self, start: int, end: int) -> tuple[int, int]:
        """(words inside quotations, all words) of ``body[start:end]``."""
        text = self.body[start:end]
        masked = self._masked(start, end)
        total = len(_WORD.findall(text))
        return total - len(_WORD.findall(masked)), total

    def _inside_quotation(self, start: int, end: int) -> bool:
        """The sentence is a quotation with at most a short aside of its own, so its
        speaker is named around it ("Trump defended his decision, “…”" is not: it
        names its own subject, whom the cues may not recognise)."""
        quoted, total = self._quoted_words(start, end)
        return quoted > 0 and total - quoted <= _ASIDE_WORDS

    def _speech_quoted(self, start: int, end: int) -> bool:
        return self._quoted_words(start, end)[0] >= _SPEECH_QUOTE_WORDS


def _quoted_regions(body: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (“…”, „…“, «…», "…"), paired within a paragraph; a
    quotation left open runs to the paragraph's end."""
    regions: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", body):
        closer: str | None = None
        opened = 0
        for i, char in enumerate(paragraph.group(), paragraph.start()):
            if closer is None and (char in _QUOTE_OPENERS or char == '"'):
                closer, opened = _QUOTE_CLOSERS.get(char, '"'), i
            elif closer is not None and char == closer:
                regions.append((opened, i + 1))
                closer = None
        if closer is not None:
            regions.append((opened, paragraph.end()))
    return regions


def _named_in(prose: str, body: str) -> Attribution | None:
    """Whom a sentence's unquoted text attributes it to: a name, "" for someone unnamed
    ("a Turkish official said"), cue "pronoun" for "she explained" (resolved from the
    sentences around it); None when no cue fires. The first speech verb with a subject
    decides: in "an official said …, the Cyprus Mail reported" the official spoke."""
    for pattern, cue in ((_ACCORDING_TO, "according to"), (_SPOKESPERSON_FOR, "spokesperson")):
        for match in pattern.finditer(prose):
            name = _person(_run_after(prose[match.end() :])[0])
            if name:
                return Attribution(_fullest(name, body), cue)
    for verb in _SPEECH.finditer(prose):
        found = _subject_of(prose, verb, body)
        if found is None and verb.group() in _INVERTED:
            found = _named_after_verb(prose[verb.end() :], body)
        if found is None and _PLAIN_SPEECH.fullmatch(verb.group()):
            found = _unnamed_subject(prose, verb)
        if found is not None:
            return found
    return None


def _unnamed_subject(prose: str, verb: re.Match[str]) -> Attribution | None:
    """ "Officials said", "the report said": a plain word as the subject of a speech verb
    that is never a noun (so "unproven claims" is no attribution)."""
    last = _LAST_WORD.search(_skip_between(prose[: verb.start()]))
    if last is not None and last[1].isalpha() and last[1].lower() not in ENGLISH:
        return Attribution("", verb.group())
    return None


def _unnamed_in(prose: str) -> Attribution | None:
    """ "According to reports": attributed to someone the text does not name."""
    return Attribution("", "according to") if _ACCORDING_TO.search(prose) else None


def _skip_adverbs(text: str) -> str:
    """``text`` without the adverbs that end it ("was widely")."""
    while (last := _LAST_WORD.search(text)) is not None and (
        last[1].islower() and last[1].endswith("ly")
    ):
        text = text[: last.start()]
    return text


def _skip_between(text: str) -> str:
    """``text`` without the auxiliaries and adverbs that end it ("has consistently")."""
    while (last := _LAST_WORD.search(text)) is not None and (
        last[1] in _BETWEEN or (last[1].islower() and last[1].endswith("ly"))
    ):
        text = text[: last.start()]
    return text


def _subject_of(prose: str, verb: re.Match[str], body: str) -> Attribution | None:
    """The named subject right before a speech verb: "Kallas stated", "Russian Deputy
    Foreign Minister Aleksandr Grushko suggested", "X's spokesperson said"."""
    before = _skip_between(prose[: verb.start()])
    last = _LAST_WORD.search(_skip_adverbs(prose[: verb.start()]))
    if last is not None and last[1].lower() in _PASSIVE and verb.group() != "quoted":
        # "Trump was said to be suffering": someone unnamed said it; "work must be
        # continued" is no attribution. "X was quoted as saying" names X.
        return Attribution("", "passive") if verb.group() in _REPORTED else None
    if verb.group() in _CLOSING_VERBS and not _CLOSING.match(prose, verb.end()):
        return None  # "Democrats continued to attack", unlike "…,” Graham continued."
    last = _LAST_WORD.search(before)
    if last is not None and last[1].lower() in _PRONOUNS:
        return Attribution("", "pronoun")
    represented = _REPRESENTATIVE.search(before)
    if represented is not None:
        name = _name_before(before[: represented.start()], body, subject=True)
        return Attribution(_fullest(name, body), "spokesperson") if name else None
    name = _name_before(_without_appositive(before), body, subject=True)
    return Attribution(_fullest(name, body), verb.group()) if name else None


def _without_appositive(before: str) -> str:
    """ "X, the bloc's chief, " → "X"; "X (SDF) " → "X"; else as it is."""
    text = re.sub(r"\s*\([^()]{1,60}\)$", "", before.rstrip())
    if text.endswith(","):
        inner = text[:-1].rfind(",")
        if inner > 0 and len(text[inner:].split()) <= _APPOSITIVE_WORDS:
            return text[:inner]
    return text


def _named_after_verb(after: str, body: str) -> Attribution | None:
    """ "…, says Kallas" and "…,” said Kaja Kallas on Thursday": a name right after the
    verb that ends the clause (so "said US troops would …" names nobody)."""
    words, end = _run_after(after)
    name = _person(words)
    if not name or not _CLAUSE_END.match(after[end:]):
        return None
    return Attribution(_fullest(name, body), "said")


def _run_after(text: str) -> tuple[list[str], int]:
    """The capitalised words that open ``text`` on its first line (after a "the"), and
    where they end in ``text``."""
    run: list[str] = []
    end = 0
    words = list(re.finditer(r"\S+", text.split("\n", 1)[0]))
    if words and words[0].group().lower() == "the":
        words = words[1:]
    for i, match in enumerate(words):
        word = match.group()
        bare = word.rstrip(',.;:!?)”’"')
        if bare.endswith(("'s", "’s")):
            break
        following = words[i + 1].group() if i + 1 < len(words) else ""
        if _is_name_word(bare) or (run and _joins(bare) and _is_name_word(following)):
            run.append(bare)
            end = match.start() + len(bare)
            if bare != word:
                break
            continue
        break
    while run and not _is_name_word(run[-1]):
        run.pop()
    return run, end


def _name_before(before: str, body: str, *, subject: bool) -> str:
    """The name that ends ``before``, titles dropped; "" when there is none. A capitalised
    word that only opens a sentence is no name ("Officials"; "Yesterday Kallas" is
    "Kallas"). As a ``subject`` (``before`` is the sentence up to a speech verb) the name
    must open the main clause: the sentence, a clause after a comma, or a role ("the
    commissioner Albert Muchanga"), so "…against the emergency Trump declared" is not
    Trump's claim."""
    words = before.rsplit("\n", 1)[-1].split()
    first = len(words)
    while first > 0:
        word = words[first - 1]
        if word[-1:] in ",;:)(" or word.endswith(("'s", "’s")):
            break
        if not (_is_name_word(word) or (_joins(word) and _name_precedes(words, first - 1))):
            break
        first -= 1
    while first < len(words) and not _is_name_word(words[first]):
        first += 1
    run, context = words[first:], words[:first]
    if len(run) == 1 and _opens_sentence(context) and not _known_name(run[0], body):
        if not _proper(run[0]):
            return ""
    if not run or (subject and not _opens_clause(context)):
        return ""
    return _person(run)


def _opens_sentence(context: list[str]) -> bool:
    return not context or context[-1][-1:] in '.!?"”'


def _opens_clause(context: list[str]) -> bool:
    """The words before a subject leave it the subject of the main clause."""
    while context and context[-1].lower() in ("the", "a", "an"):
        context = context[:-1]
    if all(word.lower().strip(",") in _OPENERS for word in context):
        return True  # "Yesterday Kallas said"
    last = context[-1]
    return last[-1:] in ",;:—–" or last.lower() in _TITLES or last.lower() in _DESCRIPTORS


def _known_name(word: str, body: str) -> bool:
    """The text writes ``word`` capitalised inside a sentence too ("according to Kaja
    Kallas"), so it is a name even where it opens one."""
    return re.search(rf"[\w,;:] {re.escape(word)}(?![\w-])", body) is not None


def _name_precedes(words: list[str], i: int) -> bool:
    """A name word comes before the particles ending at ``words[i]`` ("Ursula von der")."""
    while i > 0 and _joins(words[i - 1]):
        i -= 1
    return i > 0 and _is_name_word(words[i - 1])


def _proper(word: str) -> bool:
    """A single capitalised word opening a sentence, which the text writes nowhere else
    capitalised, is a name unless it is a generic subject ("Officials", "Sixteen") or
    looks like a plural ("Farmers")."""
    lowered = word.lower()
    if lowered in _GENERIC_SUBJECTS:
        return False
    return not lowered.endswith("s") or lowered.endswith("ss") or word.isupper()


def _is_name_word(word: str) -> bool:
    """Capitalised, and not a function word opening a clause ("The", "In", "He")."""
    if not _NAME_WORD.match(word) or word.rstrip(".") in _NOT_NAMES:
        return False
    if len(word) == 1:
        return False  # "I", "A"; an initial keeps its full stop ("J.")
    return not (word[1:].islower() and (word.lower() in ENGLISH or word.lower() in _OPENERS))


def _joins(word: str) -> bool:
    return word in _PARTICLES or word in _CONNECTORS or word == "the"


def _person(words: list[str]) -> str:
    """A name without the titles before it: "British Prime Minister Keir Starmer" →
    "Keir Starmer", "United Nations Nikki Haley" → "Nikki Haley", "President Abdel Fattah
    el-Sisi of Egypt" → "Abdel Fattah el-Sisi"; an organisation's name ("European
    Commission", "US Department of Agriculture") stays whole."""
    cut = 0
    titled = False  # a title followed by "of": "Director of National Intelligence John …"
    for i, word in enumerate(words[:-1]):
        key = word.lower().rstrip(".")
        rest = words[i + 1 :]
        if rest[0] in _CONNECTORS or rest[0] == "the":
            titled = titled or key in _TITLES
            continue
        if all(w.lower() in _ORGANISATION_ENDS for w in rest):
            continue  # "Justice Department"
        if key in _TITLES or (key in _ORGANISATION_ENDS and len(rest) >= 2):
            cut = i + 1
    if titled and not cut:
        cut = max(0, len(words) - 2)
        while cut > 0 and _joins(words[cut]):
            cut -= 1  # "… Ursula von der Leyen"
    name = words[cut:]
    while name and _joins(name[0]):
        name = name[1:]
    if cut and any(word in _CONNECTORS for word in name):
        name = name[: min(name.index(word) for word in _CONNECTORS if word in name)]
    return " ".join(name)


def _fullest(name: str, body: str) -> str:
    """A one-word name as the text writes it most fully: "Kallas" → "Kaja Kallas" when the
    text says "according to Kaja Kallas" somewhere (titles dropped; at most three words,
    particles aside: "Senate" does not become "West Virginia Republican Senate")."""
    if not name or " " in name:
        return name
    best = name
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", body):
        line = body.rfind("\n", 0, match.start()) + 1
        longer = _name_before(body[line : match.end()], body, subject=False)
        words = [word for word in longer.split() if not _joins(word)]
        if len(best.split()) < len(longer.split()) and len(words) <= 3:
            best = longer
    return best
