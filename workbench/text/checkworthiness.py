"""Suggest the sentences of an article that are worth fact-checking, and say why.

Two parts with two jobs. The *cues* explain: money, percentages, dates,
comparisons, attribution, past events, names, and the penalties (questions, very
short sentences, first-person opinion and promises) are visible flags, and the
ones that fired become a suggestion's reasons ("money amount: $6.2 billion").
The *ranker* orders: for English, a logistic regression over TF-IDF word 1–2-grams
plus those same cue flags and a few it alone weighs (``_MODEL_ONLY``), trained on
the public CLEF train files (``workbench/text/checkworthiness_model.py`` reads it,
``model_training.py`` fits it; docs/decisions/0012-learned-check-worthiness.md has
the figures). A newsroom can train its own on top (``workbench/model_registry.py``);
callers with a database session pass that one as ``ranker``.

When no learned model is usable (other languages, or a missing or corrupt
artefact) the cues rank on their own with hand-rounded weights (fitted the same
way, on the same training files), and a missing or corrupt artefact says so in
``Ranking.warning``.

Cue words exist for English, German, Ukrainian and Arabic; other languages use
the language-neutral cues (numbers, money, dates, punctuation) plus English words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from workbench.text.amounts import scan
from workbench.text.checkworthiness_model import GENRES, LearnedRanker, shipped_ranker
from workbench.text.lexicon import Lexicon, Words
from workbench.text.segment import split_sentences

REASONS = {
    "money": "money amount",
    "pct": "percentage",
    "num": "other number",
    "date": "year or date",
    "comparison": "comparison or superlative",
    "attribution": "attribution",
    "past": "past event",
}

#: How each kind of reason reads on a page, and whether its words are quoted (a word
#: such as "said" is quoted; an amount such as "$6.2 billion" reads as it is). The reasons
#: themselves keep the "kind: words" form of :data:`REASONS`: claims store them, the CSV
#: report exports them and ``workspace.suggested_type`` reads the kind, so only the
#: wording shown to a person changes, claims stored earlier included.
_READABLE = {
    REASONS["money"]: ("a sum of money", False),
    REASONS["pct"]: ("a percentage", False),
    REASONS["num"]: ("a number", False),
    REASONS["date"]: ("a year or date", False),
    REASONS["comparison"]: ("a comparison", True),
    REASONS["attribution"]: ("who said it", True),
    REASONS["past"]: ("an event in the past", True),
}

# With the cue rules alone, sentences scoring at least this are suggested. Chosen on
# the training files as the threshold with the best F2 (recall counts double): a
# missed claim costs a fact-checker more than a suggestion they dismiss with one click.
SUGGESTED = 0.45

#: Shown when the learned model cannot be read and the cue rules rank instead.
FALLBACK_WARNING = (
    "The check-worthiness model could not be loaded, so suggestions come "
    "from the simpler cue rules; ask an administrator to check it."
)

#: A speaker turn in a transcript: "TRUMP:", "MR. BIDEN:", "Q:" at the start of a line
#: (``speaker`` is the label; ``workbench/text/attribution.py`` makes it the claimant).
SPEAKER_TURN = re.compile(r"^[ \t]*(?P<speaker>[A-Z][A-Z.'’ -]{0,30}):", re.M)
_LINE_START = re.compile(r"^[ \t]*\S", re.M)


def _lexicons(words: dict[str, str]) -> dict[str, Lexicon]:
    """One ``Lexicon`` per language, for lower-cased text (``re.I`` over forty alternatives
    made the cues twice as slow). Arabic writes "and"/"so" (و/ف) joined to the next word."""
    return {
        lang: Lexicon.of(entries, clitics="وف" if lang == "ar" else "")
        for lang, entries in words.items()
    }


_COMPARISON = _lexicons(
    {
        "en": "more than|less than|fewer than|largest|biggest|highest|lowest|greatest|smallest"
        "|fastest|worst|best|most|least|record|doubled|tripled|twice|half|increased|increase"
        "|decreased|decrease|rose|risen|fell|grew|dropped|declined|cut|since|compared|higher"
        "|lower|larger|bigger|only|every|never|first|last",
        "de": "mehr als|weniger als|höchste|höchsten|höchstem|höchster|höchstes|größte|größten"
        "|größtem|größter|größtes|niedrigste|niedrigsten|niedrigstem|niedrigster|niedrigstes"
        "|rekord*|verdoppelt|gestiegen|gesunken|seit|erstmals|doppelt|hälfte|nur|mehr|weniger",
        "uk": "більше|менше|найбільш*|найвищ*|найнижч*|рекорд*|вдвічі|зріс|зросла|зросли|впав"
        "|впала|з часів|відколи|вперше|лише",
        "ar": "أكثر من|أقل من|أكبر|أعلى|أدنى|أول|رقم قياسي|ضعف|منذ|ارتفع*|انخفض*|فقط",
    }
)
_ATTRIBUTION = _lexicons(
    {
        "en": "said|says|according to|claimed|claims|stated|told|reported|announced|revealed"
        "|acknowledged|warned|insisted|argued|confirmed|denied",
        "de": "sagte|sagt|laut|erklärte|berichtet*|betonte|kündigte|teilte|zufolge|meinte",
        "uk": "заявив|заявила|заявили|за словами|сказав|сказала|повідомив|повідомила"
        "|повідомили|наголосив|за даними",
        "ar": "قال|قالت|وفقا|وفقاً|بحسب|حسب|أعلن*|صرح|أكد*|ذكر*",
    }
)
_PAST = _lexicons(
    {
        "en": "in 19##|in 20##|since 19##|since 20##|by 19##|by 20##|during 19##|during 20##"
        "|until 19##|until 20##|invasion|invaded|war|founded|elected|voted|signed|passed"
        "|supported|opposed|approved|established|attacked|killed|was|were|had|did|lost"
        "|created|built|raised|spent|took|gave|became",
        "de": "im jahr 19##|im jahr 20##|seit 19##|seit 20##|bis 19##|bis 20##|invasion|krieg*"
        "|gegründet|gewählt|war|waren|hatte|hatten|wurde|wurden|stimmte|unterzeichnet",
        "uk": "в 19##|в 20##|у 19##|у 20##|з 19##|з 20##|вторгнення|війн*|засновано|обрано|був"
        "|була|були|було",
        "ar": "في 19##|في 20##|عام 19##|عام 20##|منذ 19##|منذ 20##|غزو|حرب|الحرب|تأسس*|كان|كانت",
    }
)
_OPINION = _lexicons(
    {
        "en": "i think|i believe|i feel|i want|i hope|i'm going to|i am going to|i will|we will"
        "|we'll|we're going to|we need|we must|we should|let me|let's|thank you|thanks"
        "|i'd like|i would|you know|of course|my friend",
        "de": "ich glaube|ich denke|ich finde|ich hoffe|ich will|wir werden|wir müssen|danke",
        "uk": "я думаю|я вважаю|я вірю|я хочу|ми будемо|ми повинні|ми маємо|дякую",
        "ar": "أعتقد|أظن|أتمنى|سوف|شكرا|شكراً",
    }
)
_NUMBER_WORD = _lexicons(
    {
        "en": "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
        "|fifty|sixty|seventy|eighty|ninety|hundreds|hundred|thousands|thousand|millions"
        "|million|billions|billion|trillions|trillion|dozens|dozen",
        "de": "zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|hundert*|tausend*|million*"
        "|milliarde*|hälfte|dutzend*",
        "uk": "два|дві|три|чотири|п'ять|шість|сім|вісім|дев'ять|десять|сот*|тисяч*|мільйон*"
        "|мільярд*|половин*",
        "ar": "اثنان|ثلاث*|أربع*|خمس*|عشر*|مائة|مئات|ألف|آلاف|مليون|ملايين|مليار*|نصف",
    }
)
_STATISTIC = _lexicons(
    {
        "en": "jobs|job|taxes|tax|deficit|debt|budget|unemployment|rates|rate|wages|income"
        "|costs|cost|prices|price|spending|gdp|growth|inflation|crime|deaths|population|votes"
        "|polls|poll|law|bill|troops|economy",
        "de": "steuer*|defizit|schulden|haushalt|arbeitslos*|kosten|preis*|wachstum|inflation"
        "|gesetz|stimmen|umfrage*|wirtschaft",
        "uk": "податк*|дефіцит*|борг*|бюджет*|безробітт*|цін*|економік*|закон*|військ*|втрат*",
        "ar": "ضرائب|عجز|ديون|ميزانية|البطالة|أسعار|اقتصاد*|قانون|خسار*|أرباح",
    }
)
_THIRD_PERSON = Lexicon.of("he|she|they|you|it", then=r"(?: \w+)? (?:\w+ed|has|had|was|were|did)\b")
#: Matched against the sentence as written: "I", never "i"; "my", not "My".
_FIRST_PERSON = Lexicon.of("I|I'm|I've|I'll|me|my", as_written=True)
_MODAL = Lexicon.of("will|would|should|could|can|might|must|going to|gonna")
_NAME = re.compile(r"(?<=[\w,;:] )[A-Z][a-z]+|\b[A-Z]{2,}\b")
# English cues that only the learned model weighs (the cue rules predate them), for the
# broad "factual claim" sense of news prose: each raised the development debates'
# precision at an article's share of claims (docs/decisions/0012). Each is a word list and
# a symbol that counts wherever it stands ("%", "$"); "digits" is any digit.
_DIGIT = re.compile(r"\d")
_MODEL_ONLY = {
    "change": (
        Lexicon.of(
            "more|less|fewer|higher|lower|than|increase*|decrease*|doubl*|cut|raise*|rais*"
            "|grow*|grew"
        ),
        "",
    ),
    "absolute": (
        Lexicon.of(
            "first|most|largest|biggest|highest|lowest|worst|best|only|record|never|every|all"
            "|none|nobody|always"
        ),
        "",
    ),
    "percent_mention": (Lexicon.of("percent*|per cent*"), "%"),
    "amount_mention": (Lexicon.of("dollar|dollars|billion*|million*|trillion*"), "$"),
}

# Logistic-regression weights of the cue rules (see module docstring) over 0/1 flags.
_WEIGHTS = {
    "money": 1.71,
    "pct": 1.42,
    "num": 0.79,
    "number_word": 0.54,
    "date": 0.07,
    "comparison": 0.54,
    "attribution": 0.58,
    "past": 0.38,
    "past_suffix": 0.53,
    "name": 0.33,
    "statistic": 0.71,
    "third_person": 0.3,
    "long": 0.16,
    "question": -0.96,
    "short": -0.46,
    "opinion": -0.66,
    "first_person": -0.27,
    "modal": -0.29,
}
_BIAS = -1.4
#: The names of the cue flags, in the order the learned model's training uses them.
CUES = tuple(sorted({*_WEIGHTS, *_MODEL_ONLY, "digits"}))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A sentence worth checking: ``quote == body[start:end]``, ``score`` in 0..1;
    ``suggested`` is False for a sentence below the cut-off (only in a full ranking)."""

    start: int
    end: int
    quote: str
    score: float
    reasons: tuple[str, ...]
    suggested: bool = True


class Ranker(Protocol):
    """What orders sentences: a learned model or the cue rules (frozen, so the attributes
    are read-only; hashable, since rankings are cached per ranker)."""

    @property
    def label(self) -> str: ...

    @property
    def warning(self) -> str | None: ...

    def __hash__(self) -> int: ...

    def scores(self, texts: Sequence[str], flags: Sequence[dict[str, float]]) -> list[float]: ...

    def score(self, text: str, flags: dict[str, float]) -> float: ...

    def cutoff(self, genre: str) -> float: ...


@dataclass(frozen=True, eq=False)
class CueRanker:
    """The cue rules on their own: the fallback, and the ranker for non-English text."""

    label: str = "cue rules"
    warning: str | None = None

    def score(self, text: str, flags: dict[str, float]) -> float:
        logit = _BIAS + sum(_WEIGHTS.get(name, 0.0) * value for name, value in flags.items())
        return 1.0 / (1.0 + math.exp(-logit))

    def scores(self, texts: Sequence[str], flags: Sequence[dict[str, float]]) -> list[float]:
        return [self.score(text, row) for text, row in zip(texts, flags, strict=True)]

    def cutoff(self, genre: str) -> float:
        return SUGGESTED


@dataclass(frozen=True, slots=True)
class Ranking:
    """Sentences best first, with the cut-off that made them suggested and which ranker
    scored them; ``warning`` is set when the learned model was unusable."""

    suggestions: tuple[Suggestion, ...]
    genre: str
    cutoff: float
    model: str
    warning: str | None

    def chosen(
        self,
        *,
        all_sentences: bool = False,
        min_score: float | None = None,
        limit: int | None = None,
    ) -> list[Suggestion]:
        """The suggested sentences; every sentence with ``all_sentences``; those scoring at
        least ``min_score`` when it is given (it replaces the cut-off); at most ``limit``."""
        if min_score is not None:
            picked = [s for s in self.suggestions if s.score >= min_score]
        elif all_sentences:
            picked = list(self.suggestions)
        else:
            picked = [s for s in self.suggestions if s.suggested]
        return picked if limit is None else picked[:limit]


def default_ranker() -> LearnedRanker | CueRanker:
    """The model shipped in the package, else the cue rules with ``FALLBACK_WARNING``."""
    return shipped_ranker() or CueRanker(warning=FALLBACK_WARNING)


def guess_genre(body: str) -> str:
    """ "transcript" when at least a third of the lines (and three or more) open with a
    speaker turn such as ``TRUMP:``, else "article"."""
    turns = len(SPEAKER_TURN.findall(body))
    return "transcript" if turns >= 3 and 3 * turns >= len(_LINE_START.findall(body)) else "article"


def rank_sentences(
    body: str, language: str = "en", *, genre: str | None = None, ranker: Ranker | None = None
) -> Ranking:
    """Every sentence of ``body``, best first (ties in text order), each marked suggested
    when it reaches the genre's cut-off. ``genre`` is one of ``GENRES``, guessed from
    speaker turns when None; ``ranker`` defaults to ``default_ranker()``. Never raises
    on odd text: no sentences give an empty ranking."""
    genre = genre or guess_genre(body)
    if genre not in GENRES:
        raise ValueError(f"genre must be one of {GENRES}, not {genre!r}")
    ranker = _for_language(ranker or default_ranker(), language)
    cutoff = ranker.cutoff(genre)
    sentences = split_sentences(body, language)
    cues = [cue_flags(sentence.text, language) for sentence in sentences]
    scores = ranker.scores([s.text for s in sentences], [flags for flags, _ in cues])
    ranked = [
        Suggestion(s.start, s.end, s.text, score, reasons, score >= cutoff)
        for s, score, (_, reasons) in zip(sentences, scores, cues, strict=True)
    ]
    ranked.sort(key=lambda s: (-s.score, s.start))
    return Ranking(tuple(ranked), genre, cutoff, ranker.label, ranker.warning)


def suggest_claims(
    body: str,
    language: str = "en",
    limit: int | None = None,
    *,
    genre: str | None = None,
    all_sentences: bool = False,
    min_score: float | None = None,
    ranker: Ranker | None = None,
) -> list[Suggestion]:
    """The suggested sentences, best first, ties in text order (``Ranking.chosen`` for
    ``all_sentences`` and ``min_score``, ``rank_sentences`` for ``genre`` and ``ranker``)."""
    return rank_sentences(body, language, genre=genre, ranker=ranker).chosen(
        all_sentences=all_sentences, min_score=min_score, limit=limit
    )


def score_sentence(
    text: str, language: str = "en", *, ranker: Ranker | None = None
) -> tuple[float, tuple[str, ...]]:
    """Score one sentence 0..1 and say why, e.g. "money amount: $6.2 billion"."""
    flags, reasons = cue_flags(text, language)
    return _for_language(ranker or default_ranker(), language).score(text, flags), reasons


def _for_language(ranker: Ranker, language: str) -> Ranker:
    """The learned models know English words only; other languages rank by the cues."""
    if language.lower()[:2] == "en" or isinstance(ranker, CueRanker):
        return ranker
    return CueRanker(label=f"cue rules ({language})")


def cue_flags(text: str, language: str = "en") -> tuple[dict[str, float], tuple[str, ...]]:
    """0/1 cue flags for a sentence (``CUES`` names them), and readable reasons for the
    positive cues."""
    lang = language.lower()[:2]
    lang = lang if lang in _COMPARISON else "en"
    features: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    covered = []
    for kind, item in scan(text, language):
        matched.setdefault(kind, []).append(item.text)
        covered.append((item.start, item.end))
    words = Words.of(text)
    for name, table in (
        ("comparison", _COMPARISON),
        ("attribution", _ATTRIBUTION),
        ("past", _PAST),
    ):
        hits = [text[m.start() : m.end()] for m in table[lang].finditer(words)]
        if hits:
            matched[name] = hits
    for name in matched:
        features[name] = 1.0
    features["question"] = float(text.rstrip().endswith(("?", "؟")))
    features["short"] = float(words.count < 6)
    features["long"] = float(words.count > 25)
    features["opinion"] = float(_OPINION[lang].search(words))
    features["statistic"] = float(_STATISTIC[lang].search(words))
    number_words = [
        text[m.start() : m.end()]
        for m in _NUMBER_WORD[lang].finditer(words)
        if not any(start <= m.start() < end for start, end in covered)
    ]
    if number_words:
        features["number_word"] = 1.0
        matched.setdefault("num", []).extend(number_words)
    if lang == "en":
        # A word of five or more letters ending in -ed ("elected", not "red").
        features["past_suffix"] = float(any(len(w) > 4 and w.endswith("ed") for w in words.found))
        features["name"] = float(bool(_NAME.search(text)))
        features["third_person"] = float(_THIRD_PERSON.search(words))
        features["first_person"] = float(_FIRST_PERSON.search(words))
        features["modal"] = float(_MODAL.search(words))
        features["digits"] = float(bool(_DIGIT.search(words.lowered)))
        for name, (lexicon, symbol) in _MODEL_ONLY.items():
            present = bool(symbol) and symbol in words.lowered
            features[name] = float(present or lexicon.search(words))
    reasons = tuple(
        f"{REASONS[name]}: {', '.join(dict.fromkeys(matched[name]))}"
        for name in REASONS
        if name in matched
    )
    return features, reasons


def readable_reason(reason: str) -> str:
    """A reason as a person would say it, after "Why:": "attribution: claims" reads "who
    said it (“claims”)", "money amount: $6.2 billion" reads "a sum of money ($6.2 billion)". A
    reason of an unknown kind is returned as it is."""
    kind, _, words = reason.partition(": ")
    if kind not in _READABLE or not words:
        return reason
    phrase, quoted = _READABLE[kind]
    shown = ", ".join(f"“{word}”" for word in words.split(", ")) if quoted else words
    return f"{phrase} ({shown})"
