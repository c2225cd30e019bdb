"""``check --attest`` and ``attestation verify|keygen`` end to end through the CLI:
every exit code, every refusal naming its check, determinism, what the statement records."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from attest_support import OTHER_PUBLIC, OTHER_SEED, pae, write_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from helpers import run_captured, valid_doc, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def keys(here):
    return write_keys(here)


@pytest.fixture
def good(here):
    return write(here, "good.json", valid_doc())


@pytest.fixture
def bad(here):
    doc = valid_doc()
    doc["budget_info"]["actual_tokens"] = doc["budget_info"]["target_budget"] + 5
    return write(here, "bad.json", doc)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _statement(envelope: Path) -> dict:
    return json.loads(base64.b64decode(json.loads(envelope.read_bytes())["payload"]))


def _attest(packs, key, *extra, out="pack.intoto.json"):
    return run_captured(["check", *map(str, packs), "--attest", out, "--signing-key", str(key), "--no-run-log",
                         "--format", "json", *extra])


def _verify(envelope, pub, *artifacts, extra=()):
    return run_captured(["attestation", "verify", str(envelope), "--key", str(pub), *map(str, artifacts), *extra])


# --------------------------------------------------------------------------- round trip

def test_attest_then_verify(good, keys):
    key, pub = keys
    code, out, err = _attest([good], key)
    assert code == 0 and "attestation written to pack.intoto.json" in err
    code, out, err = _verify("pack.intoto.json", pub, good)
    assert code == 0, err
    assert out.splitlines()[-1] == "verified: pack.intoto.json"
    assert [line.split()[1] for line in out.splitlines()[:-1]] == [
        "envelope", "keyid", "signature", "payload-type", "statement", "predicate-type", "subject", "verdict"]
    assert f"good.json sha256 {_sha256(good)}" in out


def test_the_statement_records_the_run(good, bad, keys, here):
    code, out, _ = _attest(["good.json", "bad.json"], keys[0], "--strict", "--skip", "security", "--max-findings", "7")
    assert code == 1
    report = json.loads(out)
    stmt = _statement(here / "pack.intoto.json")
    assert stmt["_type"] == "https://in-toto.io/Statement/v1"
    assert stmt["predicateType"] == "https://packverify.dev/attestation/check/v1"
    assert stmt["subject"] == [{"name": "good.json", "digest": {"sha256": _sha256(good)}},
                               {"name": "bad.json", "digest": {"sha256": _sha256(bad)}}]
    pred = stmt["predicate"]
    assert pred["verdict"] == "fail"
    assert [p["verdict"] for p in pred["packs"]] == ["pass", "fail"]
    assert pred["packs"][0]["oracles"]["source"] == {"status": "skipped", "findings": 0, "reason": "no --repo given"}
    assert "security" not in pred["packs"][0]["oracles"]
    assert pred["packs"][1]["oracles"]["budget"]["status"] == "fail"
    for pack, reported in zip(pred["packs"], report["packs"]):
        severities = [f["severity"] for f in reported["findings"]]
        assert pack["findings"] == {"error": severities.count("error"), "warning": severities.count("warning"),
                                    "info": severities.count("info")}
    assert pred["findings"]["error"] == sum(p["findings"]["error"] for p in pred["packs"]) > 0
    assert pred["options"] == {"strict": True, "only": [], "skip": ["security"], "repo": None,
                               "oracles": ["parse", "schema", "structure", "budget", "tokens", "integrity", "overlap",
                                           "determinism", "stats", "source", "coverage"],
                               "max_bytes": 512 * 1024 * 1024, "max_findings": 7, "require": [], "ignore": [],
                               "tokenizer_engine": "auto",
                               "foreign": {"input_format": None, "rev": None, "budget": None, "tokenizer": None,
                                           "claims": None, "require_complete": False}}
    assert pred["packverify"] == {"version": report["tool"]["version"]}
    environment = dict(report["environment"])
    assert pred["counting"] == environment.pop("counting") != {}  # the report's, kept apart (counted: tokens ran)
    assert pred["environment"] == environment


def test_the_options_that_decide_how_a_foreign_pack_is_read_are_recorded(keys, here):
    """A digest judged at another budget and tokenizer is another verdict: an attestation
    that did not say so would vouch for a check nobody asked for."""
    digest = here / "digest.txt"
    separator = "=" * 48
    digest.write_text("Directory structure:\n└── a.py\n\n" + f"{separator}\nFILE: a.py\n{separator}\nx = 1\n\n")
    code, _, err = _attest([digest], keys[0], "--input-format", "gitingest", "--budget", "5000", "--tokenizer",
                           "o200k", "--require-complete", "--tokenizer-engine", "tiktoken", "--rev", "HEAD")
    assert code in (0, 1), err
    options = _statement(here / "pack.intoto.json")["predicate"]["options"]
    assert options["tokenizer_engine"] == "tiktoken"
    assert options["foreign"] == {"input_format": "gitingest", "rev": "HEAD", "budget": 5000, "tokenizer": "o200k",
                                  "claims": None, "require_complete": True}


def test_the_claims_file_is_named_with_its_digest(keys, here):
    recorded = ROOT / "tests" / "data" / "foreign" / "scribe-1.0.0"
    code, _, err = _attest([recorded / "stats.txt.pack"], keys[0], "--claims", str(recorded / "stats.txt"))
    assert code in (0, 1), err
    claims = _statement(here / "pack.intoto.json")["predicate"]["options"]["foreign"]["claims"]
    assert claims == {"path": str(recorded / "stats.txt"), "sha256": _sha256(recorded / "stats.txt")}


def test_the_lock_it_was_installed_from(good, keys, here):
    _attest([good], keys[0])
    lock = _statement(here / "pack.intoto.json")["predicate"]["lock"]
    record = Path(sys.prefix) / "packverify-requirements.lock"
    expected = record if record.exists() else ROOT / "requirements.lock"
    assert lock["sha256"] == _sha256(expected)
    assert lock["source"] == ("install-record" if record.exists() else "checkout")
    assert lock["matches_environment"] is True and lock["mismatches"] == []


def test_the_environment_is_the_run_logs(good, keys, here):
    code, _, _ = run_captured(["check", str(good), "--attest", "a.json", "--signing-key", str(keys[0]),
                               "--run-log", "log.json"])
    assert code == 0
    log = json.loads((here / "log.json").read_text())
    assert log["status"] == "finished"
    predicate = _statement(here / "a.json")["predicate"]
    assert predicate["environment"] == log["environment"] and predicate["counting"] == log["counting"]


def test_repo_commit_and_dirty_state(good, keys, here):
    repo = here / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "f.txt").write_text("x\n")
    subprocess.run([*git, "add", "f.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    head = subprocess.run([*git, "log", "-1", "--format=%H"], check=True, capture_output=True, text=True).stdout.strip()
    _attest([good], keys[0], "--repo", str(repo))
    assert _statement(here / "pack.intoto.json")["predicate"]["options"]["repo"] == {
        "path": str(repo), "commit": head, "dirty": False}
    (repo / "f.txt").write_text("y\n")
    _attest([good], keys[0], "--repo", str(repo))
    assert _statement(here / "pack.intoto.json")["predicate"]["options"]["repo"]["dirty"] is True
    plain = here / "plain"
    plain.mkdir()
    _attest([good], keys[0], "--repo", str(plain))
    assert _statement(here / "pack.intoto.json")["predicate"]["options"]["repo"] == {
        "path": str(plain), "commit": None, "dirty": None, "reason": "not a git repository with a commit"}


def test_an_attestation_inside_a_checked_directory_is_not_a_pack(good, keys, here):
    for _ in range(2):  # the second run finds the first one's attestation in the directory
        code, out, _ = _attest([here], keys[0], out=str(here / "packs.intoto.json"))
        assert code == 0 and [p["path"] for p in json.loads(out)["packs"]] == [str(good)]


def test_two_runs_give_identical_envelopes(good, keys, here):
    _attest([good], keys[0], out="one.json")
    _attest([good], keys[0], out="two.json")
    assert (here / "one.json").read_bytes() == (here / "two.json").read_bytes()
    assert not (here / "one.json").read_bytes().endswith(b"\n")


# --------------------------------------------------------------------------- refusals (exit 1)

def test_a_failing_verdict_is_refused_unless_allowed(bad, keys):
    assert _attest([bad], keys[0])[0] == 1
    code, out, err = _verify("pack.intoto.json", keys[1], bad)
    assert code == 1 and "refused by check verdict" in err and out == ""
    code, out, _ = _verify("pack.intoto.json", keys[1], bad, extra=["--allow-fail"])
    assert code == 0 and "ok  verdict         fail" in out


def test_a_tampered_copy_is_refused_with_the_reason(good, keys, here):
    _attest([good], keys[0])
    env = json.loads((here / "pack.intoto.json").read_bytes())
    stmt = json.loads(base64.b64decode(env["payload"]))
    stmt["predicate"]["verdict"] = "pass"
    stmt["subject"][0]["digest"]["sha256"] = "0" * 64
    env["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
    (here / "tampered.json").write_text(json.dumps(env))
    code, _, err = _verify("tampered.json", keys[1])
    assert code == 1 and "refused by check signature" in err
    raw = bytearray((here / "pack.intoto.json").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (here / "flipped.json").write_bytes(bytes(raw))
    code, _, err = _verify("flipped.json", keys[1])
    assert code == 1 and "refused by check" in err


def test_another_key_is_refused(good, keys, here):
    _attest([good], keys[0])
    _, other_pub = write_keys(here, OTHER_SEED, OTHER_PUBLIC, name="other")
    code, _, err = _verify("pack.intoto.json", other_pub, good)
    assert code == 1 and "refused by check keyid" in err


def test_a_pack_that_is_not_a_subject_is_refused(good, bad, keys):
    _attest([good], keys[0])
    code, _, err = _verify("pack.intoto.json", keys[1], good, bad)
    assert code == 1 and "refused by check subject" in err and "bad.json" in err and "good.json (" not in err


def test_not_json_is_refused_as_an_envelope(keys, here):
    (here / "x.json").write_text("hello")
    code, _, err = _verify("x.json", keys[1])
    assert code == 1 and "refused by check envelope" in err


def test_verifying_without_an_artifact_says_nothing_was_matched(good, keys):
    _attest([good], keys[0])
    code, _, err = _verify("pack.intoto.json", keys[1])
    assert code == 0 and "no ARTIFACT given" in err
    assert "no ARTIFACT" not in _verify("pack.intoto.json", keys[1], good)[2]


def test_a_check_without_attest_does_not_load_cryptography(good):
    script = ("import sys; from packverify.cli.main import run; "
              f"code = run(['check', {str(good)!r}, '--no-run-log']); "
              "sys.exit(10 + code if 'cryptography' in sys.modules else code)")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True).returncode == 0


def test_json_format(good, keys):
    _attest([good], keys[0])
    code, out, _ = _verify("pack.intoto.json", keys[1], good, extra=["--format", "json"])
    result = json.loads(out)
    assert code == 0 and result["verified"] is True and result["statement"]["predicate"]["verdict"] == "pass"
    code, out, _ = _verify("pack.intoto.json", keys[1], good, "good.json", extra=["--format", "json", "--key",
                                                                                  str(keys[1])])
    assert code == 0
    code, out, _ = run_captured(["attestation", "verify", "nope.json", "--key", str(keys[1]), "--format", "json"])
    assert code == 2 and out == ""


# --------------------------------------------------------------------------- could not run (exit 2)

def _rsa_pem() -> bytes:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.mark.parametrize("argv,needle", [
    (["--attest", "a.json"], "--attest needs --signing-key"),
    (["--signing-key", "{key}"], "--signing-key is used only with --attest"),
    (["--attest", "a.json", "--signing-key", "{pub}"], "is a public key"),
    (["--attest", "a.json", "--signing-key", "missing.pem"], "cannot read signing key missing.pem"),
    (["--attest", "a.json", "--signing-key", "{garbage}"], "is not a PEM private key"),
    (["--attest", "a.json", "--signing-key", "{rsa}"], "RSA key; packverify signs with ed25519 only"),
    (["--attest", "a.json", "--signing-key", "{key}", "--only", "nosuch"], "unknown oracle"),
])
def test_check_refuses_to_start_without_a_usable_key(argv, needle, good, keys, here):
    (here / "garbage.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    (here / "rsa.pem").write_bytes(_rsa_pem())
    argv = [a.format(key=keys[0], pub=keys[1], garbage="garbage.pem", rsa="rsa.pem") for a in argv]
    code, out, err = run_captured(["check", str(good), *argv])
    assert code == 2 and needle in err, err
    assert not (here / "a.json").exists()


def test_a_key_given_before_attest_is_paired_too(good, keys, here):
    code, _, _ = run_captured(["check", "--signing-key", str(keys[0]), "--attest", "a.json", str(good),
                               "--no-run-log"])
    assert code == 0 and (here / "a.json").exists()


def test_an_encrypted_key_is_refused(good, here):
    from attest_support import RFC8032_SEED
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    pem = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw"))
    (here / "enc.pem").write_bytes(pem)
    code, _, err = run_captured(["check", str(good), "--attest", "a.json", "--signing-key", "enc.pem"])
    assert code == 2 and "is encrypted" in err


def test_an_unwritable_attestation_is_exit_2(good, keys, here):
    (here / "file").write_text("")
    code, _, err = run_captured(["check", str(good), "--attest", "file/a.json", "--signing-key", str(keys[0]),
                                 "--no-run-log"])
    assert code == 2 and "cannot write attestation file/a.json" in err


@pytest.mark.parametrize("argv,needle", [
    (["nope.json", "--key", "{pub}"], "cannot read attestation nope.json"),
    (["{env}", "--key", "nokey.pem"], "cannot read key nokey.pem"),
    (["{env}", "--key", "{key}"], "is a private key; verify with its public half"),
    (["{env}", "--key", "{env}"], "is not a PEM public key"),
    (["{env}", "--key", "{pub}", "missing-pack.json"], "cannot read artifact missing-pack.json"),
])
def test_verify_exit_2_when_an_input_cannot_be_read(argv, needle, good, keys):
    _attest([good], keys[0])
    argv = [a.format(pub=keys[1], key=keys[0], env="pack.intoto.json") for a in argv]
    code, out, err = run_captured(["attestation", "verify", *argv])
    assert code == 2 and needle in err and out == ""


# --------------------------------------------------------------------------- keys

def test_keygen_writes_an_openssl_compatible_pair(good, here):
    code, out, err = run_captured(["attestation", "keygen", "k.pem"])
    assert code == 0
    assert (here / "k.pem").stat().st_mode & 0o777 == 0o600
    der = base64.b64decode("".join((here / "k.pem.pub").read_text().splitlines()[1:-1]))
    assert out.strip() == hashlib.sha256(der).hexdigest()
    assert _attest([good], "k.pem")[0] == 0
    assert _verify("pack.intoto.json", "k.pem.pub", good)[0] == 0
    code, _, err = run_captured(["attestation", "keygen", "k.pem"])
    assert code == 2 and "exists" in err
    assert run_captured(["attestation", "keygen", "k.pem", "--force"])[0] == 0
    assert _verify("pack.intoto.json", "k.pem.pub", good)[0] == 1  # a new key: the old attestation is not its


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_openssl_keys_sign_and_openssl_verifies_the_signature(good, here):
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", "o.pem"], check=True)
    subprocess.run(["openssl", "pkey", "-in", "o.pem", "-pubout", "-out", "o.pub"], check=True)
    assert _attest([good], "o.pem")[0] == 0
    assert _verify("pack.intoto.json", "o.pub", good)[0] == 0
    env = json.loads((here / "pack.intoto.json").read_bytes())
    (here / "pae.bin").write_bytes(pae(env["payloadType"].encode(), base64.b64decode(env["payload"])))
    (here / "sig.bin").write_bytes(base64.b64decode(env["signatures"][0]["sig"]))
    done = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "o.pub", "-rawin", "-in", "pae.bin",
                           "-sigfile", "sig.bin"], capture_output=True, text=True)
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout
    keyid = subprocess.run(["openssl", "pkey", "-pubin", "-in", "o.pub", "-outform", "DER"], check=True,
                           capture_output=True).stdout
    assert env["signatures"][0]["keyid"] == hashlib.sha256(keyid).hexdigest()


def test_help_lists_the_attestation_commands():
    code, out, _ = run_captured(["attestation", "--help"])
    assert code == 0 and all(c in out for c in ("verify", "transcript", "keygen"))
    code, out, _ = run_captured(["check", "--help"])
    assert code == 0 and "--attest" in out and "--signing-key" in out


def test_console_script(good, keys, here):
    _attest([good], keys[0])
    done = subprocess.run([sys.executable, "-m", "packverify", "attestation", "verify", "pack.intoto.json",
                           "--key", str(keys[1]), str(good)], capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stderr
