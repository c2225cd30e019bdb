"""Signed, verifiable records of what packverify did: in-toto Statements v1 in DSSE
envelopes, signed with ed25519 (docs/attestation.md).

- :func:`check.check_statement` — the statement a ``check`` run makes about its packs;
- :func:`transcript.transcript_statement` — the statement about a hermetic build;
- :func:`sign_statement` — statement → envelope bytes (deterministic);
- :func:`verify.verify` — envelope bytes + public key → the statement, or
  :class:`Refused` naming the check that failed.

Pure functions over bytes and keys; reading files, running git and printing are the
caller's (``provenance`` reads what a check statement records about its environment).
No click here: the CLI is ``packverify.cli.attestation_cmd``.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from packverify.attest import dsse, statement
from packverify.attest.check import CHECK_PREDICATE_TYPE, CheckOptions, check_statement
from packverify.attest.errors import Refused, Unusable
from packverify.attest.keys import keyid, load_private_key, load_public_key
from packverify.attest.transcript import TRANSCRIPT_PREDICATE_TYPE, transcript_statement
from packverify.attest.verify import Verified, verify


def sign_statement(stmt: dict[str, Any], private_key: Ed25519PrivateKey) -> bytes:
    """The envelope file's bytes: ``stmt`` as RFC 8785 JSON, signed over the DSSE PAE."""
    return dsse.envelope_bytes(dsse.sign(statement.PAYLOAD_TYPE, statement.payload(stmt), private_key))


__all__ = [
    "CHECK_PREDICATE_TYPE", "TRANSCRIPT_PREDICATE_TYPE", "CheckOptions", "Refused", "Unusable", "Verified",
    "check_statement", "keyid", "load_private_key", "load_public_key", "sign_statement", "transcript_statement",
    "verify",
]
