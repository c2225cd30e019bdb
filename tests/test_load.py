"""The loader turns every input into a document or parse findings — never an exception."""

from __future__ import annotations

import pytest
from helpers import check_doc, valid_doc

from packverify.load import MAX_DEPTH, LoadError, parse_bytes, read_pack
from packverify.strategies import reference_bytes

CASES = [
    (b'{"a": 1, "a": 2}', "parse.duplicate-key", ""),
    (b'{"x": {"k": 1, "k": 1}}', "parse.duplicate-key", "/x"),
    (b'{"u": NaN}', "parse.non-finite-number", "/u"),
    (b'{"u": [Infinity]}', "parse.non-finite-number", "/u/0"),
    (b'{"u": -Infinity}', "parse.non-finite-number", "/u"),
    (b'{"n": 1e400}', "parse.number-out-of-range", "/n"),
    (b'{"n": -1' + b"0" * 400 + b"}", "parse.number-out-of-range", "/n"),
    (b'{"n": [1' + b"0" * 400 + b"]}", "parse.number-out-of-range", "/n/0"),
    (b'{"n": 1' + b"0" * 100_000 + b"}", "parse.number-out-of-range", "/n"),
    (b'{"s": "\\ud800"}', "parse.lone-surrogate", "/s"),
    (b'{"\\udc00x": 1}', "parse.lone-surrogate", ""),
    (b'{"s": "caf\xe9"}', "parse.invalid-utf8", ""),
    (b"\xef\xbb\xbf{}", "parse.byte-order-mark", ""),
    (b'{"a": ', "parse.invalid-json", ""),
    (b"", "parse.invalid-json", ""),
    (b"\x00\x01\x02", "parse.invalid-json", ""),
    (b"[" * 100_000 + b"]" * 100_000, "parse.too-deep", ""),
    (b'{"a":' * 1000 + b"1" + b"}" * 1000, "parse.too-deep", None),
    (b"[]", "parse.not-an-object", ""),
    (b"null", "parse.not-an-object", ""),
    (b'"pack"', "parse.not-an-object", ""),
    (b"12", "parse.not-an-object", ""),
]


@pytest.mark.parametrize("raw,code,pointer", CASES, ids=[c[1] + f"-{i}" for i, c in enumerate(CASES)])
def test_bad_input_is_a_parse_finding(raw, code, pointer):
    loaded = parse_bytes(raw)
    assert loaded.document is None
    found = [(f.code, f.pointer) for f in loaded.findings]
    assert code in {c for c, _ in found}, found
    if pointer is not None:
        assert (code, pointer) in found


def test_parse_failure_skips_every_other_oracle():
    report = check_doc(None, raw=b'{"a": 1, "a": 2}')
    assert report.oracles["parse"].status.value == "fail"
    for name, result in report.oracles.items():
        if name != "parse":
            assert result.status.value == "skipped"
            assert "did not parse" in result.reason


def test_depth_limit_is_exact():
    # MAX_DEPTH nested containers are allowed, one more is not.
    ok = b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH
    too_deep = b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1)
    assert parse_bytes(ok).findings == []
    assert [f.code for f in parse_bytes(too_deep).findings] == ["parse.too-deep"]


def test_canonical_bytes_detected_and_pretty_bytes_parsed_equal():
    doc = valid_doc()
    canonical = parse_bytes(reference_bytes(doc))
    assert canonical.canonical is True and canonical.findings == []
    import json

    pretty = parse_bytes(json.dumps(doc, indent=1).encode())
    assert pretty.canonical is None and pretty.findings == []
    assert pretty.document == canonical.document


def test_integers_a_double_holds_exactly_are_allowed():
    assert parse_bytes(b'{"n": 9007199254740991, "m": -9007199254740991}').findings == []
    assert parse_bytes(b'{"n": 9007199254740992, "m": 100000000000000000000}').findings == []
    assert parse_bytes(b'{"n": 9007199254740993}').findings == []  # a double approximates it: schema's call


def test_valid_surrogate_pair_is_fine():
    loaded = parse_bytes(b'{"s": "\\ud83d\\ude00 \\u00e9"}')
    assert loaded.findings == [] and loaded.document == {"s": "😀 é"}


def test_size_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b'{"a": "' + b"x" * 1000 + b'"}')
    loaded = read_pack(str(path), max_bytes=100)
    assert [f.code for f in loaded.findings] == ["parse.too-large"]
    assert loaded.findings[0].actual == path.stat().st_size


def test_unreadable_paths_raise_load_error(tmp_path):
    with pytest.raises(LoadError):
        read_pack(str(tmp_path / "missing.json"))
    with pytest.raises(LoadError):
        read_pack(str(tmp_path))


# How deep the standard library's parser may recurse is the interpreter's (3.11: the
# recursion limit minus the caller's frames; 3.12+: a larger C limit). The slow path's
# findings must not depend on it: hand-made inputs that orjson refuses (NaN, depth beyond
# its 1024), so that the slow path diagnoses them.
SLOW_PATH_DEPTH_CASES = [
    # parsed: the crossing of MAX_DEPTH is found where it is (128 array indices deep)
    (b"[" * 300 + b"NaN" + b"]" * 300, "/0" * MAX_DEPTH),
    # deeper than the slow path parses: the root, on 3.11 and 3.13 alike
    (b"[" * 600 + b"NaN" + b"]" * 600, ""),
    (b"[" * 3000 + b"]" * 3000, ""),
    (b'{"a":' * 2000 + b"1" + b"}" * 2000, ""),
]


@pytest.mark.parametrize("raw,pointer", SLOW_PATH_DEPTH_CASES, ids=["300-nan", "600-nan", "3000", "objects-2000"])
def test_slow_path_depth_findings_do_not_depend_on_the_interpreter(raw, pointer):
    loaded = parse_bytes(raw)
    assert loaded.document is None
    assert [(f.code, f.pointer) for f in loaded.findings] == [("parse.too-deep", pointer)]


def test_brackets_inside_strings_are_not_nesting():
    # 600 brackets and an escaped quote inside a string; the duplicate key sends it down the slow path.
    raw = b'{"a": "' + b"[" * 600 + b'\\"[{", "a": 1}'
    assert [(f.code, f.pointer) for f in parse_bytes(raw).findings] == [("parse.duplicate-key", "")]
