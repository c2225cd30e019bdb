"""The shared reader machinery against naive references: locations and decoding."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from packverify.readers.base import Locator, decode


def naive(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@given(st.text(alphabet="ab\n\r é😀", max_size=200), st.lists(st.integers(0, 200), max_size=30))
def test_locator_matches_the_naive_count_in_any_query_order(text, offsets):
    locate = Locator(text)
    for offset in offsets:
        offset = min(offset, len(text))
        location = locate(offset)
        assert (location.line, location.column) == naive(text, offset)


@given(st.binary(max_size=100))
def test_decode_locates_the_first_bad_byte(raw):
    text, findings = decode(raw)
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        expected = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        assert [f.code for f in findings] == ["parse.invalid-utf8"]
        prefix = body[:exc.start].decode("utf-8")  # everything before the first bad byte is valid
        assert (findings[0].location.line, findings[0].location.column) == naive(prefix, len(prefix))
        assert text == body.decode("utf-8", "replace")
    else:
        assert (text, findings) == (expected, [])
