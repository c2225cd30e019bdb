"""Byte and JSON comparison: offsets, pointers (with RFC 6901 escapes), caps, types."""

from __future__ import annotations

import json

from packverify.pointer import resolve
from packverify.repro.compare import LIMIT, VALUE_CHARS, difference, first_differing_byte, json_diff


def test_first_difference():
    assert first_differing_byte(b"abc", b"abc") is None
    assert first_differing_byte(b"abc", b"abd") == 2
    assert first_differing_byte(b"ab", b"abc") == 2  # a prefix: the shorter length
    big = b"x" * 10_000
    assert first_differing_byte(big + b"1", big + b"2") == 10_000
    assert first_differing_byte(b"", b"a") == 0


def test_pointers_escape_keys_and_keep_document_order():
    a = {"a/b": {"c~d": 1}, "ü": [1, 2, 3], "same": True, "gone": None}
    b = {"a/b": {"c~d": 2}, "ü": [1, 5], "same": True, "new": "x"}
    changes = json_diff(a, b).changes
    assert changes == (
        {"pointer": "/a~1b/c~0d", "kind": "changed", "a": 1, "b": 2},
        {"pointer": "/gone", "kind": "removed", "a": None},
        {"pointer": "/new", "kind": "added", "b": "x"},
        {"pointer": "/ü/1", "kind": "changed", "a": 2, "b": 5},
        {"pointer": "/ü/2", "kind": "removed", "a": 3},
    )
    for change in changes:  # every pointer designates a value on the side that has one
        resolve(a if "a" in change else b, change["pointer"])


def test_json_types_are_told_apart():
    changes = json_diff({"x": 1, "y": True, "z": [1]}, {"x": 1.0, "y": 1, "z": {"0": 1}}).changes
    assert [c["pointer"] for c in changes] == ["/x", "/y", "/z"]
    assert json_diff({"n": 1}, {"n": 1}).total == 0


def test_root_level_change():
    assert json_diff(1, "1").changes == ({"pointer": "", "kind": "changed", "a": 1, "b": "1"},)


def test_many_changes_are_capped_but_counted():
    diff = json_diff(list(range(500)), list(range(1, 501)))
    assert diff.total == 500 and len(diff.changes) == LIMIT
    assert diff.to_dict()["truncated"] is True


def test_long_values_are_abbreviated():
    long = "y" * 1000
    (change,) = json_diff({"k": "x"}, {"k": long}).changes
    assert change["b"].startswith("y" * VALUE_CHARS) and change["b"].endswith("… (1000 characters)")
    (change,) = json_diff({}, {"k": list(range(300))}).changes
    assert change["b"].startswith("<array of 300 items: [0,1,2")


def test_deep_nesting_does_not_overflow():
    deep_a: list = []
    deep_b: list = [1]
    for _ in range(5000):
        deep_a, deep_b = [deep_a], [deep_b]
    assert json_diff(deep_a, deep_b).total == 1


def test_difference_of_outputs():
    a = json.dumps({"chunks": [{"file_path": "a.py"}]}).encode()
    b = json.dumps({"chunks": [{"file_path": "b.py"}]}).encode()
    found = difference("run-1", a, "run-2", b)
    assert found.first_byte_offset == a.index(b"a.py")
    assert found.json.changes == ({"pointer": "/chunks/0/file_path", "kind": "changed", "a": "a.py", "b": "b.py"},)
    assert difference("run-1", a, "run-2", a) is None


def test_same_json_other_bytes_and_non_json():
    found = difference("run-1", b'{"a": 1, "b": 2}', "run-2", b'{"b":2,"a":1}')
    assert found.json.total == 0 and "only the serialization differs" in found.note
    found = difference("run-1", b"\xff\xfe binary", "run-2", b"\xff\xfd binary")
    assert found.json is None and found.first_byte_offset == 1 and "not both JSON" in found.note
    assert found.context == ("\\xfe binary", "\\xfd binary")


def test_scrub_applies_to_keys_values_and_excerpts():
    def scrub(v):
        return v.replace("/tmp/w", "<work>") if isinstance(v, str) else v

    found = difference("a", b'{"/tmp/w/x": "/tmp/w/1"}', "b", b'{"/tmp/w/x": "/tmp/w/2"}', scrub=scrub)
    assert found.json.changes == ({"pointer": "/<work>~1x", "kind": "changed", "a": "<work>/1", "b": "<work>/2"},)
