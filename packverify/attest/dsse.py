"""DSSE envelopes (Dead Simple Signing Envelope, v1) signed with ed25519.

Spec: github.com/secure-systems-lab/dsse, ``protocol.md`` and ``envelope.md``. The
signature covers the pre-authentication encoding

    PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body

(LEN: the byte length in ASCII decimal, no leading zeros), never the JSON around it.
Writing: one signature, standard base64 with padding, the envelope serialised as
RFC 8785 JSON with no trailing newline — so the same key and payload give the same
file. Reading is stricter than DSSE requires, so that no single changed byte keeps a
file valid: exactly the keys ``payloadType``/``payload``/``signatures`` and
``keyid``/``sig``, canonical standard base64 only (DSSE also allows URL-safe base64,
and a ``+`` → ``-`` change would then keep the meaning), a ``keyid`` that names the
verifying key. Signatures under other key ids are ignored (a multi-signer envelope);
every one under this key must verify. Leaves alone: what the payload means (statement.py).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from packverify.attest import keys
from packverify.attest._json import strict_loads
from packverify.attest.errors import Refused
from packverify.canonical import jcs_bytes

_ENVELOPE_KEYS = {"payloadType", "payload", "signatures"}
_SIGNATURE_KEYS = {"keyid", "sig"}


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding of ``payload`` under ``payload_type``."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sign(payload_type: str, payload: bytes, private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """An envelope holding ``payload`` and one ed25519 signature over its PAE."""
    signature = private_key.sign(pae(payload_type, payload))
    return {"payloadType": payload_type, "payload": b64encode(payload),
            "signatures": [{"keyid": keys.keyid(private_key.public_key()), "sig": b64encode(signature)}]}


def envelope_bytes(envelope: dict[str, Any]) -> bytes:
    """The file packverify writes: RFC 8785 JSON, no trailing newline (see the module docstring)."""
    return jcs_bytes(envelope)


@dataclass(frozen=True)
class Opened:
    """An envelope whose signature by ``keyid`` verified."""

    payload_type: str
    payload: bytes
    keyid: str


def open_envelope(data: bytes, public_key: Ed25519PublicKey) -> Opened:
    """Check the envelope ``data`` and its signature by ``public_key``; the payload, or :class:`Refused`."""
    envelope = strict_loads(data, check="envelope", what="the envelope")
    _check_shape(envelope)
    payload = _b64decode(envelope["payload"], check="envelope", what="payload")
    wanted = keys.keyid(public_key)
    mine = [s for s in envelope["signatures"] if s["keyid"] == wanted]
    if not mine:
        others = ", ".join(sorted({s["keyid"] or "(empty)" for s in envelope["signatures"]}))
        raise Refused("keyid", f"no signature by key {wanted}; the envelope is signed by: {others}")
    signed = pae(envelope["payloadType"], payload)
    for entry in mine:
        sig = _b64decode(entry["sig"], check="signature", what="sig")
        try:
            public_key.verify(sig, signed)
        except InvalidSignature:
            raise Refused("signature", f"the ed25519 signature by key {wanted} does not verify over the "
                          "envelope's payload and payloadType (tampered, or signed by another key)") from None
    return Opened(envelope["payloadType"], payload, wanted)


def _check_shape(envelope: Any) -> None:
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE_KEYS:
        found = sorted(envelope) if isinstance(envelope, dict) else type(envelope).__name__
        raise Refused("envelope", f"a DSSE envelope is an object with exactly {sorted(_ENVELOPE_KEYS)}; found {found}")
    if not isinstance(envelope["payloadType"], str) or not isinstance(envelope["payload"], str):
        raise Refused("envelope", "payloadType and payload must be strings")
    signatures = envelope["signatures"]
    if not isinstance(signatures, list) or not signatures:
        raise Refused("envelope", "signatures must be a non-empty list")
    for i, entry in enumerate(signatures):
        if not isinstance(entry, dict) or set(entry) != _SIGNATURE_KEYS:
            raise Refused("envelope", f"signatures[{i}] must be an object with exactly {sorted(_SIGNATURE_KEYS)}")
        if not isinstance(entry["keyid"], str) or not isinstance(entry["sig"], str):
            raise Refused("envelope", f"signatures[{i}]: keyid and sig must be strings")


def _b64decode(text: str, *, check: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise Refused(check, f"{what} is not standard base64") from None
    if b64encode(raw) != text:  # non-zero padding bits or missing padding: another spelling of the same bytes
        raise Refused(check, f"{what} is not canonical base64 (another spelling of the same bytes)")
    return raw
