"""Finding credentials in text: every rule over the text, hits with 1-based line numbers.

Each rule is tried only where one of its anchors (the literals its matches start with)
occurs, and all anchors are found in one pass (:mod:`packverify.secrets.anchors`):
the same matches as running every rule's ``finditer`` over the text, ≈40 passes fewer.
Cost is linear in the text and the hits: line numbers, line bounds and the allowlist
verdict come from one left-to-right pass over each text's sorted hits — never a count
or a search from the start per hit, which made 10,000 keys in one 9.8 MB chunk take
≈28 s (docs/security.md), nor from the start of a long line per hit.

Many small texts (a pack's chunks, its metadata strings) are scanned in batches of
about 1 Mi characters joined by a separator line (``\\n\\0\\n``), so the per-call cost
is paid once per batch; each text is still judged alone (a rule's match ends within
its own text). ASCII texts are joined apart from the others: their batch takes one byte
a character and is its own bytes for the anchor search, where one emoji among them
would make the whole batch four bytes a character.

Honoured like detect-secrets and gitleaks: a line containing ``pragma: allowlist
secret`` or ``gitleaks:allow`` is not reported.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

from packverify.secrets import private_keys
from packverify.secrets.anchors import AnchoredTexts, AnchorFinder, matches
from packverify.secrets.rules import RULES

ALLOW_MARKERS = ("pragma: allowlist secret", "gitleaks:allow")
SEPARATOR = "\n\0\n"
BATCH_CHARS = 1 << 20

Span = tuple[int, int, int, str, str, str]  # (start, end, priority, rule id, kind, redacted)


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


@functools.cache
def anchor_finder() -> AnchorFinder:
    """The anchors of every rule and key shape, compiled once per process."""
    return AnchorFinder([*(a for rule in RULES for a in rule.anchors), *private_keys.ANCHORS])


def _spans(where: AnchoredTexts) -> list[Span]:
    """Every accepted match in the texts of ``where``, overlaps removed (the earlier rule
    in the table names a span two rules match)."""
    text = where.text
    found = []
    for priority, rule in enumerate(RULES):
        for m in matches(rule.pattern, where, rule.anchors):
            secret = m.group("secret")
            if rule.accept is None or rule.accept(secret, m):
                prefix = text[m.start():m.start("secret")] if rule.shows_prefix else ""
                shown = prefix + "…(redacted)" if 0 < len(prefix) <= 12 else redact(secret)
                start = m.start() if rule.shows_prefix else m.start("secret")  # the issuer's prefix is part of it
                found.append((start, m.end("secret"), priority, rule.id, rule.kind, shown))
    extra = len(RULES)
    for start, end, rule_id, kind in private_keys.find(where):
        found.append((start, end, extra, rule_id, kind, redact(text[start:end])))
    found.sort(key=lambda s: (s[0], s[2]))
    kept: list[Span] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            if span[2] < kept[-1][2]:  # a more specific rule for overlapping characters
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _locate(texts: list[str]) -> AnchoredTexts:
    if len(texts) == 1:
        return AnchoredTexts(texts[0], [0], [len(texts[0])], anchor_finder().find(texts[0]))
    joined = SEPARATOR.join(texts)
    ends = list(itertools.accumulate(len(t) + len(SEPARATOR) for t in texts))
    ends = [end - len(SEPARATOR) for end in ends]
    starts = [end - len(t) for end, t in zip(ends, texts, strict=True)]
    return AnchoredTexts(joined, starts, ends, anchor_finder().find(joined))


def _hits(where: AnchoredTexts) -> Iterator[tuple[int, SecretHit]]:
    """(which text, hit with offsets and 1-based line within that text) for every
    credential in ``where``, in order of position; hits on allowlisted lines left out."""
    text = where.text
    current, line, position, back, line_end, allowed = -1, 1, 0, 0, -1, False
    for start, end, _, rule_id, kind, shown in _spans(where):
        k = bisect.bisect_right(where.starts, start) - 1
        lo = where.starts[k]
        if k != current:  # the first hit in this text: search back no further than its start
            current, line, position, back, line_end = k, 1, lo, max(lo - 1, 0), -1
        line += text.count("\n", position, start)
        position = start
        if start > line_end:  # a line not looked at yet (searched from the last one's end: linear)
            line_start = text.rfind("\n", back, start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end == -1 else line_end
            line_text = text[line_start:line_end]
            allowed = any(marker in line_text for marker in ALLOW_MARKERS)
            back = line_end
        if not allowed:
            yield k, SecretHit(line, start - lo, end - lo, rule_id, kind, shown)


def find_secrets(text: str) -> list[SecretHit]:
    """Every credential in ``text``, in order of position, with its 1-based line."""
    return [hit for _, hit in _hits(_locate([text]))] if text else []


def redact_credentials(text: str) -> str:
    """``text`` with every credential in it replaced by its redacted prefix (:func:`redact`)."""
    hits = find_secrets(text)
    if not hits:
        return text
    parts, at = [], 0
    for hit in hits:
        if hit.start >= at:  # hits are in order of position; an overlapping one is already gone
            parts += [text[at:hit.start], hit.redacted]
            at = hit.end
    parts.append(text[at:])
    return "".join(parts)


def scan_many(items: Iterable[tuple[Hashable, str]], batch_chars: int | None = None
              ) -> Iterator[tuple[Hashable, SecretHit]]:
    """``(key, hit)`` for every credential in many texts, in the order of the texts and
    of the hits in each: what :func:`find_secrets` gives for each text alone. Texts are
    scanned in batches of about ``batch_chars`` (default :data:`BATCH_CHARS`) characters."""
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
    ascii_texts = [i for i, (_, text) in enumerate(batch) if text.isascii()]
    others = [i for i, (_, text) in enumerate(batch) if not text.isascii()]
    found: list[tuple[int, int, SecretHit]] = []
    for group in (ascii_texts, others):
        if group:
            hits = _hits(_locate([batch[i][1] for i in group]))
            found.extend((group[k], n, hit) for n, (k, hit) in enumerate(hits))
    found.sort(key=lambda f: (f[0], f[1]))
    for i, _, hit in found:
        yield batch[i][0], hit


def with_anchors(texts: Iterable[str], batch_chars: int | None = None) -> list[str]:
    """The texts, in order, in which the scan has somewhere to start: an anchor occurs in
    them (every rule's match starts at one) or at their start after a newline (a key
    body's first line, looked at where a text starts). The others cannot hold a
    credential, so scanning only these gives the same hits. Found in batches of about
    ``batch_chars`` characters joined by :data:`SEPARATOR` — one anchor search per batch,
    nothing per text but its length — which makes this much cheaper than a scan where
    most texts are short and hold no anchor (a pack's ids, hashes, paths)."""
    batch_chars = batch_chars or BATCH_CHARS
    out: list[str] = []
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text) + len(SEPARATOR)
        if size >= batch_chars:
            out.extend(_anchored(batch))
            batch, size = [], 0
    if batch:
        out.extend(_anchored(batch))
    return out


def _anchored(batch: list[str]) -> list[str]:
    # each text preceded by the separator, the first included: its newline is the one a
    # body line's anchor ("\nMI") needs at a text's start
    joined = SEPARATOR + SEPARATOR.join(batch)
    positions = anchor_finder().find(joined)
    # text k occupies [starts[k], starts[k] + len(batch[k])); an anchor occurrence is
    # counted for every text one of its characters lies in (its first and its last)
    starts = list(itertools.accumulate((len(t) + len(SEPARATOR) for t in batch), initial=len(SEPARATOR)))[:-1]
    chosen: set[int] = set()
    for anchor, found in positions.items():
        for position in found:
            for at in (position, position + len(anchor) - 1):
                k = bisect.bisect_right(starts, at) - 1
                if k >= 0 and at < starts[k] + len(batch[k]):
                    chosen.add(k)
    return [batch[k] for k in sorted(chosen)]
