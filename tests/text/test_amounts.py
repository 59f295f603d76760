"""Money, percentages, numbers and dates: the rules the libraries got wrong."""

from __future__ import annotations

import pytest

from workbench.text.amounts import (
    amount_tokens,
    find_amounts,
    find_numbers,
    find_percentages,
    find_years,
)


@pytest.mark.parametrize(
    ("text", "language", "value", "currency"),
    [
        ("€800 billion", "en", 800e9, "EUR"),
        ("$6.2 billion", "en", 6.2e9, "USD"),
        ("6.2bn dollars", "en", 6.2e9, "USD"),
        ("USD 6,200 million", "en", 6.2e9, "USD"),
        ("£3bn", "en", 3e9, "GBP"),
        ("40 million pounds", "en", 40e6, "GBP"),
        ("US$1 million", "en", 1e6, "USD"),
        ("six billion euros", "en", 6e9, "EUR"),
        ("1,6 Milliarden Euro", "de", 1.6e9, "EUR"),
        ("1.600 Euro", "de", 1600, "EUR"),
        ("2.411,77 Euro", "de", 2411.77, "EUR"),
        ("5 Mio. Euro", "de", 5e6, "EUR"),
        ("2 Mrd. Euro", "de", 2e9, "EUR"),
        ("zwei Milliarden Euro", "de", 2e9, "EUR"),
        ("7.5 مليار دولار", "ar", 7.5e9, "USD"),
        ("٧٫٥ مليار دولار", "ar", 7.5e9, "USD"),
        ("378 مليون دولار", "ar", 378e6, "USD"),
        ("5 млрд доларів", "uk", 5e9, "USD"),
        ("550 мільярдів доларів", "uk", 550e9, "USD"),
        ("$600 млн", "uk", 600e6, "USD"),
        ("7 000 гривень", "uk", 7000, "UAH"),
    ],
)
def test_amounts(text: str, language: str, value: float, currency: str) -> None:
    sentence = f"Officials said {text} was spent."
    [amount] = find_amounts(sentence, language)
    assert amount.text == text
    assert sentence[amount.start : amount.end] == text
    assert amount.value == pytest.approx(value)
    assert amount.currency == currency


def test_amount_inside_arabic_prefix() -> None:
    [amount] = find_amounts("التي قدرت قيمتها بـ12.5 مليار دولار.", "ar")
    assert amount.text == "12.5 مليار دولار"


def test_german_billion_is_a_thousand_billions() -> None:
    assert amount_tokens("3 Billionen Euro", "de") == ["EUR:3000000000000"]
    assert amount_tokens("3 billion euros") == ["EUR:3000000000"]


def test_equivalent_amounts_share_a_token() -> None:
    for text in ("$6.2 billion", "6.2bn dollars", "USD 6,200 million", "US$ 6.2 billion"):
        assert amount_tokens(text) == ["USD:6200000000"], text
    assert amount_tokens("$62 billion") == ["USD:62000000000"]
    assert amount_tokens("$62 billion") != amount_tokens("$6.2 billion")


def test_tokens_cover_percentages_numbers_and_years() -> None:
    text = "In 2003, 41% of 300 people paid $5 billion; 41 percent again."
    assert amount_tokens(text) == ["YEAR:2003", "PCT:41", "NUM:300", "USD:5000000000"]


def test_years_are_not_money_or_numbers() -> None:
    text = "The invasion of Iraq in 2003 and the deal of 2022."
    assert find_amounts(text) == []
    assert find_numbers(text) == []
    assert [d.year for d in find_years(text)] == [2003, 2022]


def test_no_currency_no_amount() -> None:
    assert find_amounts("6.2 billion people live here, 27 members.") == []
    assert find_amounts("Sozialleistungen für Flüchtlinge", "de") == []


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("12%", "en", 12),
        ("12 per cent", "en", 12),
        ("42.9 percent", "en", 42.9),
        ("12 Prozent", "de", 12),
        ("0,64 Prozent", "de", 0.64),
        ("12 відсотків", "uk", 12),
        ("41 في المائة", "ar", 41),
        ("41 في المئة", "ar", 41),
    ],
)
def test_percentages(text: str, language: str, value: float) -> None:
    [percentage] = find_percentages(f"It was {text} today.", language)
    assert percentage.text == text
    assert percentage.value == pytest.approx(value)


def test_numbers() -> None:
    found = find_numbers("6.5 million jobs, 3,000 homes and 88 cars; COVID-19 aside.")
    assert [(n.text, n.value) for n in found] == [
        ("6.5 million", 6.5e6),
        ("3,000", 3000),
        ("88", 88),
    ]
    assert [n.value for n in find_numbers("88.175 Anträge, 15,43 Punkte", "de")] == [88175, 15.43]


@pytest.mark.parametrize(
    ("text", "language", "year"),
    [
        ("March 6", "en", None),
        ("March 6, 2025", "en", 2025),
        ("6 March 2025", "en", 2025),
        ("Nov. 1", "en", None),
        ("2022-03-01", "en", 2022),
        ("the 1990s", "en", 1990),
        ("6. März 2025", "de", 2025),
        ("2022 році", "uk", 2022),
        ("24 лютого", "uk", None),
        ("3 أغسطس 2015", "ar", 2015),
    ],
)
def test_dates(text: str, language: str, year: int | None) -> None:
    [date] = find_years(f"It happened on {text}.", language)
    assert text.endswith(date.text)
    assert date.year == year


def test_may_is_not_a_date_without_a_day() -> None:
    assert find_years("Prices may 5 times rise", "en") == []
