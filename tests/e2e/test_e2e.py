"""End to end, as a user: a clean virtual environment built from the lock, then the
command line in subprocesses — doctor, pack (this repository and a generated one),
check --strict --repo, repro, meta, fuzz — every exit code, report and run log checked.

One test, steps in order: the environment is built once (≈1 min with a warm pip cache).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The lock of the interpreter running the suite (scripts/setup picks the same one).
MINOR = "{}.{}".format(*sys.version_info[:2])
LOCK = {"3.11": "requirements.lock", "3.13": "requirements-py313.lock"}[MINOR]


def _run(cmd, *, cwd, env=None, timeout=600, expect=0):
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == expect, f"{cmd}\nexit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _runlog(path: Path) -> dict:
    log = json.loads(path.read_text())
    assert list(log)[0] == "environment", "the environment section comes first"
    assert log["environment"]["observed"]["python"]["version"].startswith(MINOR + ".")
    assert log["environment"]["expected"] is not None
    return log


@pytest.fixture(scope="module")
def clean_env(tmp_path_factory):
    """A new venv with exactly the lock installed (hashes required), then packverify (not editable)."""
    home = tmp_path_factory.mktemp("e2e-venv")
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--require-hashes", "--no-deps", "-r", ROOT / LOCK], cwd=home, timeout=1200)
    source = tmp_path_factory.mktemp("e2e-src") / "packverify"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "artifacts", "mutants", "bench", ".git",
                                                                  "__pycache__", "*.egg-info", ".hypothesis"))
    _run([*pip, "--no-deps", "--no-build-isolation", source], cwd=home, timeout=600)
    _run([python, "-m", "pip", "check"], cwd=home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return home / "bin" / "packverify", env


@pytest.mark.timeout(1800)  # a hang guard: a venv, an install and a dozen commands; >600 s under load
def test_end_to_end_from_a_clean_environment(clean_env, tmp_path):
    packverify, env = clean_env
    work = tmp_path / "work"
    work.mkdir()

    # doctor: the environment is what the manifest says
    done = _run([packverify, "doctor", "--format", "json"], cwd=work, env=env)
    assert json.loads(done.stdout)["verdict"] == "pass"
    _runlog(work / "artifacts" / "doctor.run.json")

    # pack this repository (its committed HEAD) and verify strictly against it
    repo = ROOT if (ROOT / ".git").exists() else None
    if repo is not None:
        _run([packverify, "pack", repo, "--budget", "8000", "-o", "self.json"], cwd=work, env=env)
        log = _runlog(work / "artifacts" / "pack.run.json")
        assert log["exit_code"] == 0 and log["summary"]["actual_tokens"] <= 8000
        done = _run([packverify, "check", "self.json", "--strict", "--repo", repo, "--format", "json"], cwd=work, env=env)
        report = json.loads(done.stdout)
        assert report["verdict"] == "pass"
        # every oracle passes; structure and coverage judge packs in other formats only
        foreign_only = {"structure", "coverage"}
        assert {n: o["status"] for n, o in report["packs"][0]["oracles"].items()} == {
            n: "skipped" if n in foreign_only else "pass" for n in report["packs"][0]["oracles"]}
        first = (work / "self.json").read_bytes()
        _run([packverify, "pack", repo, "--budget", "8000", "-o", "again.json", "-q"], cwd=work, env=env)
        assert (work / "again.json").read_bytes() == first, "two packs of the same input differ"

    # a generated repository, packed from the working tree
    gen = tmp_path / "generated"
    for i in range(40):
        target = gen / f"pkg{i % 4}" / f"module_{i}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(f"def f{i}_{j}(x):\n    return x * {j}  # ü\n\n\n" for j in range(30)))
    (gen / "README.md").write_text("# generated\n")
    _run([packverify, "pack", gen, "--budget", "4000", "-o", "gen.json"], cwd=work, env=env)
    done = _run([packverify, "check", "gen.json", "--strict", "--repo", gen, "--format", "sarif", "-o", "gen.sarif"],
                cwd=work, env=env)
    sarif = json.loads((work / "gen.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    check_log = _runlog(work / "artifacts" / "check.run.json")
    assert check_log["verdict"] == "pass" and check_log["exit_code"] == 0
    pack = json.loads((work / "gen.json").read_text())
    assert pack["budget_info"]["actual_tokens"] >= 0.995 * 4000

    # a broken pack: exit 1 with the finding; a missing one: exit 2
    pack["chunks"][0]["tokens"] += 1
    (work / "bad.json").write_text(json.dumps(pack))
    done = _run([packverify, "check", "bad.json", "--format", "json"], cwd=work, env=env, expect=1)
    codes = {f["code"] for f in json.loads(done.stdout)["packs"][0]["findings"]}
    assert {"tokens.mismatch", "budget.sum-mismatch"} <= codes
    _run([packverify, "check", "missing.json"], cwd=work, env=env, expect=2)

    # attestations (docs/attestation.md): sign a check, verify it; a tampered copy fails naming the check
    _run([packverify, "attestation", "keygen", "signing.pem"], cwd=work, env=env)
    _run([packverify, "check", "gen.json", "--attest", "gen.intoto.json", "--signing-key", "signing.pem"],
         cwd=work, env=env)
    done = _run([packverify, "attestation", "verify", "gen.intoto.json", "--key", "signing.pem.pub", "gen.json"],
                cwd=work, env=env)
    assert done.stdout.splitlines()[-1] == "verified: gen.intoto.json"
    envelope = bytearray((work / "gen.intoto.json").read_bytes())
    envelope[40] = ord("A") if envelope[40] != ord("A") else ord("B")  # inside the base64 payload
    (work / "tampered.intoto.json").write_bytes(bytes(envelope))
    done = _run([packverify, "attestation", "verify", "tampered.intoto.json", "--key", "signing.pem.pub"],
                cwd=work, env=env, expect=1)
    assert "refused by check signature" in done.stderr
    _run([packverify, "attestation", "verify", "gen.intoto.json", "--key", "signing.pem.pub", "bad.json"],
         cwd=work, env=env, expect=1)

    # repro: the reference packer is byte-reproducible under varied environments (exit 0) …
    done = _run([packverify, "repro", "--repo", gen, "--runs", "2", "--vary", "path,cwd,order,home,tz,umask,hashseed,env",
                 "--budget", "4000", "--format", "json", "--artifacts", "repro-ok", "--",
                 packverify, "pack", "{repo}", "--budget", "{budget}", "-o", "{out}", "-q", "--no-run-log"],
                cwd=work, env=env)
    repro = json.loads(done.stdout)
    assert repro["verdict"] == "pass" and repro["causes"] == []
    assert _runlog(work / "repro-ok" / "repro.run.json")["exit_code"] == 0
    # … and a command with a clock inside is not (exit 1, cause "inherent")
    done = _run([packverify, "repro", "--repo", gen, "--runs", "2", "--vary", "tz", "--format", "json",
                 "--artifacts", "repro-bad", "--", "sh", "-c", "date +%s%N > {out}"], cwd=work, env=env, expect=1)
    repro = json.loads(done.stdout)
    assert repro["verdict"] == "fail" and repro["causes"] == ["inherent"]
    assert _runlog(work / "repro-bad" / "repro.run.json")["exit_code"] == 1

    # meta: the reference packer holds the relations (exit 0) on a few generated repositories …
    done = _run([packverify, "meta", "--relations", "M0,M3,M7", "--examples", "2", "--budgets", "4000:8000",
                 "--format", "json"], cwd=work, env=env, timeout=900)
    meta = json.loads(done.stdout)
    assert meta["verdict"] == "pass" and set(meta["relations"]) == {"M0", "M3", "M7"}
    assert all(r["status"] == "pass" and r["examples"] == 2 for r in meta["relations"].values())
    assert _runlog(work / "artifacts" / "meta.run.json")["verdict"] == "pass"
    # … and a nondeterministic packer fails M0 with a reproducer that replays the failure
    broken = ROOT / "tests" / "metamorphic" / "packers" / "nondeterministic.py"
    python = Path(packverify).parent / "python"
    template = f"{python} {broken} {{repo}} --budget {{budget}} --tokenizer {{tokenizer}} -o {{out}}"
    done = _run([packverify, "meta", "--packer", template, "--relations", "M0", "--examples", "3", "--format", "json",
                 "--artifacts", "meta-bad"], cwd=work, env=env, expect=1, timeout=900)
    result = json.loads(done.stdout)["relations"]["M0"]
    assert result["status"] == "fail" and "different packs" in result["message"]
    reproducer = Path(result["reproducer"])
    reproducer = reproducer if reproducer.is_absolute() else work / reproducer
    assert (reproducer / "REPRODUCE.md").exists()
    replay = subprocess.run(["sh", str(reproducer / "reproduce.sh")], cwd=work, env=env, capture_output=True,
                            text=True, timeout=300)
    assert replay.returncode == 1 and "still fails" in replay.stdout, replay.stdout + replay.stderr

    # fuzz: ten seconds of one target on one worker (a session: a worker starts, then fuzzes), its numbers and run log
    done = _run([packverify, "fuzz", "--target", "check_raw", "--seconds", "10", "--workers", "1", "--corpus", "fuzz-corpus",
                 "--artifacts", "fuzz-out", "--format", "json"], cwd=work, env=env, timeout=300)
    fuzz = json.loads(done.stdout)
    target = fuzz["targets"]["check_raw"]
    assert fuzz["verdict"] == "pass" and target["execs"] > 0 and target["exec_per_sec"] > 0
    assert target["crashes"] == []
    assert _runlog(work / "artifacts" / "fuzz.run.json")["exit_code"] == 0
