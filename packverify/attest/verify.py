"""Verify a packverify attestation: envelope, signature, statement, subjects, verdict.

The checks, in order; the first that fails stops verification and is named in the
:class:`Refused` it raises: ``envelope`` (strict DSSE JSON), ``keyid`` (a signature by
this key), ``signature`` (ed25519 over the PAE), ``payload-type``
(``application/vnd.in-toto+json``), ``statement`` (in-toto Statement v1),
``predicate-type`` (one of packverify's), ``subject`` (each artifact's sha256 is a
subject), ``verdict`` (``pass``, unless failures are allowed). Nothing is read from
the statement before its signature verified. Leaves alone: whether the key should be
trusted (the caller chose it) and what the artifacts contain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from packverify.attest import dsse, statement
from packverify.attest.check import CHECK_PREDICATE_TYPE
from packverify.attest.errors import Refused
from packverify.attest.transcript import TRANSCRIPT_PREDICATE_TYPE

PREDICATE_TYPES = (CHECK_PREDICATE_TYPE, TRANSCRIPT_PREDICATE_TYPE)


@dataclass(frozen=True)
class Verified:
    """A verified attestation: its statement and what each check established."""

    statement: dict[str, Any]
    keyid: str
    passed: list[tuple[str, str]] = field(default_factory=list)  # (check, what it established)


def verify(data: bytes, public_key: Ed25519PublicKey, artifacts: list[tuple[str, str]] = (), *,
           allow_fail: bool = False) -> Verified:
    """``artifacts`` are (name, sha256) pairs that must each be a subject."""
    opened = dsse.open_envelope(data, public_key)
    passed = [("envelope", "DSSE envelope, strict JSON"),
              ("keyid", opened.keyid),
              ("signature", "ed25519 over the DSSE pre-authentication encoding")]
    if opened.payload_type != statement.PAYLOAD_TYPE:
        raise Refused("payload-type", f"payloadType is {opened.payload_type!r}, not {statement.PAYLOAD_TYPE!r}")
    passed.append(("payload-type", statement.PAYLOAD_TYPE))
    stmt = statement.parse(opened.payload)
    passed.append(("statement", statement.STATEMENT_TYPE))
    if stmt["predicateType"] not in PREDICATE_TYPES:
        raise Refused("predicate-type", f"predicateType {stmt['predicateType']!r} is not packverify's "
                      f"({', '.join(PREDICATE_TYPES)})")
    passed.append(("predicate-type", stmt["predicateType"]))
    named = statement.sha256_subjects(stmt)
    missing = [f"{name} (sha256 {digest})" for name, digest in artifacts if digest not in named]
    if missing:
        raise Refused("subject", f"not a subject of this attestation: {'; '.join(missing)}")
    for name, digest in artifacts:
        passed.append(("subject", f"{name} sha256 {digest}"))
    claimed = stmt["predicate"].get("verdict")
    if claimed not in ("pass", "fail"):
        raise Refused("verdict", f"the predicate's verdict is {claimed!r}, not 'pass' or 'fail'")
    if claimed == "fail" and not allow_fail:
        raise Refused("verdict", "the attestation records a failing verdict (--allow-fail accepts it)")
    passed.append(("verdict", claimed))
    return Verified(stmt, opened.keyid, passed)
