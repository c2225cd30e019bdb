"""budget — the pack fills its token budget without exceeding it.

* overflow: ``actual_tokens <= target_budget`` (zero overflow), and the chunks'
  own token counts do not add up to more than the budget either;
* ``actual_tokens == sum(chunk.tokens)``;
* ``utilization == actual_tokens / target_budget`` (to 1e-9: float noise, not rounding);
* underflow: ``actual_tokens >= min(target_budget, statistics.total_tokens) ×
  (1 − underflow_allowed)``, ``underflow_allowed`` from the pack or 0.005.

Judges the numbers the pack claims. Whether those claims match the real tokenizer
is the ``tokens`` oracle's job (which also reports a real overflow).

Every JSON number the loader accepts reaches this arithmetic (out-of-range values are
schema findings, and judged here too): ratios and the underflow floor are computed in
doubles that saturate to ±inf instead of raising (``-1e306`` or a 300-digit integer as
``underflow_allowed``); integers are compared exactly.

A pack in another format states no budget of its own, or a budget it does not count
itself (scribe's header ``target_budget``, PackRepo's index): with ``--budget N`` the
whole pack text, as a model reads it, must be at most N real tokens (``--tokenizer``,
default cl100k); a budget the pack states must hold the real count of what it bounds, and
a utilisation it states must be the real count over that budget — each finding at the
claim's line:column.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from packverify.format import underflow_floor
from packverify.model import Finding, Location
from packverify.oracles._base import ERROR, Code
from packverify.view import as_int, as_number

NAME = "budget"
UTILIZATION_TOLERANCE = 1e-9

CODES = {
    "budget.overflow": Code("Budget overflow", ERROR,
                            "A pack over its budget does not fit the context window it was made for.",
                            "target_budget 8000, actual_tokens 8003"),
    "budget.sum-mismatch": Code("Token sum mismatch", ERROR,
                                "actual_tokens must be the sum of the chunks' tokens; otherwise the budget claim is unfounded.",
                                "actual_tokens 7990 but chunks sum to 8120"),
    "budget.utilization-mismatch": Code("Utilization mismatch", ERROR,
                                        "utilization must equal actual_tokens / target_budget.",
                                        "utilization 0.99 for 7000 / 8000"),
    "budget.underflow": Code("Budget underflow", ERROR,
                             "A pack that leaves budget unused while content was left out wastes the window.",
                             "actual_tokens 5000 of 8000 with 40000 tokens available"),
}



def _ratio(numerator: int, denominator: int) -> float:
    try:
        return numerator / denominator
    except OverflowError:  # an integer quotient beyond the double range
        return math.copysign(math.inf, numerator) * math.copysign(1, denominator)



def requires(pack, ctx) -> str | None:
    if as_int(pack.get("budget_info", "target_budget")) is None or as_int(pack.get("budget_info", "actual_tokens")) is None:
        return "budget_info.target_budget or actual_tokens is missing or not an integer (see schema findings)"
    return None


def check(pack, ctx) -> Iterator[Finding]:
    target = pack.get("budget_info", "target_budget")
    actual = pack.get("budget_info", "actual_tokens")
    if actual > target:
        yield Finding("budget.overflow", ("budget_info", "actual_tokens"),
                      f"actual_tokens {actual} exceeds target_budget {target} by {actual - target}",
                      expected=f"<= {target}", actual=actual)

    chunk_list = pack.chunk_list
    if chunk_list is not None and len(pack.chunks) == len(chunk_list) and all(c.tokens is not None for c in pack.chunks):
        total = sum(c.tokens for c in pack.chunks)
        if total != actual:
            yield Finding("budget.sum-mismatch", ("budget_info", "actual_tokens"),
                          f"actual_tokens is {actual} but the chunks' tokens sum to {total}",
                          expected=total, actual=actual)
            if total > target and actual <= target:
                yield Finding("budget.overflow", ("chunks",),
                              f"the chunks' tokens sum to {total}, over target_budget {target}",
                              expected=f"<= {target}", actual=total)

    utilization = as_number(pack.get("budget_info", "utilization"))
    if utilization is not None and target > 0:
        ratio = _ratio(actual, target)
        if abs(utilization - ratio) > UTILIZATION_TOLERANCE:
            yield Finding("budget.utilization-mismatch", ("budget_info", "utilization"),
                          f"utilization {utilization} but actual_tokens / target_budget = {actual}/{target} = {ratio!r}",
                          expected=ratio, actual=utilization)

    allowed = as_number(pack.get("budget_info", "underflow_allowed"))
    if allowed is None:
        allowed = ctx.default_underflow
    available = as_int(pack.get("statistics", "total_tokens"))
    floor = underflow_floor(target, available, allowed)
    if actual < floor:
        yield Finding("budget.underflow", ("budget_info", "actual_tokens"),
                      f"actual_tokens {actual} is below {floor:.1f} = min(target_budget {target}, "
                      f"statistics.total_tokens {available if available is not None else 'n/a'}) × (1 − {allowed})",
                      expected=f">= {floor:.1f}", actual=actual)


def requires_foreign(view, ctx) -> str | None:
    if ctx.budget is not None:
        return None
    reason = view.unjudgeable("budget", "budget", "ratio")
    return None if reason is None else f"no --budget given, and {reason}"


def check_foreign(view, ctx) -> Iterator[Finding]:
    if ctx.budget is not None:
        name = ctx.tokenizer_name
        real = view.counter.count_tokens(view.pack.text, name)
        if real > ctx.budget:
            yield Finding("budget.overflow", (), f"the whole pack is {real} {name} tokens as a model reads it, over "
                          f"--budget {ctx.budget} by {real - ctx.budget}", expected=f"<= {ctx.budget}", actual=real,
                          location=Location(1, 1))
    for stated, value, where, note in view.false_claims("budget", "ratio"):
        claim = stated.claim
        if claim.kind == "budget":
            tokens = claim.tokenizer or ctx.tokenizer_name
            yield Finding("budget.overflow", (), f"{claim.subject} is {claim.claimed}, but what it bounds is {value} "
                          f"real {tokens} tokens{note}", expected=f">= {value}", actual=claim.claimed, location=where)
        else:
            yield Finding("budget.utilization-mismatch", (), f"{claim.subject} is {claim.claimed}; recounted, it is "
                          f"{value!r}{note}", expected=value, actual=claim.claimed, location=where)
