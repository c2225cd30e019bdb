"""Every oracle's arithmetic survives every JSON number the loader accepts (issue 12).

The loader refuses NaN, Infinity and numbers beyond the double range (docs/format.md
§Parsing); everything else — ±1e308, the largest double, -0.0, subnormals down to
5e-324, integers around 2^53 and integers as large as a double can hold — reaches the
oracles. Planted into any numeric field of a valid pack (one or several at once), none
may crash an oracle into ``<oracle>.internal-error`` (exit 2): a bad number is a
finding (exit 1) or nothing at all.
"""

from __future__ import annotations

import copy
import json

import pytest
from helpers import check_doc, valid_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify.load import parse_bytes

MAX_DOUBLE = 1.7976931348623157e308
EXTREMES = [1e308, -1e308, MAX_DOUBLE, -MAX_DOUBLE, -1e306, 1e306, -0.0, 0.0, 5e-324, -5e-324, 1e-320, 2.2250738585072014e-308,
            2**53 - 1, 2**53, 2**53 + 1, -(2**53 + 1), 2**63, 2**64 + 1, -(2**64), 10**300, -(10**300),
            int(MAX_DOUBLE), -int(MAX_DOUBLE), 0.5, 1.5, -1, 0, 1, 999.0000000000001]


def _numeric_paths(node, prefix=()):
    if type(node) in (int, float):
        yield prefix
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _numeric_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numeric_paths(value, prefix + (i,))


def _base() -> dict:
    doc = valid_doc(body_spans=True)
    doc["budget_info"]["underflow_allowed"] = 0.005  # every optional numeric field present
    doc["tokenizer_info"]["vocab_size"] = 100277
    doc["statistics"].update(ignored_files=0, duplicates_removed=0)
    for chunk in doc["chunks"]:
        chunk["importance_score"] = 0.5
    return doc


BASE = _base()
PATHS = list(_numeric_paths(BASE))


def _planted(changes) -> bytes:
    doc = copy.deepcopy(BASE)
    for path, value in changes:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    # json.dumps writes what a foreign packer would: -0.0, 1e-320, 309-digit integers
    return json.dumps(doc).encode()


def _assert_no_internal_error(raw: bytes, **options) -> None:
    loaded = parse_bytes(raw)
    assert not loaded.findings, [f.code for f in loaded.findings]  # the loader accepts these numbers
    report = check_doc(None, raw=raw, **options)
    crashes = [f.message for f in report.findings if f.code.endswith(".internal-error")]
    assert report.internal_errors == 0 and not crashes, crashes


def test_the_base_pack_has_every_numeric_field():
    assert len(PATHS) >= 30
    assert ("budget_info", "underflow_allowed") in PATHS and ("body_spans", 0, "start") in PATHS


@pytest.mark.parametrize("value", EXTREMES, ids=repr)
def test_each_extreme_in_every_numeric_field(value):
    for path in PATHS:
        _assert_no_internal_error(_planted([(path, value)]))


@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(EXTREMES) | st.floats(allow_nan=False,
                                                                                        allow_infinity=False)
                          | st.integers(min_value=-int(MAX_DOUBLE), max_value=int(MAX_DOUBLE))),
                min_size=1, max_size=6))
def test_any_extreme_numbers_anywhere(changes):
    _assert_no_internal_error(_planted(changes))


def test_extremes_with_a_repository(tmp_path):
    """The source oracle's line arithmetic too (a working tree holding the pack's files)."""
    for chunk in BASE["chunks"]:
        target = tmp_path / chunk["file_path"]
        target.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "README.md").write_text("".join(c["content"] for c in BASE["chunks"] if c["file_path"] == "README.md"))
    for value in (2**53 + 1, int(MAX_DOUBLE), -1, 0, 1e308, -0.0):
        for field in ("start_line", "end_line"):
            _assert_no_internal_error(_planted([(("chunks", 0, field), value)]), repo=tmp_path)


def test_the_reported_budget_crash_is_a_finding():
    """The red team's case: ``underflow_allowed: -1e306`` is out of range (a schema
    finding) and makes the floor overflow; it must be findings, exit 1, not a crash."""
    report = check_doc(None, raw=_planted([(("budget_info", "underflow_allowed"), -1e306)]))
    codes = {f.code for f in report.findings}
    assert "schema.range" in codes and report.internal_errors == 0
    assert report.verdict.value == "fail"
