"""The library below the CLI: statement parsing, verification order, the check
statement's guard, key loading, and where the lock digest comes from."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json

import pytest
from attest_support import KAT_STATEMENT, RFC8032_PUBLIC, RFC8032_SEED, private_pem, public_pem

from packverify.attest import (
    CheckOptions,
    Refused,
    Unusable,
    check_statement,
    dsse,
    load_private_key,
    load_public_key,
    provenance,
    sign_statement,
    verify,
)
from packverify.model import Report, Verdict

KEY = load_private_key(private_pem(RFC8032_SEED))
PUB = load_public_key(public_pem(RFC8032_PUBLIC))


def _signed_payload(payload: bytes, payload_type: str = "application/vnd.in-toto+json") -> bytes:
    return dsse.envelope_bytes(dsse.sign(payload_type, payload, KEY))


def _refused(data: bytes, artifacts=(), **kwargs) -> Refused:
    with pytest.raises(Refused) as info:
        verify(data, PUB, list(artifacts), **kwargs)
    return info.value


def _with(**changes) -> bytes:
    return json.dumps({**KAT_STATEMENT, **changes}).encode()


@pytest.mark.parametrize("payload,check,needle", [
    (b"not json", "statement", "not valid JSON"),
    (b"[]", "statement", "not a JSON object"),
    (_with(_type="https://in-toto.io/Statement/v0.1"), "statement", "_type"),
    (_with(subject=[]), "statement", "subject must be a non-empty list"),
    (_with(subject=[{"name": "x"}]), "statement", "subject[0] needs a non-empty digest"),
    (_with(subject=[{"name": "x", "digest": {"sha256": "ABC"}}]), "statement", "lowercase hex"),
    (_with(subject=[{"name": "x", "digest": {"sha256": "ab"}}]), "statement", "64 hex digits"),
    (_with(subject=[{"name": 1, "digest": {"sha256": "a" * 64}}]), "statement", "name must be a string"),
    (_with(predicateType=""), "statement", "predicateType"),
    (_with(predicate=[]), "statement", "predicate must be an object"),
    (_with(predicateType="https://slsa.dev/provenance/v1"), "predicate-type", "not packverify's"),
    (_with(predicate={}), "verdict", "not 'pass' or 'fail'"),
    (_with(predicate={"verdict": "PASS"}), "verdict", "not 'pass' or 'fail'"),
])
def test_statement_checks_come_after_the_signature_and_name_themselves(payload, check, needle):
    refused = _refused(_signed_payload(payload))
    assert refused.check == check and needle in refused.message


def test_a_signed_payload_of_another_type_is_refused():
    refused = _refused(_signed_payload(_with(), "application/json"))
    assert refused.check == "payload-type"


def test_subjects_are_matched_by_sha256_not_by_name():
    data = sign_statement(KAT_STATEMENT, KEY)
    empty = hashlib.sha256(b"").hexdigest()
    assert verify(data, PUB, [("any-name.json", empty)]).statement == KAT_STATEMENT
    refused = _refused(data, [("empty.json", "f" * 64)])
    assert refused.check == "subject" and "empty.json (sha256 " + "f" * 64 in refused.message


def test_a_failing_verdict_needs_allow_fail():
    data = sign_statement({**KAT_STATEMENT, "predicate": {"verdict": "fail"}}, KEY)
    assert _refused(data).check == "verdict"
    assert verify(data, PUB, allow_fail=True).passed[-1] == ("verdict", "fail")


def test_no_readable_pack_means_nothing_to_attest():
    options = CheckOptions(strict=False, oracles=("parse",))
    with pytest.raises(ValueError, match="no pack could be read"):
        check_statement(Report(packs=(), verdict=Verdict.PASS), options, version="0", lock={}, environment={})


@pytest.mark.parametrize("loader,data,needle", [
    (load_private_key, b"", "not a PEM private key"),
    (load_private_key, public_pem(RFC8032_PUBLIC), "is a public key"),
    (load_public_key, private_pem(RFC8032_SEED), "is a private key"),
    (load_public_key, b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a PEM public key"),
])
def test_keys_that_cannot_be_used(loader, data, needle):
    with pytest.raises(Unusable, match=needle):
        loader(data)


# --------------------------------------------------------------------------- lock provenance

def _checkout(tmp_path, lock: bytes | None, name: str = "packverify"):
    root = tmp_path / "checkout"
    (root / "packverify").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
    if lock is not None:
        (root / "requirements.lock").write_bytes(lock)
    return root / "packverify"


def test_the_install_record_comes_first(tmp_path):
    prefix = tmp_path / "venv"
    prefix.mkdir()
    click_pin = f"click=={importlib.metadata.version('click')} \\\n    --hash=sha256:00\n".encode()
    (prefix / provenance.INSTALL_RECORD).write_bytes(click_pin)
    record = provenance.lock_record(prefix, _checkout(tmp_path, b"other\n"))
    assert record == {"name": "requirements.lock", "source": "install-record",
                      "sha256": hashlib.sha256(click_pin).hexdigest(), "matches_environment": True, "mismatches": []}


def test_the_checkout_lock_when_there_is_no_record(tmp_path):
    lock = b"click==0.0.1 \\\n    --hash=sha256:00\nno-such-package-xyz==1.0\n"
    record = provenance.lock_record(tmp_path, _checkout(tmp_path, lock))
    assert record["source"] == "checkout" and record["sha256"] == hashlib.sha256(lock).hexdigest()
    assert record["matches_environment"] is False
    assert record["mismatches"] == [f"click==0.0.1 (installed: {importlib.metadata.version('click')})",
                                    "no-such-package-xyz==1.0 (installed: none)"]


@pytest.mark.parametrize("lock,name", [(None, "packverify"), (b"x==1\n", "someone-else")])
def test_no_lock_is_null_with_a_reason(tmp_path, lock, name):
    record = provenance.lock_record(tmp_path, _checkout(tmp_path, lock, name))
    assert record["sha256"] is None and record["source"] is None and "scripts/setup" in record["reason"]
