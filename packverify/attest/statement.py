"""in-toto Statement v1: what an attestation says, about which artifacts.

Spec: github.com/in-toto/attestation, ``spec/v1/statement.md`` and
``resource_descriptor.md``. A statement is ``{"_type", "subject", "predicateType",
"predicate"}``; each subject names an artifact by its digests. Statements are
serialised as RFC 8785 JSON (:func:`packverify.canonical.jcs_bytes`) so that the same
facts give the same payload bytes, and so the same signature. Parsing checks the
statement layer only (types, a non-empty subject list, lowercase hex digests); the
predicate's meaning belongs to its writer (check.py, transcript.py).
"""

from __future__ import annotations

import re
from typing import Any

from packverify.attest._json import strict_loads
from packverify.attest.errors import Refused
from packverify.canonical import jcs_bytes

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"

_HEX = re.compile(r"[0-9a-f]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def subject(name: str, **digests: str) -> dict[str, Any]:
    """A ResourceDescriptor naming an artifact by its digests (``sha256=...``, ``gitCommit=...``)."""
    return {"name": name, "digest": dict(digests)}


def statement(subjects: list[dict[str, Any]], predicate_type: str, predicate: dict[str, Any]) -> dict[str, Any]:
    if not subjects:
        raise ValueError("an in-toto statement needs at least one subject")
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": predicate_type, "predicate": predicate}


def payload(stmt: dict[str, Any]) -> bytes:
    """The statement's bytes as signed: RFC 8785."""
    return jcs_bytes(stmt)


def parse(data: bytes) -> dict[str, Any]:
    """A Statement v1 from payload bytes, or :class:`Refused` under the check ``statement``."""
    stmt = strict_loads(data, check="statement", what="the payload")
    if not isinstance(stmt, dict):
        raise Refused("statement", "the payload is not a JSON object")
    if stmt.get("_type") != STATEMENT_TYPE:
        raise Refused("statement", f"_type is {stmt.get('_type')!r}, not {STATEMENT_TYPE!r}")
    subjects = stmt.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise Refused("statement", "subject must be a non-empty list")
    for i, item in enumerate(subjects):
        _check_subject(i, item)
    if not isinstance(stmt.get("predicateType"), str) or not stmt["predicateType"]:
        raise Refused("statement", "predicateType must be a non-empty string")
    if not isinstance(stmt.get("predicate"), dict):
        raise Refused("statement", "predicate must be an object")
    return stmt


def _check_subject(i: int, item: Any) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("digest"), dict) or not item["digest"]:
        raise Refused("statement", f"subject[{i}] needs a non-empty digest object")
    if "name" in item and not isinstance(item["name"], str):
        raise Refused("statement", f"subject[{i}].name must be a string")
    for alg, value in item["digest"].items():
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise Refused("statement", f"subject[{i}].digest.{alg} must be lowercase hex")
        if alg == "sha256" and not _SHA256.fullmatch(value):
            raise Refused("statement", f"subject[{i}].digest.sha256 must be 64 hex digits")


def sha256_subjects(stmt: dict[str, Any]) -> dict[str, str]:
    """sha256 digest → subject name (the first name listed for that digest)."""
    out: dict[str, str] = {}
    for item in stmt["subject"]:
        digest = item["digest"].get("sha256")
        if digest is not None:
            out.setdefault(digest, item.get("name", ""))
    return out
