"""Findings say what is wrong in words a packer author can act on (issue 10):
``determinism.non-canonical-bytes`` names the JSON pointer of the first difference and
both spellings there; a ``date-time`` schema finding names the missing or wrong part.
Expected texts are written by hand from the inputs."""

from __future__ import annotations

import pytest
from helpers import check_doc, mutated, pretty, valid_doc

from packverify.canonical import jcs_bytes
from packverify.json_locate import locate


def _non_canonical(doc, raw):
    [finding] = [f for f in check_doc(doc, raw=raw).findings if f.code == "determinism.non-canonical-bytes"]
    return finding


def test_a_number_spelled_otherwise_is_shown_with_both_spellings():
    doc = valid_doc()
    raw = jcs_bytes(doc).replace(b'"total_files":12', b'"total_files":12.0')
    finding = _non_canonical(doc, raw)
    assert finding.pointer == "/statistics/total_files"
    assert (finding.actual, finding.expected) == ("'12.0'", "'12'")
    assert "at /statistics/total_files, where the file has '12.0' and RFC 8785 writes '12'" in finding.message


def test_an_escaped_string_is_shown_as_written():
    doc = valid_doc()
    raw = jcs_bytes(doc).replace(b'"language":"markdown"', b'"language":"mark\\u0064own"')
    finding = _non_canonical(doc, raw)
    assert finding.pointer == "/chunks/0/language"
    assert (finding.actual, finding.expected) == ("'\"mark\\u0064own\"'", "'\"markdown\"'")


def test_whitespace_is_shown_with_control_characters_visible():
    doc = valid_doc()
    finding = _non_canonical(doc, pretty(doc))
    assert finding.pointer == ""
    assert finding.actual.startswith("'\\n  \"metadata\"") and finding.expected.startswith("'\"budget_info\":{")


def test_a_space_after_a_colon_is_located_at_the_member():
    doc = valid_doc()
    raw = jcs_bytes(doc).replace(b'"target_budget":', b'"target_budget": ', 1)
    assert _non_canonical(doc, raw).pointer == "/budget_info/target_budget"


@pytest.mark.parametrize(("text", "offset", "path", "token"), [
    (b'{"a": [1, {"b": 2.50}]}', 16, ("a", 1, "b"), (16, 20)),  # inside 2.50
    (b'{"a": [1, {"b": 2.50}]}', 11, ("a", 1, "b"), (11, 14)),  # the key "b"
    (b'{"a": [1, {"b": 2.50}]}', 8, ("a",), None),  # the comma between items
    (b'{"a": [1, {"b": 2.50}]}', 9, ("a", 1), None),  # the space before the second item
    (b'{"a": [1, {"b": 2.50}]}', 7, ("a", 0), (7, 8)),
    (b'{"x\\"y": true}', 10, ('x"y',), (9, 13)),  # true is bytes 9-12
    (b'[[], "s"]', 5, (1,), (5, 8)),
    (b' {}', 0, (), None),
])
def test_locate_by_hand(text, offset, path, token):
    located = locate(text, offset)
    assert (located.path, located.token) == (path, token)


@pytest.mark.parametrize(("value", "says"), [
    ("2024-01-01T00:00:00", "the UTC offset is missing: add Z or ±HH:MM"),
    ("2024-01-01", "the time and the UTC offset are missing"),
    ("2024-01-01 00:00:00Z", "separated by 'T', not ' '"),
    ("2024-01-01T12:00Z", "the seconds are missing"),
    ("2024-02-30T00:00:00Z", "day 30 does not exist in 2024-02"),
    ("2024-13-01T00:00:00Z", "month 13 does not exist"),
    ("2024-01-01T24:00:00Z", "the time 24:00:00 is out of range"),
    ("2024-01-01T00:00:00+0100", "the UTC offset '+0100' is not Z or ±HH:MM"),
    ("yesterday", "it does not start with a date YYYY-MM-DD"),
])
def test_date_time_findings_say_what_is_missing(value, says):
    report = check_doc(mutated(lambda d: d["metadata"].update(created_at=value)))
    [finding] = [f for f in report.findings if f.code == "schema.format"]
    assert finding.pointer == "/metadata/created_at" and says in finding.message


@pytest.mark.parametrize("value", ["2024-01-01T00:00:00Z", "2024-01-01t00:00:00.5+05:30", "1970-01-01T00:00:00-00:00"])
def test_valid_date_times_have_no_finding(value):
    assert check_doc(mutated(lambda d: d["metadata"].update(created_at=value))).verdict.value == "pass"
