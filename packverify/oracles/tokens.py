"""tokens — every chunk's ``tokens`` is the real count of its ``content``.

The real tokenizer only: tiktoken ``cl100k_base`` / ``o200k_base`` / ``gpt2`` from verified
offline vocabularies, counted by tiktoken or by a fast engine that agreed with it
at startup (packverify.counting); text like ``<|endoftext|>`` counts as ordinary
text. Recounting runs on ``-j`` threads. Also reports when the real total
exceeds the budget — the failure that matters to the model's context window even
when every claimed number adds up. Skipped (never passed) when the tokenizer's
vocabulary is not installed or no chunk carries content. Leaves alone: whether the
claims add up among themselves (``budget``).

A pack in another format is judged on the token counts it states about itself (PackRepo's
per-chunk ``selected_tokens`` and ``actual_tokens``; scribe's statistics, from the pack or
a ``--claims`` file): each is recounted with the real tokenizer — the one the format
names, else ``--tokenizer`` (default cl100k) — and a difference is reported at the
claim's line:column. A format that states no counts (repomix, gitingest,
files-to-prompt) is skipped, never passed.
"""

from __future__ import annotations

from collections.abc import Iterator

from packverify import tokenizer as _tokenizer
from packverify.model import Finding
from packverify.oracles._base import ERROR, WARNING, Code
from packverify.view import as_int

NAME = "tokens"

CODES = {
    "tokens.mismatch": Code("Token count mismatch", ERROR,
                            "A chunk's claimed token count differs from the real tokenizer's; budgets built on it are wrong.",
                            "tokens 1078 for content that is 1814 cl100k tokens"),
    "tokens.real-overflow": Code("Real token total over budget", ERROR,
                                 "Recounted with the real tokenizer, the chunks do not fit the budget.",
                                 "claimed 7990, real 8214, target_budget 8000"),
    "tokens.not-recounted": Code("Chunks without content", WARNING,
                                 "Chunks without content cannot be recounted; their token counts are unverified.",
                                 "3 of 40 chunks carry no content"),
}


def requires(pack, ctx) -> str | None:
    name = pack.tokenizer_name
    if name is None:
        return "tokenizer_info.name is missing or not a string (see schema findings)"
    if name not in _tokenizer.KNOWN:
        return f"unknown tokenizer {name!r} (see schema findings)"
    if not any(c.content is not None for c in pack.chunks):
        return "no chunk carries content to recount"
    try:
        ctx.counter_for(name)
    except _tokenizer.TokenizerUnavailable as exc:
        return f"tokenizer {name!r} is not available: {exc}"
    return None


def check(pack, ctx) -> Iterator[Finding]:
    with_content = [c for c in pack.chunks if c.content is not None]
    texts = [c.content for c in with_content]
    counter = ctx.counter_for(pack.tokenizer_name)
    if ctx.cache is not None:  # the cache's keys: the view hashes each content once per check
        counts = counter.count_keyed(texts, [d for d in pack.content_digests if d is not None], jobs=ctx.jobs)
    else:
        counts = counter.count_many(texts, jobs=ctx.jobs)
    for chunk, real in zip(with_content, counts):
        if chunk.tokens is not None and chunk.tokens != real:
            yield Finding("tokens.mismatch", chunk.path + ("tokens",),
                          f"claims {chunk.tokens} tokens; its content is {real} {pack.tokenizer_name} tokens",
                          expected=real, actual=chunk.tokens)
    missing = len(pack.chunks) - len(with_content)
    if missing:
        yield Finding("tokens.not-recounted", ("chunks",),
                      f"{missing} of {len(pack.chunks)} chunks carry no content; their token counts are unverified",
                      expected=0, actual=missing)
        return
    target = as_int(pack.get("budget_info", "target_budget"))
    real_total = sum(counts)
    if target is not None and real_total > target:
        claimed = sum(c.tokens for c in pack.chunks if c.tokens is not None)
        yield Finding("tokens.real-overflow", ("budget_info", "target_budget"),
                      f"the chunks are {real_total} real tokens (claimed {claimed}), over target_budget {target}",
                      expected=f"<= {target}", actual=real_total)


def requires_foreign(view, ctx) -> str | None:
    return view.unjudgeable("token counts", "tokens")


def check_foreign(view, ctx) -> Iterator[Finding]:
    per_file = {(c.claim.tokenizer or ctx.tokenizer_name) for c in view.claims("tokens") if c.claim.file_index is not None}
    texts = [entry.text for entry in view.files if entry.text is not None]
    for name in sorted(per_file):  # per-chunk claims: counted together, on the run's threads
        if name in _tokenizer.VOCABULARIES:
            view.counter.prime(texts, name)
    for stated, value, where, note in view.false_claims("tokens"):
        claim = stated.claim
        yield Finding("tokens.mismatch", (), f"{claim.subject} claims {claim.claimed} tokens; recounted, it is {value} "
                      f"{claim.tokenizer or ctx.tokenizer_name} tokens{note}", expected=value, actual=claim.claimed,
                      location=where)
