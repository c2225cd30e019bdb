"""What ``check`` reads and from where (issue 10): ``[tool.packverify]`` and ``--config``
(validated, the command line wins), ``check DIR`` reading only packs and saying what it
skipped, glob patterns without vendored trees, ``-`` for standard input, and run logs that
never land in the tree being checked."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import mutated, pretty, run_captured, valid_doc, write

from packverify.cli import run
from packverify.config import config_schema, find_config, load_config
from packverify.oracles import NAMES
from packverify.report import REPORTERS

ROOT = Path(__file__).resolve().parent.parent


def _foreign(tmp_path, name="foreign.json"):
    doc = valid_doc()
    del doc["metadata"]["serialization"]
    return str(write(tmp_path, name, raw=pretty(doc)))  # non-canonical bytes: a warning only


# ------------------------------------------------------------------ configuration

def test_settings_come_from_the_nearest_pyproject_with_the_table(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.packverify]\nstrict = true\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: passed over
    assert find_config(nested) == tmp_path / "pyproject.toml"
    monkeypatch.chdir(nested)
    pack = _foreign(tmp_path)
    assert run_captured(["check", pack, "--no-run-log"])[0] == 1, "strict from the configuration"
    assert run_captured(["check", pack, "--no-run-log", "--no-strict"])[0] == 0, "the option wins"


def test_config_file_option_and_every_check_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pack = str(write(tmp_path, "sum.json", mutated(lambda d: d["budget_info"].update(actual_tokens=100,
                                                                                        utilization=0.1))))
    (tmp_path / "ci.toml").write_text('ignore = ["budget.sum-mismatch", "budget.underflow"]\nformat = "json"\n'
                                      'require = ["all"]\nskip = ["source"]\n')
    code, out, err = run_captured(["check", pack, "--config", "ci.toml", "--no-run-log"])
    report = json.loads(out)
    assert code == 0 and len(report["packs"][0]["ignored"]) == 2 and "source" not in report["packs"][0]["oracles"]
    code, out, _ = run_captured(["check", pack, "--config", "ci.toml", "--no-run-log", "--format", "text",
                                 "--ignore", "budget.underflow"])
    assert code == 1 and "budget.sum-mismatch" in out, "--ignore replaces the setting"


@pytest.mark.parametrize(("text", "needle"), [
    ("[tool.packverify]\nstrcit = true\n", "unknown key 'strcit' (did you mean 'strict'?)"),
    ("[tool.packverify]\nstrict = 'yes'\n", "strict"),
    ("[tool.packverify]\nonly = ['budgt']\n", "only.0"),
    ("[tool.packverify]\nbudget = 10\n", "budget"),
    ("[tool.packverify]\nignore = ['Budget.Overflow']\n", "ignore.0"),
    ("[tool.packverify\n", "not valid TOML"),
])
def test_a_bad_configuration_is_exit_2_naming_the_key(tmp_path, monkeypatch, text, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    good = str(write(tmp_path, "good.json", valid_doc()))
    code, out, err = run_captured(["check", good, "--no-run-log"])
    assert code == 2 and out == "" and needle in err and "pyproject.toml" in err, err


def test_a_missing_config_file_and_a_pyproject_without_the_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = str(write(tmp_path, "good.json", valid_doc()))
    assert "no such file" in run_captured(["check", good, "--config", "nope.toml"])[2]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, _, err = run_captured(["check", good, "--config", "other/pyproject.toml"])
    assert code == 2 and "no [tool.packverify] table" in err


def test_pack_and_repro_take_budget_and_tokenizer_from_the_configuration(tmp_path, monkeypatch):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "a.py").write_text("x = 1\n" * 50)
    (tmp_path / "pyproject.toml").write_text("[tool.packverify]\nbudget = 1500\ntokenizer = 'o200k'\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_captured(["pack", "repo", "-o", "p.json", "-q", "--no-run-log"])
    document = json.loads((tmp_path / "p.json").read_text())
    assert code == 0, err
    assert document["budget_info"]["target_budget"] == 1500 and document["tokenizer_info"]["name"] == "o200k"


def test_the_schema_knows_the_oracles_the_formats_and_the_documented_keys():
    schema = config_schema()
    assert schema["$defs"]["oracles"]["items"]["enum"] == list(NAMES)
    assert schema["properties"]["require"]["items"]["enum"] == ["all", *NAMES]
    assert schema["properties"]["format"]["enum"] == list(REPORTERS)
    table = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \|", table, re.M))
    assert {k for pair in documented for k in pair if k} == set(schema["properties"])
    assert load_config(None, start=ROOT).source is None, "the project's own pyproject has no table"


# ------------------------------------------------------------------ what check DIR reads

def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "build").mkdir(parents=True)
    write(root / "build", "repo.pack.json", valid_doc())
    write(root, "bad.json", mutated(lambda d: d["budget_info"].update(actual_tokens=10**6)))
    write(root, "truncated.json", raw=b'{"budget_info": {"actual_tokens": 1}, "chunks": [')
    (root / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    (root / "tsconfig.json").write_text('{\n  // comments\n  "compilerOptions": {}\n}\n')
    (root / "empty.json").write_text("")
    for vendored in ("node_modules/dep", ".venv/lib", "vendor", "artifacts"):
        (root / vendored).mkdir(parents=True)
        write(root / vendored, "x.pack.json", valid_doc())
    return root


def test_check_dir_reads_packs_only_and_says_what_it_skipped(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    # our own outputs lying in the tree: a JSON report, a SARIF log, a run log
    good = str(root / "build" / "repo.pack.json")
    for fmt in ("json", "sarif"):
        assert run_captured(["check", good, "--format", fmt, "-o", str(root / f"report.{fmt}.json"),
                             "--run-log", str(root / "old.run.json")])[0] == 0
    monkeypatch.chdir(tmp_path)
    code, out, err = run_captured(["check", "tree", "--format", "json"])
    report = json.loads(out)
    assert sorted(p["path"] for p in report["packs"]) == ["tree/bad.json", "tree/build/repo.pack.json",
                                                         "tree/truncated.json"]
    assert code == 1
    for name in ("package.json", "tsconfig.json", "empty.json", "report.json.json", "report.sarif.json", "old.run.json"):
        assert f"skipped tree/{name}: " in err, (name, err)
    assert 'not a pack: no "chunks" or "budget_info" key' in err
    log = json.loads((tmp_path / "artifacts" / "check.run.json").read_text())
    assert {s["path"] for s in log["skipped"]} >= {"tree/package.json", "tree/tsconfig.json"}
    assert run_captured(["check", "tree", "-q", "--no-run-log"])[2] == "", "-q: nothing on stderr"


def test_include_and_exclude_globs(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", "tree", "--include", "*.pack.json", "--format", "json", "--no-run-log"])
    assert code == 0 and [p["path"] for p in json.loads(out)["packs"]] == ["tree/build/repo.pack.json"]
    code, out, _ = run_captured(["check", "tree", "--exclude", "bad.json", "--exclude", "truncated.json",
                                 "--format", "json", "--no-run-log"])
    assert code == 0 and [p["path"] for p in json.loads(out)["packs"]] == ["tree/build/repo.pack.json"]
    code, _, err = run_captured(["check", "tree", "--include", "*.yaml", "--no-run-log"])
    assert code == 2 and "holds no pack file" in err


def test_glob_patterns_leave_vendored_trees_out_unless_named(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", "tree/**/*.pack.json", "--format", "json", "--no-run-log"])
    assert code == 0 and [p["path"] for p in json.loads(out)["packs"]] == ["tree/build/repo.pack.json"]
    code, out, _ = run_captured(["check", "tree/node_modules/**/*.pack.json", "--format", "json", "--no-run-log"])
    assert code == 0 and [p["path"] for p in json.loads(out)["packs"]] == ["tree/node_modules/dep/x.pack.json"]
    code, _, err = run_captured(["check", "tree/**/*.nothing", "--no-run-log"])
    assert code == 2 and "no file matches" in err


def test_a_named_file_is_always_checked(tmp_path):
    root = _tree(tmp_path)
    code, out, _ = run_captured(["check", str(root / "package.json"), "--format", "json", "--no-run-log"])
    assert code == 1 and json.loads(out)["packs"][0]["verdict"] == "fail"


# ------------------------------------------------------------------ standard input

def test_dash_reads_standard_input(tmp_path):
    data = (write(tmp_path, "good.json", valid_doc())).read_bytes()
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", "-", "--format", "json", "--no-run-log"], out, err, stdin=io.BytesIO(data))
    pack = json.loads(out.getvalue())["packs"][0]
    assert code == 0 and pack["path"] == "<stdin>" and pack["verdict"] == "pass"
    bad = mutated(lambda d: d["chunks"][0].update(tokens=1))
    done = subprocess.run([sys.executable, "-m", "packverify", "check", "-", "--no-run-log"], cwd=tmp_path,
                          input=json.dumps(bad).encode(), capture_output=True, timeout=120)
    assert done.returncode == 1 and b"tokens.mismatch" in done.stdout
    code = run(["check", "-", "--max-bytes", "10", "--format", "json", "--no-run-log"], out := io.StringIO(),
               io.StringIO(), stdin=io.BytesIO(data))
    assert code == 1 and json.loads(out.getvalue())["packs"][0]["findings"][0]["code"] == "parse.too-large"


# ------------------------------------------------------------------ run logs

def test_run_logs_never_land_in_the_checked_or_packed_tree(tmp_path, monkeypatch, _state_dir):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n" * 40)
    monkeypatch.chdir(root)
    assert run_captured(["pack", ".", "--budget", "1000", "-o", str(tmp_path / "p.json"), "-q"])[0] == 0
    assert run_captured(["check", str(tmp_path / "p.json"), "--repo", ".", "--strict"])[0] == 0
    assert not (root / "artifacts").exists()
    assert (_state_dir / "pack.run.json").exists() and (_state_dir / "check.run.json").exists()
    monkeypatch.chdir(tmp_path)  # outside the repository: the usual artifacts/
    assert run_captured(["check", "p.json", "--repo", "repo"])[0] == 0
    assert (tmp_path / "artifacts" / "check.run.json").exists()


def test_an_attestation_is_verified_from_standard_input(tmp_path):
    pack = write(tmp_path, "good.json", valid_doc())
    key = tmp_path / "signing.pem"
    assert run_captured(["attestation", "keygen", str(key)])[0] == 0
    envelope = tmp_path / "a.intoto.json"
    assert run_captured(["check", str(pack), "--attest", str(envelope), "--signing-key", str(key),
                         "--no-run-log"])[0] == 0
    done = subprocess.run([sys.executable, "-m", "packverify", "attestation", "verify", "-", "--key",
                           f"{key}.pub", str(pack)], input=envelope.read_bytes(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
