"""What scribe's pack and its ``--stats`` output share: the statistics block and its claims.

``scribe --stats`` prints, after the pack (stdout) or after ``Pack written to FILE``
(with ``-o``), a blank line, 50 ``=``, ``SCRIBE PERFORMANCE STATISTICS``, 50 ``=``, the
statistics as indented JSON, and 50 ``=`` (``FastPackCLI.output_statistics``). Its
``performance_stats.finalized_pack`` states facts about the pack: ``total_tokens`` (the
tokenizer's count of the whole pack text, ``TokenEstimator.finalize_pack``),
``files_included``, ``overflow_tokens`` and ``budget_utilization`` against the header's
``target_budget``. Token counts use scribe's ``--model-name`` (default ``gpt-4`` →
cl100k_base), which neither output names: the claims carry no tokenizer and recompute
with the one the user chose (``Services.tokenizer``).
"""

from __future__ import annotations

from typing import Any

from packverify.readers import _json_offsets
from packverify.readers.base import Claim, Finding, Locator, finding

RULE = "=" * 50
BANNER = f"\n{RULE}\nSCRIBE PERFORMANCE STATISTICS\n{RULE}\n"


def find_stats(text: str) -> int:
    """Offset of the ``\\n`` that begins the statistics banner, or -1."""
    return text.rfind(BANNER)


def parse_stats(text: str, banner: int, locate: Locator) -> tuple[dict[str, Any], dict[str, int], list[Finding]]:
    """The statistics JSON after the banner at ``banner``: its value, the offsets of the
    ``finalized_pack`` values, and findings."""
    start = banner + len(BANNER)
    try:
        top, end = _json_offsets.members(text, start)
    except _json_offsets.JSONError as exc:
        return {}, {}, [finding(exc.code, f"the statistics are not JSON: {exc}", locate(exc.offset))]
    findings = []
    closing = _json_offsets.skip(text, end)
    if not text.startswith(RULE, closing):
        findings.append(finding("structure.unterminated-section", "the statistics block does not end with its "
                                f"{len(RULE)} '=' rule", locate(closing)))
    value = {member.key: member.value for member in top}
    offsets: dict[str, int] = {}
    for member in top:
        if member.key == "performance_stats" and isinstance(member.value, dict):
            for inner in _json_offsets.members(text, member.value_offset)[0]:
                if inner.key == "finalized_pack" and isinstance(inner.value, dict):
                    offsets = {m.key: m.value_offset for m in _json_offsets.members(text, inner.value_offset)[0]}
    return value, offsets, findings


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def stats_claims(stats: dict[str, Any], offsets: dict[str, int], locate: Locator,
                 pack_text: str | None, sections: int | None, target_budget: Any) -> list[Claim]:
    """The claims of ``finalized_pack`` about a pack whose text is ``pack_text`` (``None``:
    not known here — the claims are stated but cannot be recomputed)."""
    performance = stats.get("performance_stats") if isinstance(stats, dict) else None
    final = performance.get("finalized_pack") if isinstance(performance, dict) else None  # a list here: no claims
    if not isinstance(final, dict):
        return []
    known = pack_text is not None
    budget = target_budget if _number(target_budget) and target_budget > 0 else None

    def tokens(services) -> int:
        return services.count_tokens(pack_text, services.tokenizer)

    out = []

    def add(key: str, kind: str, recompute) -> None:
        if key in final:
            where = locate(offsets[key]) if key in offsets else None
            out.append(Claim(kind, f"statistics finalized_pack.{key}", final[key], where,
                             recompute=recompute if known else None))

    add("total_tokens", "tokens", tokens)
    add("files_included", "files", (lambda services: sections) if sections is not None else None)
    add("overflow_tokens", "tokens", (lambda services: max(0, tokens(services) - budget)) if budget else None)
    add("budget_utilization", "ratio", (lambda services: tokens(services) / budget) if budget else None)
    return out
