"""The words of ``schema``'s date-time findings at each range's edges, by hand: the last
month, the last day of a (leap) month, hour 23, minute 59 and second 60 (a leap second) are
in range, so the first problem named is the missing offset; one past each edge is named as
out of range; 'T' and 't' separate, anything else is named."""

from __future__ import annotations

import pytest

from packverify.oracles.schema import date_time_problem

OFFSET_MISSING = "the UTC offset is missing: add Z or ±HH:MM after the time (e.g. 2024-01-31T12:00:00Z)"


@pytest.mark.parametrize("text", [
    "2024-12-01T00:00:00",  # December
    "2024-02-29T00:00:00",  # the last day of a leap February
    "2023-01-31T00:00:00",  # the last day of January
    "2024-01-01t00:00:00",  # a lower-case separator
    "2024-01-01T23:00:00",  # the last hour
    "2024-01-01T00:59:00",  # the last minute
    "2024-01-01T00:00:60",  # a leap second
])
def test_the_last_value_of_each_range_is_in_range(text):
    assert date_time_problem(text) == OFFSET_MISSING


@pytest.mark.parametrize(("text", "problem"), [
    ("2024-13-01T00:00:00Z", "month 13 does not exist"),
    ("2024-00-01T00:00:00Z", "month 00 does not exist"),
    ("2023-02-29T00:00:00Z", "day 29 does not exist in 2023-02"),
    ("2024-04-31T00:00:00Z", "day 31 does not exist in 2024-04"),
    ("2024-01-01T24:00:00Z", "the time 24:00:00 is out of range (hours 00-23, minutes 00-59, seconds 00-60)"),
    ("2024-01-01T00:60:00Z", "the time 00:60:00 is out of range (hours 00-23, minutes 00-59, seconds 00-60)"),
    ("2024-01-01T00:00:61Z", "the time 00:00:61 is out of range (hours 00-23, minutes 00-59, seconds 00-60)"),
    ("2024-01-01X00:00:00Z", "the date and the time must be separated by 'T', not 'X' (e.g. 2024-01-31T12:00:00Z)"),
    ("2024-01-01 00:00:00Z", "the date and the time must be separated by 'T', not ' ' (e.g. 2024-01-31T12:00:00Z)"),
])
def test_one_past_each_edge_is_named(text, problem):
    assert date_time_problem(text) == problem


def test_a_valid_date_time_gets_the_general_words():
    assert date_time_problem("2024-01-01T00:00:60Z") == "it is not an RFC 3339 date-time (e.g. 2024-01-31T12:00:00Z)"
