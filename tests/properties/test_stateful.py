"""A pack edited step by step — chunks added, removed, split, moved to another
file, made to overlap, the budget changed — while a simple model predicts the
verdict after every step.

The editor updates the document incrementally, the way an interactive packer
would (insert at the canonical position, then refresh actual_tokens, utilization,
statistics lower bounds, manifest_digest and body_spans). The model knows only
ranges, token counts and the budget, and predicts exactly which codes the engine
reports:

* Σ tokens > target_budget → ``budget.overflow`` and ``tokens.real-overflow``
  (plus ``schema.range`` once utilization passes the schema's 1.005);
* Σ tokens < min(target_budget, available) × 0.995 → ``budget.underflow``, where
  available = max(tokens of the whole repository, Σ tokens);
* two chunks of a file sharing a line → ``overlap.shared-lines``; the same range
  twice → also ``overlap.duplicate-id`` (canonical ids depend on the range only).

The editor and the model compute lines, ids, hashes, counts, the digest and the spans
with the strategies' reference implementation of the format (``rfc8785``, hashlib,
tiktoken's own loader) — nothing the oracles use — so a shared bug cannot hide.
"""

from __future__ import annotations

import bisect

from helpers import check_doc, profile_settings
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from packverify.strategies import (
    REFERENCE_UNDERFLOW,
    file_texts,
    reference_chunk_id,
    reference_content_hash,
    reference_digest,
    reference_lines,
    reference_pack,
    reference_spans,
    reference_token_count,
    reference_underflow_floor,
)

PATHS = ("README.md", "src/app.py", "docs/guide/ünïcode.md", "src/数据.py", "z/😀 notes.txt")
# A text, sometimes repeated so that the repository outgrows a 1000-token budget.
def _repeat(text_and_times: tuple[str, int]) -> str:
    text, times = text_and_times
    if times == 1:
        return text
    return (text if text.endswith("\n") else text + "\n") * times


TEXTS = st.tuples(file_texts(min_lines=1, max_lines=25), st.sampled_from([1, 1, 20, 60])).map(_repeat)
FILES = st.dictionaries(st.sampled_from(PATHS), TEXTS, min_size=1, max_size=3)


class PackEditor(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, list[str]] = {}
        self.ranges: list[tuple[str, int, int]] = []  # the model: what is selected
        self.doc: dict = {}

    # -------------------------------------------------------------- the editor

    @initialize(files=FILES, tokenizer=st.sampled_from(["cl100k", "o200k"]), budget=st.integers(1000, 4000),
                spans=st.booleans())
    def start(self, files, tokenizer, budget, spans):
        self.lines = {path: reference_lines(text) for path, text in files.items()}
        self.tokenizer = tokenizer
        self.repo_tokens = sum(reference_token_count(tokenizer, t) for t in files.values())
        self.doc = reference_pack([], target_budget=budget, tokenizer=tokenizer, total_files=len(files),
                                  total_chunks=len(files), total_tokens=self.repo_tokens, body_spans=spans)

    def _text(self, path: str, start: int, end: int) -> str:
        return "".join(self.lines[path][start - 1:end])

    def _insert(self, path: str, start: int, end: int) -> None:
        content = self._text(path, start, end)
        chunk = {"id": reference_chunk_id(path, start, end), "file_path": path, "start_line": start,
                 "end_line": end, "tokens": reference_token_count(self.tokenizer, content),
                 "content_hash": reference_content_hash(content), "content": content, "selected_mode": "full"}
        # the canonical position (docs/format.md §Chunk order: UTF-8 bytes of the path, lines, id)
        keys = [(c["file_path"].encode(), c["start_line"], c["end_line"], c["id"]) for c in self.doc["chunks"]]
        at = bisect.bisect(keys, (path.encode(), start, end, chunk["id"]))
        self.doc["chunks"].insert(at, chunk)
        self.ranges.append((path, start, end))

    def _remove(self, i: int) -> tuple[str, int, int]:
        chunk = self.doc["chunks"].pop(i)
        where = (chunk["file_path"], chunk["start_line"], chunk["end_line"])
        self.ranges.remove(where)
        return where

    def _refresh(self) -> None:
        doc, chunks = self.doc, self.doc["chunks"]
        actual = sum(c["tokens"] for c in chunks)
        info, stats = doc["budget_info"], doc["statistics"]
        info["actual_tokens"] = actual
        info["utilization"] = actual / info["target_budget"]
        stats["total_chunks"] = max(len(self.lines), len(chunks))
        stats["total_tokens"] = max(self.repo_tokens, actual)
        doc["manifest_digest"] = reference_digest(doc["tokenizer_info"]["name"], chunks)
        if "body_spans" in doc:
            doc["body_spans"] = reference_spans(chunks)

    def _free(self, path: str) -> list[int]:
        taken = {n for p, s, e in self.ranges if p == path for n in range(s, e + 1)}
        return [n for n in range(1, len(self.lines[path]) + 1) if n not in taken]

    # -------------------------------------------------------------- the rules

    @rule(data=st.data())
    def add_chunk(self, data):
        path = data.draw(st.sampled_from(sorted(self.lines)))
        free = self._free(path)
        if not free:
            return
        start = data.draw(st.sampled_from(free))
        end, length = start, data.draw(st.integers(1, 120))
        while end + 1 in free and end - start + 1 < length:
            end += 1
        self._insert(path, start, end)
        self._refresh()

    @precondition(lambda self: self.ranges)
    @rule(data=st.data())
    def add_overlapping_chunk(self, data):
        path, s, e = data.draw(st.sampled_from(sorted(self.ranges)))
        size = len(self.lines[path])
        start = data.draw(st.integers(max(1, s - 2), e))
        end = data.draw(st.integers(max(start, s), min(size, e + 2)))
        if (path, start, end) in self.ranges:
            return
        self._insert(path, start, end)
        self._refresh()

    @precondition(lambda self: self.ranges)
    @rule(data=st.data())
    def remove_chunk(self, data):
        self._remove(data.draw(st.integers(0, len(self.doc["chunks"]) - 1)))
        self._refresh()

    @precondition(lambda self: any(e > s for _, s, e in self.ranges))
    @rule(data=st.data())
    def split_chunk(self, data):
        candidates = [i for i, c in enumerate(self.doc["chunks"]) if c["end_line"] > c["start_line"]]
        path, start, end = self._remove(data.draw(st.sampled_from(candidates)))
        cut = data.draw(st.integers(start, end - 1))
        self._insert(path, start, cut)
        self._insert(path, cut + 1, end)
        self._refresh()

    @precondition(lambda self: self.ranges and len(self.lines) > 1)
    @rule(data=st.data())
    def move_chunk(self, data):
        i = data.draw(st.integers(0, len(self.doc["chunks"]) - 1))
        chunk = self.doc["chunks"][i]
        length = chunk["end_line"] - chunk["start_line"] + 1
        targets = [p for p in sorted(self.lines) if p != chunk["file_path"] and len(self.lines[p]) >= length]
        if not targets:
            return
        target = data.draw(st.sampled_from(targets))
        start = data.draw(st.integers(1, len(self.lines[target]) - length + 1))
        self._remove(i)
        self._insert(target, start, start + length - 1)
        self._refresh()

    @rule(budget=st.integers(1000, 6000))
    def change_budget(self, budget):
        self.doc["budget_info"]["target_budget"] = budget
        self._refresh()

    # -------------------------------------------------------------- the model

    def predicted(self) -> set[str]:
        tokens = [reference_token_count(self.tokenizer, self._text(*r)) for r in self.ranges]
        actual, target = sum(tokens), self.doc["budget_info"]["target_budget"]
        codes = set()
        if actual > target:
            codes |= {"budget.overflow", "tokens.real-overflow"}
            if actual / target > 1.005:
                codes.add("schema.range")
        if actual < reference_underflow_floor(target, max(self.repo_tokens, actual), REFERENCE_UNDERFLOW):
            codes.add("budget.underflow")
        for a in self.ranges:
            for b in self.ranges:
                if a is not b and a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]:
                    codes.add("overlap.shared-lines")
        if len(set(self.ranges)) != len(self.ranges):
            codes.add("overlap.duplicate-id")
        return codes

    @invariant()
    def the_model_predicts_the_verdict(self):
        if not self.doc:
            return
        report = check_doc(self.doc, strict=True)
        got = {f.code for f in report.findings}
        expected = self.predicted()
        event(f"predicted {' '.join(sorted(expected)) or 'pass'}")
        assert got == expected, (sorted(got), sorted(expected), [f.message for f in report.findings])
        assert report.verdict.value == ("fail" if expected else "pass")


# Half the profile's examples (30 runs of 12 steps under ci): each step runs every oracle.
PackEditor.TestCase.settings = profile_settings(multiplier=0.5, stateful_step_count=12)
TestPackEditor = PackEditor.TestCase
