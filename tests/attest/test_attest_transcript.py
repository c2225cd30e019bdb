"""The hermetic boot transcript: the input shape, the derived verdict, the subjects,
and ``attestation transcript`` → ``attestation verify`` end to end."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from attest_support import write_keys
from helpers import run_captured

from packverify.attest import TRANSCRIPT_PREDICATE_TYPE, Unusable, transcript_statement

ROOTFS = b"not really a tarball, but bytes with a digest\n"


def record(**changes) -> dict:
    doc = {
        "git": {"commit": "a" * 40, "dirty": False},
        "locks": {"requirements.lock": "1" * 64, "debian.lock": "2" * 64},
        "images": [{"suite": "bookworm", "python": "3.11.2", "manifest_sha256": "3" * 64,
                    "rootfs_sha256": hashlib.sha256(ROOTFS).hexdigest(), "image_id": "sha256:" + "4" * 64,
                    "rebuild_identical": True, "tests": {"passed": 812, "failed": 0}, "oci_archive": None}],
        "environment": {"host": {"kernel": "6.1"}},
        "phases": [{"name": "build", "result": "pass", "duration_seconds": 41.5},
                   {"name": "doctor", "result": "pass", "duration_seconds": 1},
                   {"name": "smoke", "result": "pass", "duration_seconds": 3.25},
                   {"name": "tests", "result": "pass", "duration_seconds": 300.0}],
    }
    doc.update(changes)
    return doc


def test_statement_subjects_and_predicate():
    stmt = transcript_statement(record(extra={"kept": True}))
    assert stmt["predicateType"] == TRANSCRIPT_PREDICATE_TYPE == "https://packverify.dev/attestation/boot-transcript/v1"
    assert stmt["subject"] == [
        {"name": "git", "digest": {"gitCommit": "a" * 40}},
        {"name": "bookworm/rootfs.tar", "digest": {"sha256": hashlib.sha256(ROOTFS).hexdigest()}},
        {"name": "bookworm/image-config", "digest": {"sha256": "4" * 64}},
    ]
    assert stmt["predicate"] == {**record(extra={"kept": True}), "verdict": "pass"}


@pytest.mark.parametrize("change,verdict", [
    (lambda r: None, "pass"),
    (lambda r: r["phases"][1].update(result="fail"), "fail"),
    (lambda r: r["phases"][3].update(result="skipped"), "pass"),
    (lambda r: r["images"][0]["tests"].update(failed=1), "fail"),
    (lambda r: r["images"][0].update(rebuild_identical=False), "pass"),  # recorded; the phases judge it
    (lambda r: r.update(images=[]), "pass"),
])
def test_verdict(change, verdict):
    doc = record()
    change(doc)
    assert transcript_statement(doc)["predicate"]["verdict"] == verdict


def test_a_verdict_in_the_record_must_agree():
    assert transcript_statement(record(verdict="pass"))["predicate"]["verdict"] == "pass"
    with pytest.raises(Unusable, match="disagrees"):
        transcript_statement(record(verdict="fail"))


@pytest.mark.parametrize("change,field", [
    (lambda r: r.pop("git"), "git.commit"),
    (lambda r: r["git"].update(commit="A" * 40), "git.commit"),
    (lambda r: r["git"].update(commit="a" * 39), "git.commit"),
    (lambda r: r["git"].update(dirty="no"), "git.dirty"),
    (lambda r: r.update(locks={}), "locks"),
    (lambda r: r["locks"].update(x="zz"), "locks"),
    (lambda r: r.update(images={}), "images"),
    (lambda r: r["images"][0].pop("suite"), "images[0].suite"),
    (lambda r: r["images"][0].update(python=3.11), "images[0].python"),
    (lambda r: r["images"][0].update(rootfs_sha256="5" * 63), "images[0].rootfs_sha256"),
    (lambda r: r["images"][0].update(manifest_sha256=None), "images[0].manifest_sha256"),
    (lambda r: r["images"][0].update(image_id="sha512:" + "4" * 64), "images[0].image_id"),
    (lambda r: r["images"][0].update(rebuild_identical=1), "images[0].rebuild_identical"),
    (lambda r: r["images"][0]["tests"].update(passed=-1), "images[0].tests"),
    (lambda r: r["images"][0]["tests"].update(failed=True), "images[0].tests"),
    (lambda r: r["images"][0].update(oci_archive=5), "images[0].oci_archive"),
    (lambda r: r.pop("environment"), "environment"),
    (lambda r: r.update(phases=[]), "phases"),
    (lambda r: r["phases"][0].update(name=""), "phases[0].name"),
    (lambda r: r["phases"][2].update(result="ok"), "phases[2].result"),
    (lambda r: r["phases"][0].update(duration_seconds="41"), "phases[0].duration_seconds"),
    (lambda r: r["phases"][0].update(duration_seconds=-1), "phases[0].duration_seconds"),
    (lambda r: r["phases"][0].pop("duration_seconds"), "phases[0].duration_seconds"),
])
def test_every_field_out_of_shape_is_named(change, field):
    doc = copy.deepcopy(record())
    change(doc)
    with pytest.raises(Unusable) as info:
        transcript_statement(doc)
    assert str(info.value).startswith(f"hermetic record: {field} must be")


def test_a_bare_image_id_without_the_algorithm_prefix_is_accepted():
    doc = record()
    doc["images"][0]["image_id"] = "4" * 64
    assert transcript_statement(doc)["subject"][2]["digest"] == {"sha256": "4" * 64}


# --------------------------------------------------------------------------- CLI

@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write_record(here, doc) -> str:
    (here / "hermetic.json").write_text(json.dumps(doc))
    (here / "rootfs.tar").write_bytes(ROOTFS)
    return "hermetic.json"


def test_transcript_is_written_and_verifies(here):
    key, pub = write_keys(here)
    code, _, err = run_captured(["attestation", "transcript", "--input", _write_record(here, record()),
                                 "--signing-key", str(key), "-o", "artifacts/boot_transcript.intoto.json"])
    assert code == 0 and "verdict pass" in err
    out_file = here / "artifacts" / "boot_transcript.intoto.json"
    code, out, err = run_captured(["attestation", "verify", str(out_file), "--key", str(pub), "rootfs.tar"])
    assert code == 0, err
    assert "predicate-type  https://packverify.dev/attestation/boot-transcript/v1" in out
    stmt = json.loads(base64.b64decode(json.loads(out_file.read_bytes())["payload"]))
    assert stmt["predicate"]["phases"] == record()["phases"]
    # the same record, key and output: the same bytes
    first = out_file.read_bytes()
    run_captured(["attestation", "transcript", "--input", "hermetic.json", "--signing-key", str(key), "-o", str(out_file)])
    assert out_file.read_bytes() == first


def test_a_failed_boot_is_written_but_does_not_verify_without_allow_fail(here):
    key, pub = write_keys(here)
    doc = record()
    doc["phases"][2]["result"] = "fail"
    code, _, err = run_captured(["attestation", "transcript", "--input", _write_record(here, doc),
                                 "--signing-key", str(key), "-o", "t.json"])
    assert code == 0 and "verdict fail" in err
    code, _, err = run_captured(["attestation", "verify", "t.json", "--key", str(pub)])
    assert code == 1 and "refused by check verdict" in err
    assert run_captured(["attestation", "verify", "t.json", "--key", str(pub), "--allow-fail"])[0] == 0


@pytest.mark.parametrize("content,needle", [
    (None, "cannot read hermetic record"),
    ("{", "is not valid JSON"),
    ('{"git": 1, "git": 2}', "duplicate key"),
    ("[]", "hermetic record: the document must be an object"),
    ('{"git": {"commit": "x"}}', "git.commit must be"),
])
def test_transcript_exit_2_on_an_unusable_record(content, needle, here):
    key, _ = write_keys(here)
    if content is not None:
        (here / "hermetic.json").write_text(content)
    code, _, err = run_captured(["attestation", "transcript", "--input", "hermetic.json", "--signing-key", str(key),
                                 "-o", "t.json"])
    assert code == 2 and needle in err, err
    assert not (here / "t.json").exists()


def test_transcript_exit_2_without_a_usable_key(here):
    _write_record(here, record())
    code, _, err = run_captured(["attestation", "transcript", "--input", "hermetic.json", "--signing-key", "nokey",
                                 "-o", "t.json"])
    assert code == 2 and "cannot read signing key nokey" in err
