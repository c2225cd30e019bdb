"""DSSE envelopes and ed25519: known answers, round trips, and that no single changed
byte — of the envelope file, of the payload it carries, or of the signature — verifies.

Expected bytes come from the DSSE spec's own example and from OpenSSL's command line
(attest_support.py says how); independent verifiers are PyNaCl (libsodium),
securesystemslib's DSSE Envelope, and securesystemslib's vendored pure-Python ed25519.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import nacl.signing
import pytest
from attest_support import (
    KAT_ENVELOPE,
    KAT_KEYID,
    KAT_SIG,
    KAT_STATEMENT,
    KAT_STATEMENT_BYTES,
    OTHER_PUBLIC,
    OTHER_SEED,
    RFC8032_PUBLIC,
    RFC8032_SEED,
    pae,
    private_pem,
    public_pem,
    spki_der,
)
from securesystemslib import dsse as sslib_dsse
from securesystemslib._vendor.ed25519 import ed25519 as pure_ed25519
from securesystemslib.signer import SSlibKey

from packverify.attest import Refused, dsse, keyid, load_private_key, load_public_key, sign_statement, verify

KEY = load_private_key(private_pem(RFC8032_SEED))
PUB = load_public_key(public_pem(RFC8032_PUBLIC))
OTHER_KEY = load_private_key(private_pem(OTHER_SEED))
OTHER_PUB = load_public_key(public_pem(OTHER_PUBLIC))
PAYLOAD_TYPE = b"application/vnd.in-toto+json"


def _refused(data: bytes, public_key=PUB) -> str:
    with pytest.raises(Refused) as info:
        verify(data, public_key)
    return info.value.check


def _envelope(data: bytes) -> dict:
    return json.loads(data)


# --------------------------------------------------------------------------- known answers

def test_pae_is_the_dsse_spec_example():
    # The example in the DSSE spec (protocol.md), PAE of that type and body:
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == \
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    assert dsse.pae("", b"") == b"DSSEv1 0  0 "
    assert dsse.pae("t\u00e9", b"x") == b"DSSEv1 3 t\xc3\xa9 1 x"  # byte lengths, not characters


def test_rfc8032_test_1_signs_as_the_rfc_says():
    # RFC 8032 §7.1 TEST 1: the empty message.
    assert KEY.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")


def test_keyid_is_the_sha256_of_the_spki_der():
    assert keyid(PUB) == hashlib.sha256(spki_der(RFC8032_PUBLIC)).hexdigest() == KAT_KEYID
    assert keyid(KEY.public_key()) == KAT_KEYID


def test_known_answer_envelope_bytes():
    assert sign_statement(KAT_STATEMENT, KEY) == KAT_ENVELOPE
    env = _envelope(KAT_ENVELOPE)
    assert base64.b64decode(env["payload"]) == KAT_STATEMENT_BYTES
    assert env["signatures"] == [{"keyid": KAT_KEYID, "sig": KAT_SIG}]


def test_known_answer_envelope_verifies():
    verified = verify(KAT_ENVELOPE, PUB, [("empty.json", hashlib.sha256(b"").hexdigest())])
    assert verified.statement == KAT_STATEMENT and verified.keyid == KAT_KEYID


# --------------------------------------------------------------------------- independent verifiers

def _independent_check(data: bytes, public: bytes) -> dict:
    """Verify without packverify: the PAE by hand, the signature by libsodium and by a
    pure-Python ed25519; the envelope by securesystemslib's DSSE implementation."""
    env = json.loads(data)
    payload = base64.b64decode(env["payload"])
    signed = pae(env["payloadType"].encode(), payload)
    (entry,) = env["signatures"]
    sig = base64.b64decode(entry["sig"])
    nacl.signing.VerifyKey(public).verify(signed, sig)  # raises BadSignatureError
    pure_ed25519.checkvalid(sig, signed, public)        # raises SignatureMismatch
    assert entry["keyid"] == hashlib.sha256(spki_der(public)).hexdigest()
    envelope = sslib_dsse.Envelope.from_dict(copy.deepcopy(env))  # from_dict consumes its argument
    assert envelope.pae() == signed
    key = SSlibKey(entry["keyid"], "ed25519", "ed25519", {"public": public.hex()})
    assert set(envelope.verify([key], 1)) == {entry["keyid"]}
    return json.loads(payload)


def test_our_envelope_verifies_with_independent_implementations():
    statement = {**KAT_STATEMENT, "predicate": {"verdict": "fail", "note": "caf\u00e9 \U0001f600"}}
    assert _independent_check(sign_statement(statement, KEY), RFC8032_PUBLIC) == statement
    assert _independent_check(sign_statement(statement, OTHER_KEY), OTHER_PUBLIC) == statement


def test_independent_verifiers_reject_what_ours_rejects():
    env = _envelope(sign_statement(KAT_STATEMENT, KEY))
    env["payload"] = base64.b64encode(KAT_STATEMENT_BYTES.replace(b"pass", b"fail")).decode()
    with pytest.raises(nacl.exceptions.BadSignatureError):
        _independent_check(json.dumps(env).encode(), RFC8032_PUBLIC)
    assert _refused(json.dumps(env).encode()) == "signature"


# --------------------------------------------------------------------------- every changed byte

SLICES = 8  # each exhaustive test runs as 8 parametrised slices so that xdist spreads them over the cores


def _changes(data: bytes, part: int):
    """Every single-byte change of ``data`` at the positions of slice ``part``."""
    for i in range(part, len(data), SLICES):
        for value in range(256):
            if value != data[i]:
                yield data[:i] + bytes([value]) + data[i + 1:]


# Exhaustive, not sampled: every position, every other byte value. ~0.1-0.5 ms per
# verification (ed25519 dominates), ~100k verifications in all: marked slow.
@pytest.mark.slow
@pytest.mark.parametrize("part", range(SLICES))
def test_every_single_byte_change_of_the_envelope_file_fails(part):
    accepted = []
    for changed in _changes(KAT_ENVELOPE, part):
        try:
            verify(changed, PUB)
        except Refused:
            continue
        accepted.append(changed)
    assert accepted == []


@pytest.mark.slow
@pytest.mark.parametrize("part", range(SLICES))
def test_every_single_byte_change_of_the_payload_fails(part):
    env = _envelope(KAT_ENVELOPE)
    checks = set()
    for changed in _changes(KAT_STATEMENT_BYTES, part):
        env["payload"] = base64.b64encode(changed).decode()
        checks.add(_refused(json.dumps(env).encode()))
    assert checks == {"signature"}


@pytest.mark.slow
@pytest.mark.parametrize("part", range(SLICES))
def test_every_single_byte_change_of_the_signature_fails(part):
    env = _envelope(KAT_ENVELOPE)
    checks = set()
    for changed in _changes(base64.b64decode(KAT_SIG), part):
        env["signatures"][0]["sig"] = base64.b64encode(changed).decode()
        checks.add(_refused(json.dumps(env).encode()))
    assert checks == {"signature"}


def test_the_exhaustive_changes_cover_every_position_and_value():
    data = bytes(range(20))
    every = [c for part in range(SLICES) for c in _changes(data, part)]
    assert len(every) == len(set(every)) == 20 * 255
    assert all(sum(a != b for a, b in zip(c, data)) == 1 for c in every)


def test_a_changed_payload_type_fails_the_signature():
    env = _envelope(KAT_ENVELOPE)
    env["payloadType"] = "application/vnd.in-toto+jsom"
    assert _refused(json.dumps(env).encode()) == "signature"


# --------------------------------------------------------------------------- keys

def test_another_key_is_refused_by_keyid():
    assert _refused(KAT_ENVELOPE, OTHER_PUB) == "keyid"


def test_a_signature_by_another_key_under_our_keyid_fails_the_signature():
    forged = _envelope(sign_statement(KAT_STATEMENT, OTHER_KEY))
    forged["signatures"][0]["keyid"] = KAT_KEYID
    assert _refused(json.dumps(forged).encode()) == "signature"


def test_other_signers_are_ignored_but_every_signature_under_this_key_must_verify():
    env = _envelope(KAT_ENVELOPE)
    other = _envelope(sign_statement(KAT_STATEMENT, OTHER_KEY))["signatures"][0]
    env["signatures"].append(other)
    assert verify(json.dumps(env).encode(), PUB).keyid == KAT_KEYID
    assert verify(json.dumps(env).encode(), OTHER_PUB).keyid == other["keyid"]
    env["signatures"].append({"keyid": KAT_KEYID, "sig": other["sig"]})
    assert _refused(json.dumps(env).encode()) == "signature"


def test_pretty_printed_envelopes_verify():
    assert verify(json.dumps(_envelope(KAT_ENVELOPE), indent=4).encode(), PUB).keyid == KAT_KEYID


# --------------------------------------------------------------------------- strict envelope reading

def _variant(change) -> bytes:
    env = _envelope(KAT_ENVELOPE)
    change(env)
    return json.dumps(env).encode()


@pytest.mark.parametrize("data,check", [
    (b"", "envelope"),
    (b"\xff{}", "envelope"),
    (b"[]", "envelope"),
    (b'{"payload": NaN}', "envelope"),
    (KAT_ENVELOPE.replace(b'"payloadType"', b'"payloadType":"x","payloadType"'), "envelope"),  # duplicate key
    (_variant(lambda e: e.update(extra=1)), "envelope"),
    (_variant(lambda e: e.pop("signatures")), "envelope"),
    (_variant(lambda e: e.update(signatures=[])), "envelope"),
    (_variant(lambda e: e["signatures"][0].update(public="x")), "envelope"),
    (_variant(lambda e: e["signatures"][0].pop("keyid")), "envelope"),
    (_variant(lambda e: e.update(payload=42)), "envelope"),
    # the same bytes with non-zero padding bits, or without padding: refused
    (_variant(lambda e: e.update(payload=e["payload"][:-2] + "1=")), "envelope"),
    (_variant(lambda e: e.update(payload=e["payload"].rstrip("="))), "envelope"),
    (_variant(lambda e: e["signatures"][0].update(sig=KAT_SIG[:-3] + "h==")), "signature"),
    (_variant(lambda e: e["signatures"][0].update(sig=base64.b64encode(b"\0" * 63).decode())), "signature"),
])
def test_malformed_envelopes_are_refused(data, check):
    assert _refused(data) == check


def test_url_safe_base64_is_refused():
    statement = {**KAT_STATEMENT, "predicate": {"verdict": "pass", "n": "???>>>"}}  # encodes to '/' and '+'
    env = _envelope(sign_statement(statement, KEY))
    assert set("+/") & set(env["payload"])
    env["payload"] = env["payload"].replace("+", "-").replace("/", "_")
    assert base64.urlsafe_b64decode(env["payload"]) == json.dumps(
        statement, sort_keys=True, separators=(",", ":")).encode()
    assert _refused(json.dumps(env).encode()) == "envelope"


def test_non_canonical_base64_decodes_to_the_same_bytes_so_must_be_refused():
    # The reason for the canonical-spelling rule: Python's decoder ignores padding bits.
    spelt = _envelope(KAT_ENVELOPE)["payload"][:-2] + "1="
    assert base64.b64decode(spelt) == KAT_STATEMENT_BYTES
