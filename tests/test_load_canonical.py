"""Reading canonical packs in pieces (packverify.load_canonical) gives exactly what
reading them whole gives, and declines everything else.

The reference is orjson parsing the whole file plus rfc8785's serialisation (the
independent JCS implementation tests/test_canonical.py already trusts): a streamed
result must be that document, and the file must be its canonical bytes."""

from __future__ import annotations

import hashlib
import io
import json

import orjson
import pytest
import rfc8785
from helpers import valid_doc, write
from hypothesis import given
from hypothesis import strategies as st

import packverify.load as load
import packverify.load_canonical as streaming
from packverify.load import STREAM_MIN_BYTES, parse_bytes, read_pack
from packverify.packer.assemble import Selection
from packverify.strategies import packs

# Block and batch sizes: tiny ones put every cut and refill at awkward places.
SIZES = [(7, 5), (64, 48), (4 << 20, 1 << 20)]
sizes = st.sampled_from(SIZES)


def streamed(data: bytes, size: tuple[int, int]):
    saved = streaming.BLOCK, streaming.BATCH
    streaming.BLOCK, streaming.BATCH = size
    try:
        return streaming.read_canonical(io.BytesIO(data), load._scan)
    finally:
        streaming.BLOCK, streaming.BATCH = saved


def assert_agrees(data: bytes, size: tuple[int, int]):
    result = streamed(data, size)
    if result is None:
        return None
    document, sha256, size, plain = result
    assert document == orjson.loads(data)
    assert rfc8785.dumps(document) == data
    assert sha256 == hashlib.sha256(data).hexdigest() and size == len(data)
    return result


# Content that is full of would-be ends: every cut at '},' '}]' '",' ... inside strings must fail to parse.
TRICKY = ['},{"a":1}', '}]', '"],"x":[', '\\"},', '{}[]', '\\\\"}]', '},{"content":"', 'é},😀]', "\n},\r\n}]"]


@given(packs(tokenizer=None), st.lists(st.sampled_from(TRICKY), max_size=6), sizes)
def test_canonical_packs_stream_to_the_same_document(doc, extras, size):
    if extras and doc["chunks"]:
        doc["chunks"][0]["content"] += "".join(extras)  # the pack need not be valid here, only canonical
    data = rfc8785.dumps(doc)
    assert assert_agrees(data, size) is not None


NOT_CANONICAL = [
    lambda b: b + b"\n",
    lambda b: b" " + b,
    lambda b: b.replace(b'","', b'", "', 1),
    lambda b: b.replace(b'{"budget_info"', b'{"budget_info":{},"budget_info"', 1),  # a duplicate key
    lambda b: b.replace(b'"tokens":', b'"tokens":1,"tokens":', 1),  # a duplicate key inside a chunk
    lambda b: b.replace(b'"start_line":1,', b'"start_line":1.0,', 1),
    lambda b: b[:-1],
    lambda b: b[: len(b) // 2],
    lambda b: b.replace(b'"chunks":[', b'"chunks":[ ', 1),
    lambda b: json.dumps(json.loads(b), indent=1).encode(),
    lambda b: json.dumps(json.loads(b)).encode(),  # ", " and ": " separators
    lambda b: b.replace(b"{", b"\xef\xbb\xbf{", 1),
    lambda b: b.replace(b'"content":"', b'"content":"\xff', 1),  # invalid UTF-8
    lambda b: b.replace(b'"content":"', b'"content":"\\ud800', 1),  # a lone surrogate: the ordinary path says so
    lambda b: b"[" + b + b"]",
    lambda b: b.replace(b'"metadata"', b'"aaaa":1,"metadata"', 1),  # keys out of order
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mutate", NOT_CANONICAL)
def test_everything_else_is_declined_and_read_the_ordinary_way(mutate, size):
    data = mutate(rfc8785.dumps(valid_doc()))
    assert streamed(data, size) is None


@pytest.mark.parametrize("size", SIZES)
def test_deep_nesting_is_declined_so_the_ordinary_path_reports_it(size):
    doc = valid_doc()
    doc["metadata"]["x-deep"] = nested = []
    for _ in range(200):
        nested.append([])
        nested = nested[0]
    data = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    assert streamed(data, size) is None
    assert [f.code for f in parse_bytes(data).findings] == ["parse.too-deep"]


@pytest.mark.parametrize("size", SIZES)
def test_floats_and_non_bmp_keys_follow_rfc8785(size):
    doc = valid_doc()
    doc["metadata"]["x-numbers"] = [0.5, 0.1, 1e-7, -0.0, 123456789.125, 1e-300, 2.5e-5]
    doc["metadata"]["x-keys"] = {"\U0001f600": 1, "\uffff": 2, "a": 3}
    data = rfc8785.dumps(doc)
    result = assert_agrees(data, size)
    assert result is not None and result[3] is False  # not plain: the JCS number/key pass was needed


@given(st.binary(max_size=200) | st.builds(lambda b, i, x: b[:i] + x + b[i:], st.just(rfc8785.dumps(valid_doc())),
                                              st.integers(0, 2000), st.binary(min_size=1, max_size=4)), sizes)
def test_arbitrary_bytes_never_raise_and_never_disagree(data, size):
    assert_agrees(data, size)


def test_read_pack_streams_large_files_and_agrees_with_the_ordinary_path(tmp_path):
    line = "x = [{'a': 1},{\"b\": 'é]'}]  # },{ }] \\\"\n"
    selections = [Selection(f"src/m{i:04d}.py", 1, 40, line * 40, language="python") for i in range(STREAM_MIN_BYTES // 1500)]
    doc = valid_doc(selections=selections, total_files=10**4, total_chunks=10**4)
    data = rfc8785.dumps(doc)
    assert len(data) >= STREAM_MIN_BYTES
    path = write(tmp_path, "big.json", raw=data)
    loaded = read_pack(str(path))
    whole = parse_bytes(data, path=str(path))
    assert loaded.raw == b"" and loaded.canonical is True and loaded.findings == []
    assert loaded.document == whole.document and loaded.sha256 == whole.sha256 and loaded.size == len(data)
    assert (loaded.plain, loaded.canonical) == (whole.plain, whole.canonical)


def test_a_large_non_canonical_file_gets_the_ordinary_findings(tmp_path):
    doc = valid_doc()
    doc["metadata"]["x-filler"] = ["y" * 1000] * (STREAM_MIN_BYTES // 1000 + 2)
    data = rfc8785.dumps(doc).replace(b'"tokens":', b'"tokens":7,"tokens":', 1)
    path = write(tmp_path, "dup.json", raw=data)
    assert [f.code for f in read_pack(str(path)).findings] == ["parse.duplicate-key"]
