"""The secrets scan as it was before anchors (packverify 2026-11-29, ``main`` at 148ec06):
the reference the anchored scan is compared with (tests/secrets/test_scan_differential.py).

Every rule's ``finditer`` over the whole text and every key shape's own search, one text
at a time — the plain reading of the rules, with no prefilter, no batching and no joined
texts. The rules themselves (patterns, accept functions, helpers of the key shapes) are
imported: they are the data both scans read, not the algorithm under test. Line bounds
per hit are searched from the text's start, as before (quadratic on one long line with
many hits: the tests keep such lines short).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator

from packverify.secrets import private_keys as pk
from packverify.secrets.rules import RULES, looks_random
from packverify.secrets.scan import ALLOW_MARKERS, SecretHit, redact

_HTPASSWD = tuple(pattern for pattern, _ in pk._HTPASSWD)


def find_secrets(text: str) -> list[SecretHit]:
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


def scan_many(items: Iterable[tuple[Hashable, str]]) -> Iterator[tuple[Hashable, SecretHit]]:
    """What scan_many promises: each text's own findings, in the order of the texts."""
    for key, text in items:
        for hit in find_secrets(text):
            yield key, hit


def _spans(text: str) -> list[tuple[int, int, int, str, str, str]]:
    found = []
    for priority, rule in enumerate(RULES):
        for m in rule.pattern.finditer(text):
            secret = m.group("secret")
            if rule.accept is None or rule.accept(secret, m):
                prefix = text[m.start():m.start("secret")] if rule.shows_prefix else ""
                shown = prefix + "…(redacted)" if 0 < len(prefix) <= 12 else redact(secret)
                start = m.start() if rule.shows_prefix else m.start("secret")
                found.append((start, m.end("secret"), priority, rule.id, rule.kind, shown))
    extra = len(RULES)
    for start, end, rule_id, kind in _private_keys(text):
        found.append((start, end, extra, rule_id, kind, redact(text[start:end])))
    found.sort(key=lambda s: (s[0], s[2]))
    kept: list[tuple[int, int, int, str, str, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            if span[2] < kept[-1][2]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _private_keys(text: str) -> Iterator[tuple[int, int, str, str]]:
    for m in pk._BEGIN.finditer(text):
        yield m.start(), m.end(), "private-key", pk._kind(m.group("label"))
    for m in pk._LAST_LINE_BEGIN.finditer(text):
        if text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip(" \t") == "":
            yield m.start(), m.end("label") + 5, "private-key", pk._kind(m.group("label"))
    position = text.find("-----END ")
    while position != -1:
        m = pk._END.search(text, max(0, position - 80), position + 80)
        if m is not None and m.start("label") - 9 == position:
            yield m.start(), m.end(), "private-key", pk._kind(m.group("label"))
        position = text.find("-----END ", position + 9)
    for start in _line_starts_of(text, ("MI", "MH", "MG", "MC", pk._OPENSSH_MAGIC)):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if pk._BODY_LINE.fullmatch(line) and _next_is_body(text, end) and pk._private_der_or_openssh(line):
            yield start, end, "private-key", "private key (body)"
    for m in pk._PUTTY.finditer(text):
        if m.start() == 0 or text[m.start() - 1] == "\n":
            yield m.start(), m.end(), "putty-private-key", "PuTTY private key"
    for m in pk._NETRC.finditer(text):
        if looks_random(m.group("secret")) and (m.start() == 0 or text[m.start() - 1] in " \t\n"):
            yield m.start("secret"), m.end("secret"), "netrc-password", "password in a .netrc entry"
    for pattern in _HTPASSWD:
        for m in pattern.finditer(text):
            if pk._USER_BEFORE.search(text, max(0, m.start() - 66), m.start()):
                yield m.start("secret"), m.end("secret"), "password-hash", "password hash (.htpasswd, shadow)"


def _line_starts_of(text: str, prefixes: tuple[str, ...]) -> Iterator[int]:
    for prefix in prefixes:
        if text.startswith(prefix):
            yield 0
        needle = "\n" + prefix
        position = text.find(needle)
        while position != -1:
            yield position + 1
            position = text.find(needle, position + 1)


def _next_is_body(text: str, end: int) -> bool:
    if end >= len(text):
        return False
    following = text[end + 1:end + 90].split("\n", 1)[0]
    return pk._BODY_LINE.fullmatch(following) is not None or following.startswith("-----END ") or \
        (len(following) >= 4 and re.fullmatch(r"[A-Za-z0-9+/]+={0,2}\r?", following) is not None)


class Name:
    """A property name on the walk's stack (a credential can be one)."""

    def __init__(self, text: str) -> None:
        self.text = text


def security_findings(pack) -> list[tuple]:
    """The security oracle's secret findings as it made them before anchors: chunk
    contents, then every other string of the document and every property name, each
    distinct text once at its first place (a stack walk in document order), as
    (pointer path, message, redacted)."""
    from packverify.pointer import to_pointer

    out, reported = [], set()
    for chunk in pack.chunks:
        for hit in find_secrets(chunk.content or ""):
            secret = chunk.content[hit.start:hit.end]
            if (chunk.index, secret) in reported:
                continue
            reported.add((chunk.index, secret))
            where = f"{chunk.file_path}:{chunk.start_line + hit.line - 1}" if chunk.start_line and chunk.is_full \
                else f"line {hit.line} of the chunk"
            out.append((chunk.path + ("content",), f"{hit.kind} at {where}", hit.redacted))
    seen: set[str] = set()
    stack: list = [((), pack.doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Name):  # a property name, met just before its value, placed at its object
            if node.text not in seen:
                seen.add(node.text)
                where = f"a property name of {to_pointer(path) or 'the top level'}"
                out.extend((path, f"{hit.kind} in {where}", hit.redacted) for hit in find_secrets(node.text))
        elif isinstance(node, str):
            if node not in seen:
                seen.add(node)
                out.extend((path, f"{hit.kind} in {to_pointer(path)}", hit.redacted) for hit in find_secrets(node))
        elif isinstance(node, dict):
            skip_content = len(path) == 2 and path[0] == "chunks"
            for key in reversed(list(node)):
                if not (skip_content and key == "content"):
                    stack.append((path + (key,), node[key]))
                stack.append((path, Name(key)))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                stack.append((path + (i,), node[i]))
    return out
