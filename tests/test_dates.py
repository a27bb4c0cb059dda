"""decisions.formats.dates: dates as people write them, in text and in date fields."""

from __future__ import annotations

import datetime

import pytest

from decisions.formats.dates import first_date, month_number, parse_date

pytestmark = pytest.mark.text_only  # tests/conftest.py: those without a database run once


@pytest.mark.parametrize(
    ("name", "number"), [("Jan", 1), ("january", 1), ("Sept", 9), ("SEP", 9), ("may", 5)]
)
def test_a_month_is_known_by_its_name_or_abbreviation(name, number):
    assert month_number(name) == number


def test_a_word_that_is_no_month_has_no_number():
    assert month_number("Marchy") is None


@pytest.mark.parametrize(
    "text",
    ["2024-01-10", "January 10, 2024", "Jan 10th 2024", "10th of January 2024", "2024 Jan 10", "1/10/2024"],
)
def test_the_date_in_text_is_found_however_it_is_written(text):
    assert first_date(f"Weekly sync {text}", 1999) == (datetime.date(2024, 1, 10), True, len("Weekly sync "))


def test_a_date_without_its_year_takes_the_year_given():
    assert first_date("Notes of March 5th", 2022) == (datetime.date(2022, 3, 5), False, len("Notes of "))


def test_a_date_without_its_year_is_skipped_when_no_year_is_given():
    assert first_date("Notes of March 5th", None) == (None, False, len("Notes of March 5th") + 1)


def test_the_earliest_date_in_the_text_wins():
    assert first_date("June 4th 2024, moved from 2024-06-01", None)[0] == datetime.date(2024, 6, 4)


def test_an_impossible_date_in_text_is_passed_over():
    assert first_date("2019-02-30 then Mar 4", 2019)[0] == datetime.date(2019, 3, 4)


@pytest.mark.parametrize(
    "raw", ["2017-06-26", "2017/06/26", "26-Jun-2017", "26 June 2017", "June 26, 2017", "2017-06-26T10:00Z"]
)
def test_a_date_field_is_read_as_written(raw):
    assert parse_date(raw) == (datetime.date(2017, 6, 26), None)


def test_a_date_field_without_a_day_is_the_first_of_the_month_noted():
    assert parse_date("June 2017") == (
        datetime.date(2017, 6, 1),
        "'June 2017' has no day; read as the first of the month",
    )


def test_an_ambiguous_numeric_date_field_is_read_day_first_noted():
    assert parse_date("01/02/2017") == (
        datetime.date(2017, 2, 1),
        "'01/02/2017' could be day/month or month/day; read as day/month",
    )


def test_a_numeric_date_field_with_a_day_past_twelve_is_not_ambiguous():
    assert parse_date("02/13/2017") == (datetime.date(2017, 2, 13), None)


def test_a_two_digit_year_in_a_date_field_is_read_in_its_century():
    assert parse_date("5 Sept 99") == (datetime.date(1999, 9, 5), None)


def test_an_impossible_date_field_gives_no_date_and_says_why():
    assert parse_date("2019-02-30") == (None, "'2019-02-30' is not a real date")


@pytest.mark.parametrize("raw", ["tbd", "(fill in)", "yyyy-mm-dd", "n/a"])
def test_a_placeholder_date_field_is_not_a_date(raw):
    assert parse_date(raw) == (None, f"'{raw}' is not a date")


def test_a_date_inside_other_words_in_a_field_is_read_noted():
    assert parse_date("2014-03-11 (revised 2015)") == (
        datetime.date(2014, 3, 11),
        "'2014-03-11 (revised 2015)' read as 2014-03-11",
    )
