"""integrity — hashes and digests match what they summarise.

* ``content_hash == sha256(UTF-8 content)`` for every chunk that carries content;
* ``manifest_digest``, when present, equals the digest of docs/format.md
  §manifest_digest (tokenizer + every chunk's id, path, lines, tokens, hash);
* ``body_spans``, when present, match the chunks one to one, in order: same ids,
  increasing non-overlapping ``[start, end)`` byte ranges, and ``end − start`` equal
  to the content's UTF-8 length where content is present.

Skipped when there is nothing to verify (no content, no digest, no spans).

A pack in another format: every digest and span list it states is recomputed by the
format's own definition from what the pack holds (PackRepo's ``manifest_digest`` over its
index and the body's length, its ``body_spans`` from the index) and a difference is
reported at its line:column. Formats that carry neither are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from packverify.format import MANIFEST_ROW, ordered_manifest_digest, utf8_length
from packverify.model import Finding
from packverify.oracles._base import ERROR, Code
from packverify.view import as_int, as_str

NAME = "integrity"

CODES = {
    "integrity.content-hash-mismatch": Code("Content hash mismatch", ERROR,
                                            "content_hash must be the sha256 of the chunk's UTF-8 content.",
                                            "content edited after hashing"),
    "integrity.manifest-digest-mismatch": Code("Manifest digest mismatch", ERROR,
                                               "manifest_digest does not summarise the chunks the pack holds.",
                                               "a chunk removed after the digest was computed"),
    "integrity.body-span-count": Code("Body span count", ERROR, "There must be exactly one body span per chunk.",
                                      "40 chunks, 39 spans"),
    "integrity.body-span-mismatch": Code("Body span for another chunk", ERROR,
                                         "body_spans[k] must belong to chunks[k].", "spans listed in another order"),
    "integrity.body-span-order": Code("Body spans out of order or overlapping", ERROR,
                                      "Spans must be increasing, non-overlapping byte ranges with start <= end.",
                                      "start 120 before the previous end 140"),
    "integrity.body-span-length": Code("Body span length", ERROR,
                                       "A span's length must be its chunk's UTF-8 content length.",
                                       "end - start = 90, content is 92 bytes"),
}


def requires(pack, ctx) -> str | None:
    has_content = any(c.content is not None for c in pack.chunks)
    if not has_content and "manifest_digest" not in pack.doc and "body_spans" not in pack.doc:
        return "nothing to verify: no chunk carries content, and there is no manifest_digest or body_spans"
    return None


def check(pack, ctx) -> Iterator[Finding]:
    for chunk, digest in zip(pack.chunks, pack.content_digests):
        if digest is None or chunk.content_hash is None:
            continue
        actual = digest.hex()  # format.hash_content, hashed once per check by the view
        if actual != chunk.content_hash:
            yield Finding("integrity.content-hash-mismatch", chunk.path + ("content_hash",),
                          "content_hash is not the sha256 of the chunk's content",
                          expected=actual, actual=chunk.content_hash)
    yield from _manifest(pack)
    yield from _body_spans(pack)


def _manifest(pack) -> Iterator[Finding]:
    claimed = as_str(pack.doc.get("manifest_digest"))
    name = pack.tokenizer_name
    chunk_list = pack.chunk_list
    if claimed is None or name is None or chunk_list is None or len(pack.chunks) != len(chunk_list):
        return
    chunks = pack.chunks  # the view's fields are named as in JSON
    if any(None in map(attrgetter(field), chunks) for field in MANIFEST_ROW):
        return  # the schema reports what is missing; the digest cannot be judged
    # the chunks put in canonical order (format.chunk_order_key) and their rows made a
    # batch at a time: no list of every row at the peak of the check
    ordered = sorted(chunks, key=attrgetter("file_path", "start_line", "end_line", "id"))
    actual = ordered_manifest_digest(name, map(attrgetter(*MANIFEST_ROW), ordered))
    if actual != claimed:
        yield Finding("integrity.manifest-digest-mismatch", ("manifest_digest",),
                      "manifest_digest does not match the chunks", expected=actual, actual=claimed)


def _body_spans(pack) -> Iterator[Finding]:
    spans = pack.doc.get("body_spans")
    if type(spans) is not list or pack.chunk_list is None:
        return
    chunk_list = pack.chunk_list
    if len(spans) != len(chunk_list):
        yield Finding("integrity.body-span-count", ("body_spans",),
                      f"{len(spans)} body spans for {len(chunk_list)} chunks",
                      expected=len(chunk_list), actual=len(spans))
    by_index = {c.index: c for c in pack.chunks}
    previous_end = 0
    for k, span in enumerate(spans[: len(chunk_list)]):
        if type(span) is not dict:
            continue
        start, end, span_id = as_int(span.get("start")), as_int(span.get("end")), as_str(span.get("chunk_id"))
        chunk = by_index.get(k)
        if chunk is not None and span_id is not None and chunk.id is not None and span_id != chunk.id:
            yield Finding("integrity.body-span-mismatch", ("body_spans", k, "chunk_id"),
                          f"body_spans[{k}] is for chunk {span_id!r}, but chunks[{k}] is {chunk.id!r}",
                          expected=chunk.id, actual=span_id)
        if start is None or end is None:
            continue
        if end < start or start < previous_end:
            yield Finding("integrity.body-span-order", ("body_spans", k),
                          f"span [{start}, {end}) is inverted or overlaps the previous span ending at {previous_end}",
                          expected=f"{previous_end} <= start <= end", actual=[start, end])
        elif chunk is not None and chunk.content is not None:
            length = utf8_length(chunk.content)
            if end - start != length:
                yield Finding("integrity.body-span-length", ("body_spans", k),
                              f"span length {end - start} but the chunk's content is {length} bytes",
                              expected=length, actual=end - start)
        previous_end = max(previous_end, end)


def requires_foreign(view, ctx) -> str | None:
    return view.unjudgeable("digest or span", "digest", "span")


def check_foreign(view, ctx) -> Iterator[Finding]:
    for stated, value, where, note in view.false_claims("digest", "span"):
        claim = stated.claim
        code = "integrity.manifest-digest-mismatch" if claim.kind == "digest" else "integrity.body-span-mismatch"
        what = "does not match what the pack holds" if claim.kind == "digest" else "differ from the index they repeat"
        yield Finding(code, (), f"{claim.subject} {what}{note}", expected=value, actual=claim.claimed, location=where)
