"""Two implementations of docs/format.md, checked against the page and each other.

``packverify.strategies.reference_*`` is the strategies' own implementation (rfc8785,
hashlib, tiktoken's own loader) that the suites take expected values from; it is
pinned here by vectors worked out by hand from docs/format.md. ``packverify.format``
(what the oracles, the packer and the readers use) is then compared with it on
generated inputs — a differential test: two implementations written apart, one of
them checked by hand, so a wrong rule in either shows.
"""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from packverify import format as fmt
from packverify.strategies import (
    reference_chunk_id,
    reference_content_hash,
    reference_digest,
    reference_line_count,
    reference_lines,
    reference_sorted,
    reference_spans,
    reference_token_count,
    reference_underflow_floor,
)

# ------------------------------------------------------------------ the reference, by hand


def test_the_reference_follows_the_page():
    # §Chunk id's own example, and printf '["src/a.py",1,10]' | sha256sum | cut -c1-16
    assert reference_chunk_id("src/a.py", 1, 10) == "b1e0a00acad52eab"
    # §manifest_digest: an empty pack under cl100k
    assert reference_digest("cl100k", []) == hashlib.sha256(b'{"chunks":[],"tokenizer":"cl100k"}').hexdigest()
    # §Lines' own examples
    assert [reference_line_count(t) for t in ("", "a", "a\n", "a\nb", "\n\n")] == [0, 1, 1, 2, 2]
    assert reference_lines("a\r\nb\rc\n\nd") == ["a\r\n", "b\rc\n", "\n", "d"]  # LF only; CR stays in its line
    # §Chunk content_hash: sha256 of the UTF-8 bytes ("é" is c3 a9)
    assert reference_content_hash("é") == hashlib.sha256(b"\xc3\xa9").hexdigest()
    # §Chunk order by code point: "Z" (5a) < "a" (61) < "é" (e9) < "😀" (1f600); then lines, then id
    chunks = [{"file_path": p, "start_line": s, "end_line": e, "id": i}
              for p, s, e, i in [("😀", 1, 1, "a"), ("é", 1, 1, "a"), ("a", 2, 2, "a"), ("a", 1, 3, "a"),
                                 ("a", 1, 2, "b"), ("a", 1, 2, "a"), ("Z", 9, 9, "a")]]
    assert [(c["file_path"], c["start_line"], c["end_line"], c["id"]) for c in reference_sorted(chunks)] == [
        ("Z", 9, 9, "a"), ("a", 1, 2, "a"), ("a", 1, 2, "b"), ("a", 1, 3, "a"), ("a", 2, 2, "a"), ("é", 1, 1, "a"),
        ("😀", 1, 1, "a")]
    # §body_spans: byte ranges of the UTF-8 contents one after another; no content takes no bytes
    assert reference_spans([{"id": "x", "content": "é\n"}, {"id": "y"}, {"id": "z", "content": "ab"}]) == [
        {"chunk_id": "x", "start": 0, "end": 3}, {"chunk_id": "y", "start": 3, "end": 3},
        {"chunk_id": "z", "start": 3, "end": 5}]
    # §budget_info: min(target, total) x (1 - allowed)
    assert reference_underflow_floor(1000, 5000, 0.0) == 1000.0
    assert reference_underflow_floor(1000, 400, 0.5) == 200.0
    assert reference_underflow_floor(1000, None, 0.005) == 1000 * (1 - 0.005)
    # tiktoken's own published ids for "hello world" (2 tokens), and special-token text counted as text
    assert reference_token_count("cl100k", "hello world") == reference_token_count("o200k", "hello world") == 2
    assert reference_token_count("cl100k", "<|endoftext|>") == 7


def test_a_digest_worked_out_by_hand():
    chunk = {"id": "b1e0a00acad52eab", "file_path": "src/a.py", "start_line": 1, "end_line": 10, "tokens": 7,
             "content_hash": "0" * 64}
    typed = ('{"chunks":[["b1e0a00acad52eab","src/a.py",1,10,7,"' + "0" * 64 + '"]],"tokenizer":"o200k"}').encode()
    assert reference_digest("o200k", [chunk]) == hashlib.sha256(typed).hexdigest()


# ------------------------------------------------------------------ packverify.format against it

paths = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
lines = st.integers(min_value=1, max_value=2**31)
texts = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from("\n\r"), max_size=60)


@st.composite
def chunk_documents(draw):
    out = []
    for _ in range(draw(st.integers(0, 6))):
        path, start = draw(paths), draw(lines)
        content = draw(texts)
        out.append({"id": draw(st.sampled_from(["", "a", "b"])) or reference_chunk_id(path, start, start),
                    "file_path": path, "start_line": start, "end_line": start + draw(st.integers(0, 5)),
                    "tokens": draw(st.integers(0, 10**6)), "content_hash": reference_content_hash(content),
                    "content": content})
    return out


@given(paths, lines, lines, texts)
def test_ids_hashes_and_lines_agree(path, start, end, text):
    assert fmt.canonical_chunk_id(path, start, end) == reference_chunk_id(path, start, end)
    assert fmt.hash_content(text) == reference_content_hash(text)
    assert fmt.split_lines(text) == reference_lines(text)
    assert fmt.count_lines(text) == reference_line_count(text)
    assert fmt.split_lines(text.encode()) == [line.encode() for line in reference_lines(text)]
    assert fmt.utf8_length(text) == len(text.encode("utf-8"))


@given(chunk_documents(), st.sampled_from(["cl100k", "o200k", "gpt2"]))
def test_order_digest_and_spans_agree(chunks, tokenizer):
    assert fmt.manifest_digest(tokenizer, fmt.manifest_rows(chunks)) == reference_digest(tokenizer, chunks)
    assert fmt.body_spans_of(chunks) == reference_spans(chunks)
    ordered = sorted(chunks, key=lambda c: fmt.chunk_order_key(c["file_path"], c["start_line"], c["end_line"],
                                                                c["id"]))
    assert ordered == reference_sorted(chunks)


@given(chunk_documents(), st.lists(st.sampled_from(["python", "markdown", None]), max_size=6))
def test_selection_totals_agree_with_a_count_by_hand(chunks, languages):
    rows = [(c["file_path"], c["tokens"], lang) for c, lang in zip(chunks, languages + [None] * len(chunks))]
    totals = fmt.selection_totals(rows)
    assert totals.files == len({path for path, _, _ in rows})
    assert totals.tokens == sum(tokens for _, tokens, _ in rows)
    expected: dict[str, set] = {}
    for path, _, language in rows:
        if language is not None:
            expected.setdefault(language, set()).add(path)
    assert totals.languages == {language: len(files) for language, files in expected.items()}


@given(st.integers(0, 10**7), st.one_of(st.none(), st.integers(0, 10**7)), st.floats(0, 0.005))
def test_the_underflow_floor_agrees(target, total, allowed):
    assert fmt.underflow_floor(target, total, allowed) == reference_underflow_floor(target, total, allowed)


def test_the_format_constants_are_the_pages():
    assert fmt.ZERO_COMMIT == "0" * 40 and fmt.DEFAULT_UNDERFLOW == 0.005
    assert fmt.SERIALIZATION == "rfc8785" and fmt.CHUNK_ID_SCHEME == "packverify-v1"
    assert fmt.MANIFEST_ROW == ("id", "file_path", "start_line", "end_line", "tokens", "content_hash")
