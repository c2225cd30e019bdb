"""Claims: what each format states about itself, and that ``recompute`` computes the truth.

References: the tools' own untouched outputs (a deterministic PackRepo pack's digest and
spans must recompute to what the library wrote), and the real tokenizer counted here with
tiktoken's ``encode_ordinary`` — not through the code under test.
"""

from __future__ import annotations

import os

import pytest
import tools

import packverify.readers as readers
from packverify.readers import scribe_stats
from packverify.tokenizer import get_encoding


class RealServices:
    """The real tokenizer, counted the reference way (special-token text as text)."""

    tokenizer = "cl100k"

    def count_tokens(self, text: str, tokenizer: str) -> int:
        return len(get_encoding(tokenizer).encode_ordinary(text))


SERVICES = RealServices()
SCRIBE = os.path.join(tools.FOREIGN, "scribe-1.0.0")


def read(name: str):
    with open(os.path.join(SCRIBE, name), "rb") as handle:
        return readers.read(handle.read(), name)


def by_subject(claims):
    return {claim.subject: claim for claim in claims}


def test_packrepo_digest_and_spans_recompute_to_what_the_library_wrote():
    pack = read("packrepo.txt")
    claims = by_subject(pack.claims)
    assert claims["index manifest_digest"].kind == "digest"
    assert claims["index manifest_digest"].recompute(SERVICES) == claims["index manifest_digest"].claimed
    assert claims["index body_spans"].recompute(SERVICES) == claims["index body_spans"].claimed
    assert claims["index selected_chunks"].recompute(SERVICES) == claims["index selected_chunks"].claimed == 6
    assert claims["index processed_files"].recompute(SERVICES) == 6
    assert claims["index mode_breakdown"].recompute(SERVICES) == claims["index mode_breakdown"].claimed


def test_packrepo_token_claims_are_recounted_and_its_lies_show():
    pack = read("packrepo.txt")
    encoding = get_encoding("cl100k")
    real = [len(encoding.encode_ordinary(entry.text)) for entry in pack.files]
    per_chunk = [claim for entry in pack.files for claim in entry.claims if claim.kind == "tokens"]
    assert [claim.claimed for claim in per_chunk] == [1, 1, 1, 1, 1, 16]  # the library's signature_tokens
    assert [claim.recompute(SERVICES) for claim in per_chunk] == real
    assert all(claim.tokenizer == "cl100k" for claim in per_chunk)  # the index says cl100k_base
    total = by_subject(pack.claims)["index actual_tokens"]
    assert total.claimed == 21 and total.recompute(SERVICES) == sum(real) != 21
    assert by_subject(pack.claims)["index target_budget"].relation == ">="


def test_packrepo_digest_binds_the_body_length_only():
    with open(os.path.join(SCRIBE, "packrepo.txt"), "rb") as handle:
        raw = handle.read()
    same_length = raw.replace(b"DEPTH = 3", b"DEPTH = 4")
    longer = raw.replace(b"DEPTH = 3", b"DEPTH = 30")
    for changed, holds in ((same_length, True), (longer, False)):
        claim = by_subject(readers.read(changed).claims)["index manifest_digest"]
        assert (claim.recompute(SERVICES) == claim.claimed) is holds


def test_packrepo_full_chunk_line_claim():
    pack = read("packrepo.txt")
    full = pack.files[-1]
    lines = next(claim for claim in full.claims if claim.kind == "lines")
    assert (lines.claimed, lines.recompute(SERVICES)) == (6, 6)


def test_scribe_statistics_on_stdout_recount_the_pack_exactly():
    pack = read("stdout.txt")
    claims = by_subject(pack.claims)
    total = claims["statistics finalized_pack.total_tokens"]
    assert total.recompute(SERVICES) == total.claimed  # scribe counted cl100k, as we do
    assert claims["statistics finalized_pack.files_included"].recompute(SERVICES) == 15
    assert claims["statistics finalized_pack.overflow_tokens"].recompute(SERVICES) == 0
    ratio = claims["statistics finalized_pack.budget_utilization"]
    assert ratio.recompute(SERVICES) == pytest.approx(ratio.claimed)
    budget = claims["header target_budget"]
    assert budget.relation == ">=" and budget.recompute(SERVICES) == total.claimed


def test_scribe_stats_artefact_binds_to_its_pack():
    stats = read("stats.txt")
    assert stats.format == "scribe-stats" and stats.files == []
    assert all(claim.recompute is None for claim in stats.claims)  # alone, nothing to recount
    pack = read("stats.txt.pack")
    bound = by_subject(scribe_stats.bind(stats, pack))
    total = bound["statistics finalized_pack.total_tokens"]
    assert total.recompute(SERVICES) == total.claimed
    assert bound["statistics finalized_pack.files_included"].recompute(SERVICES) == len(pack.files) == 15
    assert total.location.line > 1  # located in the statistics file


def test_scribe_header_total_files_counts_sections():
    pack = read("pack.txt")
    claim = by_subject(pack.claims)["header total_files"]
    assert claim.recompute(SERVICES) == claim.claimed == 15
