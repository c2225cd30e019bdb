"""Finding credentials in text: every rule over the text, hits with 1-based line numbers.

Cost is linear in the text and the hits: rules run with ``finditer`` (each starts at a
literal), and line numbers come from one left-to-right pass over the sorted hits
(``str.count`` between consecutive hits) — never a count from the start per hit, which
made 10,000 keys in one 9.8 MB chunk take ≈28 s (docs/security.md).

Many small texts (a pack's chunks, its metadata strings) are scanned as batches joined
by a separator line no rule can match across (``\\n\\0\\n``), so the per-call cost of
the rule table is paid once per batch, not once per chunk.

Honoured like detect-secrets and gitleaks: a line containing ``pragma: allowlist
secret`` or ``gitleaks:allow`` is not reported.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

from packverify.secrets import private_keys
from packverify.secrets.rules import RULES

ALLOW_MARKERS = ("pragma: allowlist secret", "gitleaks:allow")
SEPARATOR = "\n\0\n"
BATCH_CHARS = 8 << 20


@dataclass(frozen=True, slots=True)
class SecretHit:
    """One credential: where (1-based ``line`` of the text; ``start``/``end`` offsets of
    the credential, its issuer's prefix included), which rule and kind, and a redacted
    prefix that is safe to print."""

    line: int
    start: int
    end: int
    rule: str
    kind: str
    redacted: str


def redact(secret: str) -> str:
    return (secret[:4] if len(secret) > 12 else secret[:2]) + "…(redacted)"


def _spans(text: str) -> list[tuple[int, int, int, str, str, str]]:
    """(start, end, priority, rule id, kind, redacted) of every accepted match, overlaps
    removed (the earlier rule in the table names a span two rules match)."""
    found = []
    for priority, rule in enumerate(RULES):
        for m in rule.pattern.finditer(text):
            secret = m.group("secret")
            if rule.accept is None or rule.accept(secret, m):
                prefix = text[m.start():m.start("secret")] if rule.shows_prefix else ""
                shown = prefix + "…(redacted)" if 0 < len(prefix) <= 12 else redact(secret)
                start = m.start() if rule.shows_prefix else m.start("secret")  # the issuer's prefix is part of it
                found.append((start, m.end("secret"), priority, rule.id, rule.kind, shown))
    extra = len(RULES)
    for start, end, rule_id, kind in private_keys.find(text):
        found.append((start, end, extra, rule_id, kind, redact(text[start:end])))
    found.sort(key=lambda s: (s[0], s[2]))
    kept: list[tuple[int, int, int, str, str, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            if span[2] < kept[-1][2]:  # a more specific rule for overlapping characters
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def find_secrets(text: str) -> list[SecretHit]:
    """Every credential in ``text``, in order of position, with its 1-based line."""
    out: list[SecretHit] = []
    line, position = 1, 0
    for start, end, _, rule_id, kind, shown in _spans(text):
        line += text.count("\n", position, start)
        position = start
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_text = text[line_start:len(text) if line_end == -1 else line_end]
        if any(marker in line_text for marker in ALLOW_MARKERS):
            continue
        out.append(SecretHit(line, start, end, rule_id, kind, shown))
    return out


def scan_many(items: Iterable[tuple[Hashable, str]], batch_chars: int | None = None
              ) -> Iterator[tuple[Hashable, SecretHit]]:
    """``(key, hit)`` for every credential in many texts, ``hit.line`` counted within its
    own text. Texts are scanned in batches of about ``batch_chars`` (default
    :data:`BATCH_CHARS`) characters."""
    batch_chars = batch_chars or BATCH_CHARS
    batch: list[tuple[Hashable, str]] = []
    size = 0
    for key, text in items:
        if not text:
            continue
        batch.append((key, text))
        size += len(text) + len(SEPARATOR)
        if size >= batch_chars:
            yield from _scan_batch(batch)
            batch, size = [], 0
    if batch:
        yield from _scan_batch(batch)


def _scan_batch(batch: list[tuple[Hashable, str]]) -> Iterator[tuple[Hashable, SecretHit]]:
    if len(batch) == 1:
        key, text = batch[0]
        for hit in find_secrets(text):
            yield key, hit
        return
    joined = SEPARATOR.join(text for _, text in batch)
    starts, first_lines, offset, line = [], [], 0, 1
    for _, text in batch:
        starts.append(offset)
        first_lines.append(line)
        offset += len(text) + len(SEPARATOR)
        line += text.count("\n") + SEPARATOR.count("\n")
    for hit in find_secrets(joined):
        k = bisect.bisect_right(starts, hit.start) - 1
        base = starts[k]
        yield batch[k][0], SecretHit(hit.line - first_lines[k] + 1, hit.start - base, hit.end - base, hit.rule,
                                     hit.kind, hit.redacted)
