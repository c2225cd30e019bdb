"""The budget, tokens, stats and integrity oracles on packs of other tools (check_foreign /
requires_foreign and the claim machinery of packverify.foreign_view).

Every pack is written here by hand (scribe and PackRepo, whose claims these oracles judge;
files-to-prompt, which states none). Expected token counts come from tiktoken itself
(``reference_token_count``), digests from hashlib over PackRepo's documented definition
(docs/formats/packrepo.md), and each location (line:column) from the text written here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import run_captured

from packverify import counting, engine
from packverify.context import Context
from packverify.counting import Counter
from packverify.foreign_view import (
    RATIO_TOLERANCE,
    ClaimVerdict,
    ForeignView,
    StatedClaim,
    TokenServices,
    judge_claim,
)
from packverify.model import Location, Severity, Status
from packverify.oracles import integrity, stats
from packverify.readers.base import Claim, ForeignPack
from packverify.strategies import reference_token_count

RULE = "=" * 50
ORACLES = ("budget", "tokens", "stats", "integrity")

A_PY = "def main():\n    return 42\n"
B_PY = "import os\n\nprint(os.sep)\n"
# cl100k and o200k count this differently, so a message naming the wrong one shows.
WIDE = "Grüße, привет, こんにちは 😀 — naïve café\n"


def tokens(text: str, tokenizer: str = "cl100k") -> int:
    return reference_token_count(tokenizer, text)


def location(text: str, offset: int) -> Location:
    """line:column (1-based, in characters) of ``offset`` in ``text``, computed here."""
    return Location(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def value_at(text: str, key: str, start: int = 0) -> Location:
    """Where the value of the first ``"key": `` at or after ``start`` begins."""
    needle = f'"{key}": '
    return location(text, text.index(needle, start) + len(needle))


# --- packs written here ------------------------------------------------------------------

def scribe(sections: list[tuple[str, str]], *, target_budget=100_000, total_files=None) -> str:
    """A scribe 1.0 pack: header JSON, a blank line, ``### path: P lines: N mode: L`` sections."""
    header = {"mode": "fast_path", "repo_path": ".", "generation_time": 1.5, "target_budget": target_budget,
              "selector": "mmr", "total_files": len(sections) if total_files is None else total_files,
              "effective_budget": 95_000}
    body = "\n\n".join(f"### path: {path} lines: {text.count(chr(10)) + 1} mode: python\n{text}"
                       for path, text in sections)
    return json.dumps(header, indent=2) + "\n\n" + body


def stats_block(final: dict) -> str:
    """scribe --stats: the banner, the statistics JSON, the closing rule."""
    stats = {"selection_stats": {"files_selected": 1}, "performance_stats": {"finalized_pack": final}}
    return f"\n{RULE}\nSCRIBE PERFORMANCE STATISTICS\n{RULE}\n" + json.dumps(stats, indent=2) + f"\n{RULE}\n"


def packrepo_spans(chunks: list[dict]) -> list[dict]:
    spans = [{"chunk_id": c["id"], "file_path": c["rel_path"], "start_line": c["start_line"],
              "end_line": c["end_line"], "selected_mode": c["selected_mode"],
              "selected_tokens": c["selected_tokens"], "content_hash": ""} for c in chunks]
    return sorted(spans, key=lambda s: (s["file_path"], s["start_line"], s["chunk_id"]))


def packrepo_digest(chunks: list[dict], body: str) -> str:
    spans = packrepo_spans(chunks)
    data = {"body_spans": spans, "body_length": len(body.encode("utf-8")),
            "total_selected_tokens": sum(s["selected_tokens"] for s in spans)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def packrepo(sections, *, tokenizer="cl100k_base", target_budget=1000, selected=None, body_suffix="",
             **index_overrides) -> tuple[str, dict]:
    """A PackRepo library pack whose every claim is true unless overridden; returns (text, index).

    ``sections``: (path, start, end, mode, text). ``selected``: the chunks' stated
    ``selected_tokens`` (default: the real cl100k counts); the digest and spans are always
    computed over the index as written, as the library does."""
    real = [tokens(text) for *_, text in sections]
    claimed = real if selected is None else selected
    chunks = [{"id": f"c{k}", "rel_path": path, "start_line": start, "end_line": end, "selected_mode": mode,
               "selected_tokens": claimed[k]} for k, (path, start, end, mode, _) in enumerate(sections)]
    body = "\n".join(f"### path: {path} lines: {start}-{end} mode: {mode}\n\n{text}\n"
                     for path, start, end, mode, text in sections) + body_suffix
    modes: dict[str, int] = {}
    for _, _, _, mode, _ in sections:
        modes[mode] = modes.get(mode, 0) + 1
    index = {"format_version": "0.3", "packrepo_version": "0.1.0", "processed_files": len({s[0] for s in sections}),
             "selected_chunks": len(sections), "mode_breakdown": modes, "tokenizer": tokenizer,
             "target_budget": target_budget, "actual_tokens": sum(real),
             "budget_utilization": sum(real) / target_budget, "chunks": chunks,
             "manifest_digest": packrepo_digest(chunks, body), "body_spans": packrepo_spans(chunks)}
    index.update(index_overrides)
    return json.dumps(index, indent=2, ensure_ascii=False) + "\n\n" + body, index


TWO = [("a.py", 1, 2, "full", A_PY.rstrip("\n")), ("b.py", 1, 3, "full", B_PY.rstrip("\n"))]
TWO_REAL = tokens(A_PY.rstrip("\n")) + tokens(B_PY.rstrip("\n"))

FTP = "./a.py\n---\n" + A_PY + "\n---\n./b.py\n---\n" + B_PY + "\n---\n"  # files-to-prompt: no claims


def check(tmp_path: Path, text: str, *, name: str = "pack.txt", only=ORACLES, **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = engine.check(str(path), only=only, context=Context(**options))
    assert len(report.packs) == 1
    return report.packs[0]


def findings(pack, oracle: str) -> list:
    return [f for f in pack.findings if f.oracle == oracle]


def only_finding(pack, oracle: str):
    found = findings(pack, oracle)
    assert len(found) == 1, [(f.code, f.message) for f in found]
    assert pack.oracles[oracle].status is Status.FAIL
    return found[0]


def passes(pack, oracle: str) -> None:
    assert pack.oracles[oracle].status is Status.PASS, [(f.code, f.message) for f in findings(pack, oracle)]
    assert findings(pack, oracle) == []


# --- budget: --budget N over the whole pack text ------------------------------------------

def test_budget_flag_at_the_real_count_passes_and_one_below_fails(tmp_path):
    real = tokens(FTP)
    passes(check(tmp_path, FTP, budget=real), "budget")
    pack = check(tmp_path, FTP, budget=real - 1)
    found = only_finding(pack, "budget")
    assert (found.code, found.severity, found.location) == ("budget.overflow", Severity.ERROR, Location(1, 1))
    assert found.message == (f"the whole pack is {real} cl100k tokens as a model reads it, over --budget "
                             f"{real - 1} by 1")
    assert (found.expected, found.actual) == (f"<= {real - 1}", real)
    assert found.path == ()


def test_budget_flag_counts_with_the_chosen_tokenizer(tmp_path):
    text = FTP.replace(A_PY, WIDE)
    cl100k, o200k = tokens(text, "cl100k"), tokens(text, "o200k")
    assert cl100k != o200k  # the case only discriminates when the tokenizers disagree
    low = min(cl100k, o200k)
    high = max(cl100k, o200k)
    pack = check(tmp_path, text, budget=low, tokenizer="o200k" if o200k == high else "cl100k")
    found = only_finding(pack, "budget")
    name = "o200k" if o200k == high else "cl100k"
    assert found.message == (f"the whole pack is {high} {name} tokens as a model reads it, over --budget {low} "
                             f"by {high - low}")
    assert found.actual == high
    other = "cl100k" if name == "o200k" else "o200k"
    passes(check(tmp_path, text, budget=low, tokenizer=other), "budget")


def test_budget_is_skipped_without_a_budget_or_budget_claims(tmp_path):
    pack = check(tmp_path, FTP)
    result = pack.oracles["budget"]
    assert result.status is Status.SKIPPED
    assert result.reason == "no --budget given, and files-to-prompt output (files-to-prompt) states no budget"


def test_budget_flag_makes_budget_run_on_a_pack_without_claims(tmp_path):
    pack = check(tmp_path, FTP, budget=10 ** 6)
    passes(pack, "budget")


def test_scribe_stats_alone_states_a_budget_ratio_that_cannot_be_recomputed(tmp_path):
    text = "Pack written to pack.txt\n" + stats_block({"total_tokens": 5, "budget_utilization": 0.5})
    pack = check(tmp_path, text, name="stats.txt")
    assert pack.oracles["budget"].status is Status.SKIPPED
    assert pack.oracles["budget"].reason == (
        "no --budget given, and scribe output (scribe-stats) states budget that cannot be recomputed from it alone "
        "(check the pack it describes with --claims)")
    assert pack.oracles["tokens"].reason == (
        "scribe output (scribe-stats) states token counts that cannot be recomputed from it alone "
        "(check the pack it describes with --claims)")
    passes(check(tmp_path, text, name="stats.txt", budget=10 ** 6), "budget")


def test_scribe_target_budget_must_hold_the_real_count(tmp_path):
    sections = [("a.py", A_PY), ("b.py", B_PY)]
    # the budget is part of the text it bounds: find the one that states its own real count
    real = next(n for n in range(10, 1000) if tokens(scribe(sections, target_budget=n)) == n)
    exact = scribe(sections, target_budget=real)
    passes(check(tmp_path, exact), "budget")
    under = scribe(sections, target_budget=real - 1)
    assert tokens(under) == real
    found = only_finding(check(tmp_path, under), "budget")
    assert found.code == "budget.overflow"
    assert found.message == f"header target_budget is {real - 1}, but what it bounds is {real} real cl100k tokens"
    assert (found.expected, found.actual) == (f">= {real}", real - 1)
    assert found.location == value_at(under, "target_budget") == Location(5, 20)


def test_scribe_target_budget_recounts_with_the_chosen_tokenizer(tmp_path):
    sections = [("a.py", WIDE)]
    text = scribe(sections, target_budget=10)
    o200k = tokens(text, "o200k")
    found = only_finding(check(tmp_path, text, tokenizer="o200k"), "budget")
    assert found.message == f"header target_budget is 10, but what it bounds is {o200k} real o200k tokens"
    assert found.expected == f">= {o200k}"


def test_a_budget_that_is_not_a_number_does_not_hold(tmp_path):
    text = scribe([("a.py", A_PY)], target_budget="100000")
    found = only_finding(check(tmp_path, text), "budget")
    assert found.code == "budget.overflow"
    assert found.actual == "100000"
    assert found.expected == f">= {tokens(text)}"


def test_packrepo_budget_names_its_own_tokenizer_and_utilisation_is_judged(tmp_path):
    text, _ = packrepo(TWO, target_budget=TWO_REAL - 1, budget_utilization=0.5)
    pack = check(tmp_path, text, tokenizer="o200k")  # the index names cl100k_base: that one counts
    found = sorted(findings(pack, "budget"), key=lambda f: f.code)
    assert [f.code for f in found] == ["budget.overflow", "budget.utilization-mismatch"]
    overflow, ratio = found
    assert overflow.message == (f"index target_budget is {TWO_REAL - 1}, but what it bounds is {TWO_REAL} real "
                                "cl100k tokens")
    assert overflow.location == value_at(text, "target_budget")
    assert (overflow.expected, overflow.actual) == (f">= {TWO_REAL}", TWO_REAL - 1)
    expected = TWO_REAL / (TWO_REAL - 1)
    assert ratio.message == f"index budget_utilization is 0.5; recounted, it is {expected!r}"
    assert (ratio.expected, ratio.actual) == (expected, 0.5)
    assert ratio.location == value_at(text, "budget_utilization")
    assert ratio.severity is Severity.ERROR


def test_packrepo_budget_and_utilisation_within_float_noise_pass(tmp_path):
    text, _ = packrepo(TWO, target_budget=TWO_REAL, budget_utilization=1.0 + 5e-10)
    passes(check(tmp_path, text), "budget")
    text, _ = packrepo(TWO, target_budget=TWO_REAL, budget_utilization=1.0 + 3e-9)
    found = only_finding(check(tmp_path, text), "budget")
    assert found.code == "budget.utilization-mismatch"
    assert (found.expected, found.actual) == (1.0, 1.0 + 3e-9)


def test_utilisation_in_a_claims_file_is_named_by_that_file(tmp_path):
    pack_text = scribe([("a.py", A_PY)], target_budget=1000)
    real = tokens(pack_text)
    stats_text = "Pack written to pack.txt\n" + stats_block(
        {"total_tokens": real, "budget_utilization": 0.25, "files_included": 1, "overflow_tokens": 0})
    claims = tmp_path / "stats.txt"
    claims.write_text(stats_text, encoding="utf-8")
    pack = check(tmp_path, pack_text, claims=claims)
    found = only_finding(pack, "budget")
    where = value_at(stats_text, "budget_utilization")
    assert found.code == "budget.utilization-mismatch"
    assert found.location is None
    assert found.message == (f"statistics finalized_pack.budget_utilization is 0.25; recounted, it is "
                             f"{real / 1000!r} (stated in {claims} at {where})")
    assert (found.expected, found.actual) == (real / 1000, 0.25)
    passes(pack, "tokens")
    passes(pack, "stats")


def test_budget_flag_over_the_cli(tmp_path):
    path = tmp_path / "pack.txt"
    path.write_text(FTP, encoding="utf-8")
    real = tokens(FTP)
    code, out, _ = run_captured(["check", str(path), "--budget", str(real - 2), "--only", "budget",
                                 "--format", "json"])
    assert code == 1
    report = json.loads(out)
    (finding,) = report["packs"][0]["findings"]
    assert finding["code"] == "budget.overflow"
    assert finding["location"] == {"line": 1, "column": 1}
    assert (finding["expected"], finding["actual"]) == (f"<= {real - 2}", real)
    code, _, _ = run_captured(["check", str(path), "--budget", str(real), "--only", "budget", "--format", "json"])
    assert code == 0


# --- tokens -------------------------------------------------------------------------------

def test_tokens_is_skipped_for_formats_without_counts(tmp_path):
    pack = check(tmp_path, FTP)
    assert pack.oracles["tokens"].status is Status.SKIPPED
    assert pack.oracles["tokens"].reason == "files-to-prompt output (files-to-prompt) states no token counts"
    pack = check(tmp_path, scribe([("a.py", A_PY)]))
    assert pack.oracles["tokens"].reason == "scribe output (scribe) states no token counts"


def test_packrepo_true_token_counts_pass(tmp_path):
    text, _ = packrepo(TWO)
    pack = check(tmp_path, text)
    for oracle in ORACLES:
        passes(pack, oracle)


def test_packrepo_selected_tokens_and_actual_tokens_are_recounted(tmp_path):
    a_real = tokens(A_PY.rstrip("\n"))
    text, _ = packrepo(TWO, selected=[a_real + 1, tokens(B_PY.rstrip("\n"))], actual_tokens=TWO_REAL - 1)
    pack = check(tmp_path, text, tokenizer="o200k")  # cl100k_base stated in the index wins
    found = sorted(findings(pack, "tokens"), key=lambda f: (f.location.line, f.location.column))
    assert [f.code for f in found] == ["tokens.mismatch", "tokens.mismatch"]
    total, chunk = found
    assert total.message == f"index actual_tokens claims {TWO_REAL - 1} tokens; recounted, it is {TWO_REAL} cl100k tokens"
    assert (total.expected, total.actual) == (TWO_REAL, TWO_REAL - 1)
    assert total.location == value_at(text, "actual_tokens")
    assert chunk.message == f"a.py selected_tokens claims {a_real + 1} tokens; recounted, it is {a_real} cl100k tokens"
    assert (chunk.expected, chunk.actual) == (a_real, a_real + 1)
    first_chunk = text.index("{", text.index('"chunks": ['))
    assert chunk.location == location(text, first_chunk) == Location(text[:first_chunk].count("\n") + 1, 5)
    assert pack.oracles["tokens"].status is Status.FAIL


def test_packrepo_with_an_unknown_tokenizer_judges_nothing_and_does_not_crash(tmp_path):
    text, _ = packrepo(TWO, tokenizer="nonesuch_base", selected=[1, 1])
    pack = check(tmp_path, text)
    passes(pack, "tokens")
    assert pack.internal_errors == 0


def test_scribe_stats_after_the_pack_are_located_in_it(tmp_path):
    pack_text = scribe([("a.py", A_PY)], target_budget=1000)
    real = tokens(pack_text)
    text = pack_text + "\n" + stats_block({"total_tokens": real + 3, "overflow_tokens": 2,
                                           "files_included": 1, "budget_utilization": real / 1000})
    pack = check(tmp_path, text)
    found = sorted(findings(pack, "tokens"), key=lambda f: (f.location.line, f.location.column))
    assert [(f.code, f.expected, f.actual) for f in found] == [("tokens.mismatch", real, real + 3),
                                                                ("tokens.mismatch", 0, 2)]
    assert found[0].location == value_at(text, "total_tokens")
    assert found[0].message == (f"statistics finalized_pack.total_tokens claims {real + 3} tokens; recounted, it "
                                f"is {real} cl100k tokens")
    assert found[1].location == value_at(text, "overflow_tokens")
    passes(pack, "budget")
    passes(pack, "stats")


def test_scribe_claims_file_is_recounted_with_the_chosen_tokenizer(tmp_path):
    pack_text = scribe([("a.py", WIDE)], target_budget=10 ** 6)
    o200k = tokens(pack_text, "o200k")
    stats_text = "Pack written to pack.txt\n" + stats_block({"total_tokens": o200k + 1})
    claims = tmp_path / "stats.txt"
    claims.write_text(stats_text, encoding="utf-8")
    pack = check(tmp_path, pack_text, claims=claims, tokenizer="o200k")
    found = only_finding(pack, "tokens")
    where = value_at(stats_text, "total_tokens")
    assert found.message == (f"statistics finalized_pack.total_tokens claims {o200k + 1} tokens; recounted, it is "
                             f"{o200k} o200k tokens (stated in {claims} at {where})")
    assert found.location is None
    assert (found.expected, found.actual) == (o200k, o200k + 1)
    stats_text = "Pack written to pack.txt\n" + stats_block({"total_tokens": o200k})
    claims.write_text(stats_text, encoding="utf-8")
    passes(check(tmp_path, pack_text, claims=claims, tokenizer="o200k"), "tokens")


# --- stats --------------------------------------------------------------------------------

def test_stats_is_skipped_for_formats_without_counts(tmp_path):
    pack = check(tmp_path, FTP)
    assert pack.oracles["stats"].status is Status.SKIPPED
    assert pack.oracles["stats"].reason == "files-to-prompt output (files-to-prompt) states no file or chunk counts"


@pytest.mark.parametrize("stated", [1, 3])
def test_scribe_total_files_must_be_the_sections(tmp_path, stated):
    text = scribe([("a.py", A_PY), ("b.py", B_PY)], total_files=stated)
    found = only_finding(check(tmp_path, text), "stats")
    assert found.code == "stats.count-mismatch"
    assert found.message == f"header total_files is {stated}, but the pack holds 2"
    assert (found.expected, found.actual) == (2, stated)
    assert found.location == value_at(text, "total_files") == Location(7, 18)
    passes(check(tmp_path, scribe([("a.py", A_PY), ("b.py", B_PY)])), "stats")


def test_packrepo_chunk_file_and_mode_counts(tmp_path):
    sections = [("a.py", 1, 2, "full", A_PY.rstrip("\n")), ("a.py", 4, 5, "signature", "def g():...")]
    text, _ = packrepo(sections, selected_chunks=3, processed_files=2, mode_breakdown={"full": 2})
    found = sorted(findings(check(tmp_path, text), "stats"), key=lambda f: (f.location.line, f.location.column))
    assert [f.code for f in found] == ["stats.count-mismatch"] * 3
    files, chunks, modes = found
    assert files.message == "index processed_files is 2, but the pack holds 1"
    assert files.location == value_at(text, "processed_files")
    assert chunks.message == "index selected_chunks is 3, but the pack holds 2"
    assert (chunks.expected, chunks.actual) == (2, 3)
    assert chunks.location == value_at(text, "selected_chunks")
    assert modes.message == "index mode_breakdown is {'full': 2}, but the pack holds {'full': 1, 'signature': 1}"
    assert (modes.expected, modes.actual) == ({"full": 1, "signature": 1}, {"full": 2})
    assert modes.location == value_at(text, "mode_breakdown")


def test_a_count_stated_as_true_is_not_one(tmp_path):
    text, _ = packrepo(TWO[:1], selected_chunks=True)
    found = only_finding(check(tmp_path, text), "stats")
    assert (found.expected, found.actual) == (1, True)
    assert found.message == "index selected_chunks is True, but the pack holds 1"


def test_files_included_in_a_claims_file(tmp_path):
    pack_text = scribe([("a.py", A_PY), ("b.py", B_PY)])
    stats_text = "Pack written to pack.txt\n" + stats_block({"files_included": 5})
    claims = tmp_path / "stats.txt"
    claims.write_text(stats_text, encoding="utf-8")
    found = only_finding(check(tmp_path, pack_text, claims=claims), "stats")
    assert found.location is None
    assert found.message == (f"statistics finalized_pack.files_included is 5, but the pack holds 2 (stated in "
                             f"{claims} at {value_at(stats_text, 'files_included')})")


# --- integrity ----------------------------------------------------------------------------

def test_integrity_is_skipped_for_formats_without_digests(tmp_path):
    pack = check(tmp_path, scribe([("a.py", A_PY)]))
    assert pack.oracles["integrity"].status is Status.SKIPPED
    assert pack.oracles["integrity"].reason == "scribe output (scribe) states no digest or span"


def test_packrepo_digest_binds_the_body_length(tmp_path):
    text, index = packrepo(TWO)
    longer = text.replace("return 42", "return 420")
    found = only_finding(check(tmp_path, longer), "integrity")
    assert found.code == "integrity.manifest-digest-mismatch"
    assert found.message == "index manifest_digest does not match what the pack holds"
    body = longer[longer.index("\n\n### path: ") + 2:]
    assert found.expected == packrepo_digest(index["chunks"], body) != index["manifest_digest"]
    assert found.actual == index["manifest_digest"]
    assert found.location == value_at(longer, "manifest_digest")
    same_length = text.replace("return 42", "return 43")
    passes(check(tmp_path, same_length), "integrity")


def test_packrepo_body_spans_must_repeat_the_index(tmp_path):
    _, index = packrepo(TWO)
    spans = [dict(span) for span in index["body_spans"]]
    spans[1]["selected_tokens"] += 1
    text, _ = packrepo(TWO, body_spans=spans)
    found = only_finding(check(tmp_path, text), "integrity")
    assert found.code == "integrity.body-span-mismatch"
    assert found.message == "index body_spans differ from the index they repeat"
    assert (found.expected, found.actual) == (index["body_spans"], spans)
    assert found.location == value_at(text, "body_spans")
    assert found.severity is Severity.ERROR


def test_packrepo_wrong_digest_string(tmp_path):
    text, index = packrepo(TWO, manifest_digest="0" * 64)
    found = only_finding(check(tmp_path, text), "integrity")
    assert found.code == "integrity.manifest-digest-mismatch"
    body = text[text.index("\n\n### path: ") + 2:]
    assert (found.expected, found.actual) == (packrepo_digest(index["chunks"], body), "0" * 64)


# --- tokens: per-chunk claims are counted together, once ----------------------------------

class Recording(Counter):
    """The real counter (tiktoken's encoder), recording what it is asked to count."""

    def __init__(self, name: str, calls: list) -> None:
        self.real = counting.counter(name, counting.DEFAULT_ENGINE)
        self.tokenizer, self.engine, self.vocabulary = name, self.real.engine, self.real.vocabulary
        self.calls = calls

    def count(self, text: str) -> int:
        self.calls.append((self.tokenizer, "count", text))
        return self.real.count(text)

    def count_many(self, texts, *, jobs: int = 1) -> list[int]:
        self.calls.append((self.tokenizer, "count_many", list(texts)))
        return self.real.count_many(texts, jobs=jobs)


def recording(calls: list):
    counters: dict[str, Recording] = {}

    def counter_for(name: str) -> Recording:
        if name not in counters:
            counters[name] = Recording(name, calls)
        return counters[name]
    return counter_for


def test_packrepo_chunk_texts_are_counted_together_once(tmp_path):
    calls: list = []
    a, b = (text for *_, text in TWO)
    text, _ = packrepo(TWO, selected=[tokens(a) + 1, tokens(b)])
    pack = check(tmp_path, text, only=("tokens",), counter=recording(calls))
    assert [f.expected for f in findings(pack, "tokens")] == [tokens(a)]
    assert calls == [("cl100k", "count_many", [a, b])]  # every later count is remembered


def test_scribe_statistics_are_not_counted_per_section(tmp_path):
    calls: list = []
    pack_text = scribe([("a.py", A_PY), ("b.py", B_PY)])
    stats_text = "Pack written to pack.txt\n" + stats_block({"total_tokens": tokens(pack_text)})
    claims = tmp_path / "stats.txt"
    claims.write_text(stats_text, encoding="utf-8")
    pack = check(tmp_path, pack_text, only=("tokens",), claims=claims, counter=recording(calls))
    passes(pack, "tokens")
    assert calls == [("cl100k", "count", pack_text)]  # the whole pack, nothing section by section


def test_packrepo_chunks_are_primed_with_the_tokenizer_the_index_names(tmp_path):
    calls: list = []
    a, b = (text for *_, text in TWO)
    text, _ = packrepo(TWO)
    passes(check(tmp_path, text, only=("tokens",), tokenizer="o200k", counter=recording(calls)), "tokens")
    assert calls == [("cl100k", "count_many", [a, b])]


# --- the claim machinery, on hand-made views ------------------------------------------------

def view_with(*claims: Claim, origin: str | None = None) -> ForeignView:
    pack = ForeignPack("made-up", "hand", "some text\n", claims=[] if origin else list(claims))
    view = ForeignView(pack, "pack.txt", "0" * 64, 10, TokenServices(Context()))
    if origin:
        view.extra_claims.extend(StatedClaim(c, origin) for c in claims)
    return view


def test_byte_counts_are_stats_claims(tmp_path):
    claim = Claim("bytes", "index body_bytes", 10, Location(3, 7), recompute=lambda services: 12)
    view = view_with(claim)
    assert stats.requires_foreign(view, Context()) is None
    (found,) = stats.check_foreign(view, Context())
    assert (found.code, found.message, found.location) == (
        "stats.count-mismatch", "index body_bytes is 10, but the pack holds 12", Location(3, 7))
    assert (found.expected, found.actual) == (12, 10)
    unknown = view_with(Claim("bytes", "index body_bytes", 10, Location(3, 7)))
    assert stats.requires_foreign(unknown, Context()) == (
        "hand output (made-up) states file or chunk counts that cannot be recomputed from it alone")
    assert list(stats.check_foreign(unknown, Context())) == []


def test_a_claim_of_another_file_is_named_not_located():
    claim = Claim("span", "stats spans", [1], Location(4, 2), recompute=lambda services: [2])
    view = view_with(claim, origin="other.txt")
    assert integrity.requires_foreign(view, Context()) is None
    (found,) = integrity.check_foreign(view, Context())
    assert found.code == "integrity.body-span-mismatch"
    assert found.location is None
    assert found.message == "stats spans differ from the index they repeat (stated in other.txt at 4:2)"
    view = view_with(Claim("digest", "stats digest", "x", None, recompute=lambda services: "y"), origin="o.txt")
    (found,) = integrity.check_foreign(view, Context())
    assert found.message == "stats digest does not match what the pack holds (stated in o.txt)"
    assert (found.code, found.expected, found.actual) == ("integrity.manifest-digest-mismatch", "y", "x")


def test_judge_claim_by_relation_and_kind():
    services = TokenServices(Context())

    def judged(claimed, value, kind="files", relation="=="):
        return judge_claim(Claim(kind, "s", claimed, recompute=lambda s: value, relation=relation), services)

    assert judged(3, 3) == ClaimVerdict(True, 3)
    assert judged(3, 4) == ClaimVerdict(False, 4)
    assert judged(True, 1).holds is False and judged(1, True).holds is False
    assert judged(True, True).holds is True
    assert judged(2.0, 2).holds is True
    assert judged(5, 5, "budget", ">=").holds is True
    assert judged(4, 5, "budget", ">=") == ClaimVerdict(False, 5)
    assert judged(6, 5, "budget", ">=").holds is True
    assert not judged("9", 5, "budget", ">=").holds
    assert judged(0.5 + RATIO_TOLERANCE / 2, 0.5, "ratio").holds is True
    assert judged(0.5 + 4 * RATIO_TOLERANCE, 0.5, "ratio").holds is False
    assert judged(0.5 - 4 * RATIO_TOLERANCE, 0.5, "ratio").holds is False
    assert judged("0.5", 0.5, "ratio").holds is False
    assert judged(0.5 + RATIO_TOLERANCE / 2, 0.5, "files").holds is False  # only ratios get float noise
    assert judge_claim(Claim("files", "header n", 3), services) == ClaimVerdict(
        None, reason="header n cannot be recomputed from the pack alone")
    unavailable = Claim("tokens", "header t", 3, recompute=lambda s: s.count_tokens("x", "nonesuch"))
    verdict = judge_claim(unavailable, services)
    assert verdict.holds is None and verdict.reason.startswith("header t: ")
