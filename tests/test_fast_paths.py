"""The loader's and the oracles' fast paths (issue 13) against the implementations they
replaced, kept here as separate models, on adversarial input.

Each fast path is a shortcut that must never change a result: the quote count that
finds where a batch of array elements may end (``load_canonical._quotes``), the bulk
I-JSON scan (``load._bulk_scan``, against the node-by-node walk it skips, which is the
old scan unchanged), the shared chunk strings (``load_canonical._share``), the typed
chunk view (``PackView.chunks``) and the RFC 8785 shortcut for scalars
(``canonical.plain_scalars``, checked against the ``rfc8785`` reference)."""

from __future__ import annotations

import copy
import hashlib
import io

import orjson
import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

import packverify.load as load
import packverify.load_canonical as streaming
from packverify.canonical import jcs_bytes, plain_scalars
from packverify.format import canonical_chunk_id, manifest_digest
from packverify.load import MAX_DEPTH, Loaded, parse_bytes
from packverify.view import Chunk, PackView, as_int, as_str

# ---------------------------------------------------------------- the models (the code as it was)


def model_quotes(buf: bytearray, lo: int, hi: int) -> int:
    """Quotes not escaped by an odd run of backslashes: N0 − N1 + N2 − …, Nj counting
    quotes after at least j backslashes (load_canonical before issue 13's speed-up)."""
    total = buf.count(b'"', lo, hi)
    run, sign = b'\\"', -1
    while n := buf.count(run, lo, hi):
        total += sign * n
        run, sign = b"\\" + run, -sign
    return total


def model_share(items: list, memo: dict) -> None:
    for item in items:
        if type(item) is dict:
            for key in ("file_path", "language", "selected_mode"):
                value = item.get(key)
                if type(value) is str:
                    item[key] = memo.setdefault(value, value)


def model_chunks(chunk_list) -> list[Chunk]:
    out = []
    for i, c in enumerate(chunk_list or ()):
        if type(c) is not dict:
            continue
        g = c.get
        out.append(Chunk(
            i, as_str(g("id")), as_str(g("file_path")), as_int(g("start_line")),
            as_int(g("end_line")), as_int(g("tokens")), as_str(g("content_hash")),
            as_str(g("content")), as_str(g("selected_mode")), as_str(g("language")),
        ))
    return out


# ---------------------------------------------------------------- adversarial JSON

BIG = 2**53
ints = st.integers(-(2**64), 2**64) | st.sampled_from([BIG - 1, BIG, -BIG, -(BIG - 1), 2**63, -(2**63), 2**64 - 1])
floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1.0, -0.0, 1e16, 5e-324, 1e308])
keys = st.text(max_size=4) | st.sampled_from(["\U0001f600", "\uffff", "a\U00010000", "é"])
scalars = st.none() | st.booleans() | ints | floats | st.text(max_size=8)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(keys, inner, max_size=4), max_leaves=30)


def nested(depth: int, leaf) -> object:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@given(json_values, st.integers(0, 3))
def test_bulk_scan_clears_only_what_the_walk_clears(value, base_depth):
    base = ("",) * base_depth
    bulk = load._bulk_scan(value, len(base))
    walk = load._walk(value, False, base)
    if bulk is not None:
        assert walk.problems == [] and walk.needs_prepare is bulk
    scan = load._scan(value, base=base)  # what the loader uses: the same verdict either way
    assert [f.code for f in scan.problems] == [f.code for f in walk.problems]
    assert scan.needs_prepare is walk.needs_prepare


@pytest.mark.parametrize("depth", [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 5])
@pytest.mark.parametrize("leaf", [1, 1.5, 2**60, 2**64, "x", {"\U0001f600": 1}, []])
@pytest.mark.parametrize("base_depth", [0, 1])
def test_deep_nesting_and_big_numbers_agree_with_the_walk(depth, leaf, base_depth):
    value = nested(depth, leaf)
    base = ("",) * base_depth
    scan, walk = load._scan(value, base=base), load._walk(value, False, base)
    assert ([f.to_dict() for f in scan.problems], scan.needs_prepare) == (
        [f.to_dict() for f in walk.problems], walk.needs_prepare)


@given(json_values)
def test_whole_file_parse_is_unchanged(value):
    """parse_bytes on orjson-canonical and pretty bytes: findings and flags as the walk gives them."""
    for raw in (jcs_bytes({"v": value}), orjson.dumps({"v": value}, option=orjson.OPT_INDENT_2)
                if _orjson_can(value) else b"{}"):
        loaded = parse_bytes(raw)
        walk = load._walk(orjson.loads(raw), False, ())
        assert [f.code for f in loaded.findings if f.code != "parse.duplicate-key"] == [f.code for f in walk.problems]


def _orjson_can(value) -> bool:
    try:
        orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return False
    return True


@given(st.binary(max_size=60) | st.text(alphabet='"\\a},{]', max_size=80).map(str.encode), st.data())
def test_quote_count_equals_the_model(data, draw):
    buf = bytearray(data)
    lo = draw.draw(st.integers(0, len(buf)))
    hi = draw.draw(st.integers(lo, len(buf)))
    while lo > 0 and buf[lo - 1:lo] == b"\\":  # the contract: lo is not inside a run of backslashes
        lo -= 1
    assert streaming._quotes(buf, lo, hi) == model_quotes(buf, lo, hi)


chunk_values = st.one_of(st.text(max_size=6), ints, floats, st.booleans(), st.none(), st.just([1]), st.just({}))
chunk_dicts = st.dictionaries(st.sampled_from(["id", "file_path", "start_line", "end_line", "tokens", "content_hash",
                                               "content", "selected_mode", "language", "x-other"]), chunk_values)
chunk_lists = st.lists(chunk_dicts | st.sampled_from([1, "chunk", None, [], True]), max_size=8) | st.lists(
    st.fixed_dictionaries({"file_path": st.sampled_from(["a.py", "b.py"]), "language": st.just("python"),
                           "selected_mode": st.sampled_from(["full", "summary"])}), max_size=8)


@given(chunk_lists)
def test_chunk_view_equals_the_model(chunk_list):
    view = PackView(Loaded("p", b"", "0", {"chunks": chunk_list}))
    assert view.chunks == model_chunks(chunk_list)


@given(chunk_lists)
def test_shared_strings_equal_the_model(chunk_list):
    ours, theirs = copy.deepcopy(chunk_list), copy.deepcopy(chunk_list)
    memo_ours, memo_theirs = {}, {}
    streaming._share(ours, memo_ours)
    model_share(theirs, memo_theirs)
    assert ours == theirs and memo_ours == memo_theirs
    identities = [[id(v) for v in c.values()] if type(c) is dict else None for c in ours]
    expected = [[id(memo_ours[v]) if k in ("file_path", "language", "selected_mode") and type(v) is str else id(c[k])
                 for k, v in c.items()] if type(c) is dict else None for c in ours]
    assert identities == expected  # every shared field holds the memo's one object


@given(st.lists(st.none() | st.booleans() | ints | floats | st.text(max_size=6), max_size=8))
def test_plain_scalars_are_written_as_rfc8785_writes_them(values):
    if plain_scalars(values):
        assert jcs_bytes(values, prepared=True) == rfc8785.dumps(values)
    else:
        assert any(type(v) is float or (type(v) is int and abs(v) >= BIG) for v in values)


@given(st.text(max_size=8), ints, ints)
def test_chunk_ids_equal_the_definition(path, start, end):
    if abs(start) < BIG and abs(end) < BIG:
        expected = hashlib.sha256(rfc8785.dumps([path, start, end])).hexdigest()[:16]
    else:  # beyond rfc8785's integer domain: the general serialiser (tests/test_canonical.py trusts it)
        expected = hashlib.sha256(jcs_bytes([path, start, end])).hexdigest()[:16]
    assert canonical_chunk_id(path, start, end) == expected


@given(st.lists(st.tuples(st.text(max_size=4), st.text(max_size=4), ints, ints, ints, st.text(max_size=4)), max_size=6))
def test_manifest_digest_equals_the_definition(rows):
    ordered = sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))
    document = {"chunks": [list(r) for r in ordered], "tokenizer": "cl100k"}
    expected = hashlib.sha256(jcs_bytes(document)).hexdigest()  # the general (prepared) serialiser, whole
    assert manifest_digest("cl100k", rows) == expected


def test_a_batch_cut_after_a_string_ending_in_a_lookalike_is_refused_by_orjson():
    """``},{"`` where a string ends in ``},{``: the quick cut fails to parse and the
    counting search finds the real end — same document as orjson's."""
    chunks = [{"content": "x},{", "id": "a"}, {"content": 'y},{"', "id": "b"}, {"content": "},{" * 50, "id": "c"}] * 40
    data = jcs_bytes({"chunks": chunks, "z": 1})
    saved = streaming.BLOCK, streaming.BATCH
    for size in [(7, 5), (64, 48), (4096, 100)]:
        streaming.BLOCK, streaming.BATCH = size
        try:
            result = streaming.read_canonical(io.BytesIO(data), load._scan)
        finally:
            streaming.BLOCK, streaming.BATCH = saved
        assert result is not None and result[0] == orjson.loads(data)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_it_was_after_a_check_and_a_failing_oracle(enabled, monkeypatch):
    """engine pauses the cyclic collector while the oracles run: it must come back on
    (or stay off) whatever happens, an oracle crashing included."""
    import gc

    from helpers import check_doc, valid_doc

    import packverify.oracles.stats as stats

    def broken(pack, ctx):
        raise RuntimeError("planted")
        yield

    monkeypatch.setattr(stats, "check", broken)
    (gc.enable if enabled else gc.disable)()
    try:
        report = check_doc(valid_doc())
        assert "stats.internal-error" in {f.code for f in report.findings}
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
