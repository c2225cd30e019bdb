"""RFC 8785 at its edges, compared with the reference implementation (``rfc8785``) on a
fixed table rather than on whatever hypothesis draws under the small ``mutmut``
profile: ECMAScript number formatting at every branch boundary, integers around
2**53, keys just inside and outside the Basic Multilingual Plane, and the streamed
comparison (``first_noncanonical_byte``) at piece and batch boundaries."""

from __future__ import annotations

import math

import orjson
import pytest

from packverify.canonical import first_noncanonical_byte, jcs_bytes, jcs_number

rfc8785 = pytest.importorskip("rfc8785")

FLOATS = [0.5, 1.5, 12.5, 100.0, 1e20, 1.5e20, 1e21, 1.5e21, 123e18, 1e-6, 1.5e-6, 1e-7, 1.25e-7, 0.1, 1 / 3,
          5e-324, 1.7976931348623157e308, -0.0, -1e21, -1e-7, 2.0**53, 2.0**53 + 2, 1e16, 123456789.125]


@pytest.mark.parametrize("value", FLOATS, ids=repr)
def test_numbers_are_formatted_as_ecmascript_does(value):
    assert jcs_number(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [2**53 - 1, -(2**53 - 1), 2**53, 2**53 + 1, -(2**53 + 1), 2**54 - 1, 2**54 + 3,
                                   3**40, 10**20, 10**21 + 1, 106, 2**60 + 1])
def test_integers_beyond_2_53_mean_their_double(value):
    expected = rfc8785.dumps(float(value)) if abs(value) > 2**53 - 1 else str(value).encode()
    assert jcs_number(value) == expected
    assert jcs_bytes({"a": value}) == b'{"a":' + expected + b"}"
    assert jcs_bytes([value]) == b"[" + expected + b"]"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_have_no_json(value):
    with pytest.raises(ValueError, match="has no JSON representation"):
        jcs_number(value)


@pytest.mark.parametrize("keys", [["\uffff", "\U00010000"], ["\U0001f600", "\ufb01", "z"], ["é", "e", "\u00ff"],
                                  ["\U00010000", "\U0010ffff", "\ud7ff"]])
def test_keys_are_ordered_by_utf16_code_units(keys):
    document = {k: i for i, k in enumerate(keys)}
    assert jcs_bytes(document) == rfc8785.dumps(document)
    assert jcs_bytes({"outer": [document]}) == rfc8785.dumps({"outer": [document]})


def _unsorted(n: int) -> list:
    return [{"b": i, "a": [{"d": 1, "c": 2}]} for i in range(n)]


@pytest.mark.parametrize("n", [3, 511, 512, 513, 1100])
def test_first_noncanonical_byte_sorts_keys_in_every_piece_and_batch(n):
    document = {"z": _unsorted(n), "a": 1.5}
    canonical = rfc8785.dumps(document)
    assert jcs_bytes(document) == canonical
    assert first_noncanonical_byte(document, canonical) is None
    assert first_noncanonical_byte(orjson.loads(canonical), canonical, prepared=True) is None
    changed = bytearray(canonical)
    position = canonical.rindex(b'"b":') + 4
    changed[position] = ord("9") if changed[position] != ord("9") else ord("8")
    assert first_noncanonical_byte(document, bytes(changed)) == position


def test_first_noncanonical_byte_of_truncated_and_extended_bytes():
    document = {"a": 1, "b": [1, 2, 3], "c": "text"}
    canonical = jcs_bytes(document)
    assert canonical == b'{"a":1,"b":[1,2,3],"c":"text"}'
    for cut in range(len(canonical)):
        assert first_noncanonical_byte(document, canonical[:cut]) == cut
    assert first_noncanonical_byte(document, canonical + b"\n") == len(canonical)
    assert first_noncanonical_byte(document, b"") == 0


def test_prepared_documents_are_written_as_they_are():
    assert jcs_bytes({"b": 1, "a": [2, {"d": 3, "c": 4}]}, prepared=True) == b'{"a":[2,{"c":4,"d":3}],"b":1}'
    assert jcs_bytes({"a": 1.0}) == b'{"a":1}'
