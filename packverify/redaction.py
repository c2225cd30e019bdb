"""No report echoes a credential: findings with every credential in their text redacted.

An oracle quotes what it judges — a property name (``schema.additional-property``), a
file path (``security.absolute-path``), a value out of range — and what it quotes can be
a credential the pack leaks (an unknown property named by an access key, a path holding
a token). The ``security`` oracle reports each credential with a redacted prefix; every
other finding is passed through :func:`without_credentials` by the engine, which
redacts the same credentials (:mod:`packverify.secrets`) wherever they stand in it: the
message, ``expected`` and ``actual`` (strings, and strings inside lists and objects),
the segments of its path (a pointer then names the place with the credential cut short)
and its repository location. One anchor search over all the findings' texts decides
(:func:`packverify.secrets.with_anchors`): findings without one are returned as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from packverify.model import Finding
from packverify.secrets import redact_credentials, with_anchors


def without_credentials(findings: list[Finding]) -> list[Finding]:
    """``findings`` in order, each credential in any of their texts redacted."""
    suspects = set(with_anchors(text for finding in findings for text in _texts(finding)))
    if not suspects:
        return findings
    return [_redacted(f, suspects) if any(t in suspects for t in _texts(f)) else f for f in findings]


def _texts(finding: Finding) -> Iterator[str]:
    yield finding.message
    yield from _strings(finding.expected)
    yield from _strings(finding.actual)
    yield from (part for part in finding.path if type(part) is str)
    if finding.source is not None:
        yield finding.source.file_path


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _redacted(finding: Finding, suspects: set[str]) -> Finding:
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return redact_credentials(value) if value in suspects else value
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, tuple):
            return tuple(clean(item) for item in value)
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        return value

    source = finding.source
    if source is not None and source.file_path in suspects:
        source = replace(source, file_path=redact_credentials(source.file_path))
    return replace(finding, message=clean(finding.message), expected=clean(finding.expected),
                   actual=clean(finding.actual), path=tuple(clean(part) for part in finding.path), source=source)


def reason_without_credentials(reason: str) -> str:
    """A skip reason (which may quote the pack: ``unknown tokenizer '…'``) with every
    credential redacted, of the same kind (a :class:`~packverify.oracles._base.NotApplicable` stays one)."""
    cleaned = redact_credentials(reason)  # one short text: the scan's own anchor search suffices
    return reason if cleaned == reason else type(reason)(cleaned)
