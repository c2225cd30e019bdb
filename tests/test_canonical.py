"""Canonical forms: our RFC 8785 serialisation equals the reference implementation."""

from __future__ import annotations

import hashlib
import json
import math

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from packverify.canonical import jcs_bytes, jcs_number
from packverify.format import canonical_chunk_id, count_lines, manifest_digest
from packverify.load import parse_bytes

finite = st.floats(allow_nan=False, allow_infinity=False)
safe_ints = st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
json_values = st.recursive(
    st.none() | st.booleans() | safe_ints | finite | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)


@given(finite)
def test_numbers_format_like_ecmascript(value):
    assert jcs_number(value) == rfc8785.dumps(value)


@given(json_values)
def test_serialisation_equals_the_reference(value):
    assert jcs_bytes(value) == rfc8785.dumps(value)


@given(json_values)
def test_canonical_bytes_round_trip_and_are_idempotent(value):
    once = jcs_bytes(value)
    again = jcs_bytes(json.loads(once))
    assert once == again
    if isinstance(value, dict):
        loaded = parse_bytes(once)
        assert loaded.findings == [] and loaded.canonical is True


def test_known_vectors():
    assert jcs_number(1.0) == b"1" and jcs_number(1e21) == b"1e+21" and jcs_number(1e-7) == b"1e-7"
    assert jcs_number(-0.0) == b"0" and jcs_number(0.000001) == b"0.000001" and jcs_number(2**60 * 1.0) == b"1152921504606847000"
    assert jcs_bytes({"\U0001f600": 1, "\ue000": 2, "a": "\u001f\x7f"}) == '{"a":"\\u001f\x7f","\U0001f600":1,"\ue000":2}'.encode()
    assert math.isclose(float(jcs_number(5e-324)), 5e-324)


def test_chunk_id_and_manifest_are_stable_values():
    """Pinned by hand (changing either definition breaks every pack that declares
    packverify-v1): the JCS bytes are typed out here and hashed with hashlib — checked
    with ``printf '["src/a.py",1,10]' | sha256sum`` — never computed by the code under test."""
    import hashlib

    assert canonical_chunk_id("src/a.py", 1, 10) == "b1e0a00acad52eab"
    assert canonical_chunk_id("a", 12, 2) == hashlib.sha256(b'["a",12,2]').hexdigest()[:16]
    assert canonical_chunk_id("ä/😀", 1, 2) == hashlib.sha256('["ä/😀",1,2]'.encode()).hexdigest()[:16]
    assert manifest_digest("cl100k", []) == hashlib.sha256(b'{"chunks":[],"tokenizer":"cl100k"}').hexdigest()
    rows = [("b", "b.py", 1, 2, 3, "0" * 64), ("a", "a.py", 1, 2, 3, "1" * 64)]
    by_hand = ('{"chunks":[["a","a.py",1,2,3,"' + "1" * 64 + '"],["b","b.py",1,2,3,"' + "0" * 64 + '"]],'
               '"tokenizer":"%s"}')
    for tokenizer in ("cl100k", "o200k"):
        expected = hashlib.sha256((by_hand % tokenizer).encode()).hexdigest()
        assert manifest_digest(tokenizer, rows) == manifest_digest(tokenizer, rows[::-1]) == expected


def test_line_counting_rule():
    # docs/format.md §Lines, by hand
    assert [count_lines(t) for t in ("", "a", "a\n", "a\nb", "a\nb\n", "\n", "\n\n", "a\r\nb\r\n", "a\rb")] == \
        [0, 1, 1, 2, 2, 1, 2, 2, 1]


@given(json_values, st.integers(min_value=0, max_value=10_000), st.binary(max_size=3))
def test_streamed_comparison_finds_the_first_noncanonical_byte(value, position, junk):
    from packverify import canonical

    canonical._BATCH, saved = 2, canonical._BATCH  # force the batched path on small arrays
    try:
        good = jcs_bytes(value)
        assert canonical.first_noncanonical_byte(value, good) is None
        cut = position % (len(good) + 1)
        bad = good[:cut] + junk + good[cut:]
        expected = next((i for i in range(min(len(bad), len(good))) if bad[i] != good[i]), min(len(bad), len(good)))
        if bad != good:
            assert canonical.first_noncanonical_byte(value, bad) == expected
    finally:
        canonical._BATCH = saved


@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8), st.integers(0, 2**60), st.integers(0, 2**60),
                          st.integers(0, 2**53 - 1), st.text(max_size=8)), max_size=1200),
       st.sampled_from(["cl100k", "o200k", "ñ😀"]))
def test_manifest_digest_is_the_sha256_of_the_rfc8785_body(rows, tokenizer):
    ordered = sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))
    body = {"tokenizer": tokenizer, "chunks": [list(r) for r in ordered]}
    try:
        expected = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    except rfc8785.IntegerDomainError:  # the reference refuses integers beyond 2**53 that we render as doubles
        return
    assert manifest_digest(tokenizer, rows) == expected
