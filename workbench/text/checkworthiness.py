"""Suggest the sentences of an article that are worth fact-checking.

A transparent linear model, not a classifier a fact-checker has to trust blindly:
each sentence gets a few cues (money, percentages, dates, comparisons,
attribution, past events, names) and penalties (questions, very short sentences,
first-person opinion and promises). The weights were fitted by L2 logistic
regression on the CLEF-2019/2020 debate *training* files only (42,340 distinct
sentences; positives re-weighted to a 30% prior, closer to a news article than
the debates' 2%) and rounded; ``benchmarks/checkworthiness_eval.py`` measures
them on held-out sets.

Cue words exist for English, German, Ukrainian and Arabic; other languages use
the language-neutral cues (numbers, money, dates, punctuation) plus English words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from workbench.text.amounts import scan
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

# Sentences scoring at least this are suggested. Chosen on the training files as
# the threshold with the best F2 (recall counts double): a missed claim costs a
# fact-checker more than a suggestion they dismiss with one click.
SUGGESTED = 0.45


# Arabic writes "and"/"so" (و/ف) joined to the next word: "وقال" is "and he said".
_CLITICS = {"ar": "[وف]?"}


def _lexicon(words: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """Compile per-language cue alternations; word-bounded, case-insensitive."""
    return {
        lang: re.compile(rf"(?<!\w){_CLITICS.get(lang, '')}(?:{alts})(?!\w)", re.I)
        for lang, alts in words.items()
    }


_COMPARISON = _lexicon({
    "en": r"more than|less than|fewer than|(?:larg|bigg|high|low|great|small|fast|wors|b)est"
          r"|most|least|record|doubled|tripled|twice|half|increased?|decreased?|rose|risen|fell"
          r"|grew|dropped|declined|cut|since|compared|higher|lower|larger|bigger|only|every"
          r"|never|first|last",
    "de": r"mehr als|weniger als|höchste[nmrs]?|größte[nmrs]?|niedrigste[nmrs]?|rekord\w*"
          r"|verdoppelt|gestiegen|gesunken|seit|erstmals|doppelt|hälfte|nur|mehr|weniger",
    "uk": r"більше|менше|найбільш\w*|найвищ\w*|найнижч\w*|рекорд\w*|вдвічі|зріс|зросла"
          r"|зросли|впав|впала|з часів|відколи|вперше|лише",
    "ar": r"أكثر من|أقل من|أكبر|أعلى|أدنى|أول|رقم قياسي|ضعف|منذ|ارتفع\w*|انخفض\w*|فقط",
})
_ATTRIBUTION = _lexicon({
    "en": r"said|says|according to|claimed|claims|stated|told|reported|announced|revealed"
          r"|acknowledged|warned|insisted|argued|confirmed|denied",
    "de": r"sagte|sagt|laut|erklärte|berichtet\w*|betonte|kündigte|teilte|zufolge|meinte",
    "uk": r"заявив|заявила|заявили|за словами|сказав|сказала|повідомив|повідомила"
          r"|повідомили|наголосив|за даними",
    "ar": r"قال|قالت|وفقا|وفقاً|بحسب|حسب|أعلن\w*|صرح|أكد\w*|ذكر\w*",
})
_PAST = _lexicon({
    "en": r"(?:in|since|by|during|until) (?:19|20)\d\d|invasion|invaded|war|founded|elected"
          r"|voted|signed|passed|supported|opposed|approved|established|attacked|killed"
          r"|was|were|had|did|lost|created|built|raised|spent|took|gave|became",
    "de": r"(?:im jahr|seit|bis) (?:19|20)\d\d|invasion|krieg\w*|gegründet|gewählt|war|waren"
          r"|hatte|hatten|wurde|wurden|stimmte|unterzeichnet",
    "uk": r"(?:в|у|з) (?:19|20)\d\d|вторгнення|війн\w*|засновано|обрано|був|була|були|було",
    "ar": r"(?:في|عام|منذ) (?:19|20)\d\d|غزو|حرب|الحرب|تأسس\w*|كان|كانت",
})
_OPINION = _lexicon({
    "en": r"i think|i believe|i feel|i want|i hope|i'm going to|i am going to|i will|we will"
          r"|we'll|we're going to|we need|we must|we should|let me|let's|thank you|thanks"
          r"|i'd like|i would|you know|of course|my friend",
    "de": r"ich glaube|ich denke|ich finde|ich hoffe|ich will|wir werden|wir müssen|danke",
    "uk": r"я думаю|я вважаю|я вірю|я хочу|ми будемо|ми повинні|ми маємо|дякую",
    "ar": r"أعتقد|أظن|أتمنى|سوف|شكرا|شكراً",
})
_NUMBER_WORD = _lexicon({
    "en": r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
          r"|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?"
          r"|trillions?|dozens?",
    "de": r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|hundert\w*|tausend\w*"
          r"|million\w*|milliarde\w*|hälfte|dutzend\w*",
    "uk": r"два|дві|три|чотири|п'ять|шість|сім|вісім|дев'ять|десять|сот\w*|тисяч\w*"
          r"|мільйон\w*|мільярд\w*|половин\w*",
    "ar": r"اثنان|ثلاث\w*|أربع\w*|خمس\w*|عشر\w*|مائة|مئات|ألف|آلاف|مليون|ملايين|مليار\w*|نصف",
})
_STATISTIC = _lexicon({
    "en": r"jobs?|tax(?:es)?|deficit|debt|budget|unemployment|rates?|wages|income|costs?"
          r"|prices?|spending|gdp|growth|inflation|crime|deaths|population|votes|polls?|law"
          r"|bill|troops|economy",
    "de": r"steuer\w*|defizit|schulden|haushalt|arbeitslos\w*|kosten|preis\w*|wachstum"
          r"|inflation|gesetz|stimmen|umfrage\w*|wirtschaft",
    "uk": r"податк\w*|дефіцит\w*|борг\w*|бюджет\w*|безробітт\w*|цін\w*|економік\w*"
          r"|закон\w*|військ\w*|втрат\w*",
    "ar": r"ضرائب|عجز|ديون|ميزانية|البطالة|أسعار|اقتصاد\w*|قانون|خسار\w*|أرباح",
})
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|you|it)(?: \w+)? (?:\w+ed|has|had|was|were|did)\b",
                           re.I)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|me|my)\b")
_MODAL = re.compile(r"\b(?:will|would|should|could|can|might|must|going to|gonna)\b", re.I)
_NAME = re.compile(r"(?<=[\w,;:] )[A-Z][a-z]+|\b[A-Z]{2,}\b")
_PAST_SUFFIX = re.compile(r"\b\w{3,}ed\b", re.I)
_WORD = re.compile(r"\w+")

# Logistic-regression weights (see module docstring); features are 0/1 flags.
_WEIGHTS = {
    "money": 1.71, "pct": 1.42, "num": 0.79, "number_word": 0.54, "date": 0.07,
    "comparison": 0.54, "attribution": 0.58, "past": 0.38, "past_suffix": 0.53, "name": 0.33,
    "statistic": 0.71, "third_person": 0.3, "long": 0.16, "question": -0.96, "short": -0.46,
    "opinion": -0.66, "first_person": -0.27, "modal": -0.29,
}
_BIAS = -1.4


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A sentence worth checking: ``quote == body[start:end]``, ``score`` in 0..1."""

    start: int
    end: int
    quote: str
    score: float
    reasons: tuple[str, ...]


def suggest_claims(body: str, language: str = "en", limit: int | None = None) -> list[Suggestion]:
    """Sentences scoring at least ``SUGGESTED``, best first, ties in text order."""
    suggestions = []
    for sentence in split_sentences(body, language):
        score, reasons = score_sentence(sentence.text, language)
        if score >= SUGGESTED:
            suggestions.append(
                Suggestion(sentence.start, sentence.end, sentence.text, score, reasons)
            )
    suggestions.sort(key=lambda s: (-s.score, s.start))
    return suggestions if limit is None else suggestions[:limit]


def score_sentence(text: str, language: str = "en") -> tuple[float, tuple[str, ...]]:
    """Score one sentence 0..1 and say why, e.g. "money amount: $6.2 billion"."""
    features, reasons = _features(text, language)
    logit = _BIAS + sum(_WEIGHTS[name] * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-logit)), reasons


def _features(text: str, language: str) -> tuple[dict[str, float], tuple[str, ...]]:
    """0/1 cue flags for a sentence, and readable reasons for the positive cues."""
    lang = language.lower()[:2]
    lang = lang if lang in _COMPARISON else "en"
    features: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    covered = []
    for kind, item in scan(text, language):
        matched.setdefault(kind, []).append(item.text)
        covered.append((item.start, item.end))
    for name, lexicon in (("comparison", _COMPARISON), ("attribution", _ATTRIBUTION),
                          ("past", _PAST)):
        hits = [m.group() for m in lexicon[lang].finditer(text)]
        if hits:
            matched[name] = hits
    for name in matched:
        features[name] = 1.0
    words = len(_WORD.findall(text))
    features["question"] = float(text.rstrip().endswith(("?", "؟")))
    features["short"] = float(words < 6)
    features["long"] = float(words > 25)
    features["opinion"] = float(bool(_OPINION[lang].search(text)))
    features["statistic"] = float(bool(_STATISTIC[lang].search(text)))
    number_words = [
        m.group()
        for m in _NUMBER_WORD[lang].finditer(text)
        if not any(start <= m.start() < end for start, end in covered)
    ]
    if number_words:
        features["number_word"] = 1.0
        matched.setdefault("num", []).extend(number_words)
    if lang == "en":
        features["past_suffix"] = float(bool(_PAST_SUFFIX.search(text)))
        features["name"] = float(bool(_NAME.search(text)))
        features["third_person"] = float(bool(_THIRD_PERSON.search(text)))
        features["first_person"] = float(bool(_FIRST_PERSON.search(text)))
        features["modal"] = float(bool(_MODAL.search(text)))
    reasons = tuple(
        f"{REASONS[name]}: {', '.join(dict.fromkeys(matched[name]))}"
        for name in REASONS
        if name in matched
    )
    return features, reasons

