"""PackView.content_digests kept as one buffer: each item is what hashlib gives for the
text's UTF-8 bytes, ``None`` where a chunk has no content — by index, slice and iteration."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packverify.view import Digests


def expected(texts):
    return [None if t is None else hashlib.sha256(t.encode("utf-8")).digest() for t in texts]


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",))))))
def test_every_way_in_gives_hashlib_digests(texts):
    digests, want = Digests(texts), expected(texts)
    assert list(digests) == want and len(digests) == len(want)
    assert [digests[k] for k in range(len(want))] == want
    assert [digests[k - len(want)] for k in range(len(want))] == want
    assert digests[1:-1] == want[1:-1] and digests[::2] == want[::2]


def test_by_hand_and_out_of_range():
    digests = Digests(["", None, "é"])
    assert digests[0].hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256 of nothing
    assert digests[1] is None and digests[2] == hashlib.sha256(b"\xc3\xa9").digest()
    for index in (3, -4):
        with pytest.raises(IndexError):
            digests[index]
