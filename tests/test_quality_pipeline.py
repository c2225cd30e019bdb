"""The quality gates of scripts/quality (docs/ci.md, "Quality gates") can fail: each real
tool, with the project's own configuration (pyproject.toml, scripts/licences-allowed.txt),
run through the same script CI runs, on a copy of the tree with one planted defect —
and the same copy without the defect passes, so the failure is the plant's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GATES = ROOT / "scripts" / "quality_gates.py"


def _gate(tool: str, root: Path, *extra: str, log: Path | None = None) -> tuple[int, str, dict]:
    log = log or root / "quality.json"
    done = subprocess.run([sys.executable, str(GATES), "--root", str(root), "--only", tool, "--log", str(log), *extra],
                          capture_output=True, text=True, timeout=600)
    return done.returncode, done.stderr, json.loads(log.read_text(encoding="utf-8"))


def _tree(tmp_path: Path, files: dict[str, str], whole_package: bool = False) -> Path:
    """pyproject.toml and the lock of the real tree, packverify/ (whole, or just the given
    modules), plus ``files``."""
    root = tmp_path / "tree"
    root.mkdir(parents=True)
    for name in ("pyproject.toml", "requirements.lock", "requirements-py313.lock"):
        shutil.copy(ROOT / name, root / name)
    if whole_package:
        shutil.copytree(ROOT / "packverify", root / "packverify", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        (root / "packverify").mkdir()
        (root / "packverify" / "__init__.py").write_text('"""planted tree"""\n', encoding="utf-8")
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_deptry_fails_on_an_undeclared_import(tmp_path):
    clean = _tree(tmp_path / "a", {}, whole_package=True)
    assert _gate("deptry", clean)[0] == 0
    planted = _tree(tmp_path / "b", {"packverify/planted.py": '"""x"""\n\nimport numpy_not_declared  # noqa\n'},
                    whole_package=True)
    code, err, log = _gate("deptry", planted)
    assert code == 1
    assert "packverify/planted.py:3:8: DEP001 'numpy_not_declared' imported but missing from the dependency definitions" in err
    assert log["passed"] is False and log["quality"][0]["tool"] == "deptry" and log["quality"][0]["exit"] == 1


def test_deptry_fails_on_a_dev_tool_imported_by_the_package(tmp_path):
    planted = _tree(tmp_path, {"packverify/planted.py": '"""x"""\n\nimport mypy  # noqa\n'}, whole_package=True)
    code, err, _ = _gate("deptry", planted)
    assert code == 1
    assert "packverify/planted.py:3:8: DEP004 'mypy' imported but declared as a dev dependency" in err


def test_mypy_fails_on_a_type_error_with_the_project_config(tmp_path):
    good = 'def f(x: int) -> str:\n    return str(x)\n'
    assert _gate("mypy", _tree(tmp_path / "a", {"packverify/planted.py": good}))[0] == 0
    bad = 'def f(x: int) -> str:\n    return x\n'
    code, err, log = _gate("mypy", _tree(tmp_path / "b", {"packverify/planted.py": bad}))
    assert code == 1
    assert 'packverify/planted.py:2: error: Incompatible return value type (got "int", expected "str")  [return-value]' in err
    assert log["quality"][0]["findings"] == [
        'packverify/planted.py:2: error: Incompatible return value type (got "int", expected "str")  [return-value]']


def test_mypy_checks_the_bodies_of_unannotated_functions(tmp_path):
    # check_untyped_defs: without it this body would not be looked at
    bad = 'def f():\n    x: int = "text"\n    return x\n'
    code, err, _ = _gate("mypy", _tree(tmp_path, {"packverify/planted.py": bad}))
    assert code == 1 and "packverify/planted.py:2: error:" in err and "[assignment]" in err


@pytest.mark.parametrize(("source", "test_id"), [
    ('import subprocess\n\n\ndef run(cmd: str) -> int:\n    return subprocess.call(cmd, shell=True)\n', "B602"),
    ('def ev(text: str) -> object:\n    return eval(text)\n', "B307"),
])
def test_bandit_fails_on_a_planted_weakness(tmp_path, source, test_id):
    assert _gate("bandit", _tree(tmp_path / "a", {"packverify/planted.py": '"""x"""\n'}))[0] == 0
    code, err, _ = _gate("bandit", _tree(tmp_path / "b", {"packverify/planted.py": source}))
    assert code == 1
    line = source.count("\n", 0, source.index("shell=True" if test_id == "B602" else "eval(")) + 1
    assert f"packverify/planted.py:{line}: {test_id}[" in err


def test_licence_check_fails_when_an_installed_licence_is_not_allowed(tmp_path):
    real = (ROOT / "scripts" / "licences-allowed.txt").read_text(encoding="utf-8")
    assert _gate("licences", ROOT, log=tmp_path / "real.json")[0] == 0
    # click (a run-time dependency, in both locks) is BSD-3-Clause in its installed metadata
    narrowed = tmp_path / "allowed.txt"
    narrowed.write_text("\n".join(line for line in real.splitlines() if line.strip() != "BSD-3-Clause") + "\n",
                        encoding="utf-8")
    code, err, log = _gate("licences", ROOT, "--allowed", str(narrowed), log=tmp_path / "narrow.json")
    assert code == 1
    assert "click==8.5.1: licence 'BSD-3-Clause' is not in allowed.txt" in err
    assert log["passed"] is False


def test_licence_exception_is_for_one_exact_version(tmp_path):
    real = (ROOT / "scripts" / "licences-allowed.txt").read_text(encoding="utf-8")
    moved = tmp_path / "allowed.txt"
    moved.write_text(real.replace("package atheris==3.0.0", "package atheris==2.9.9"), encoding="utf-8")
    code, err, _ = _gate("licences", ROOT, "--allowed", str(moved), log=tmp_path / "q.json")
    assert code == 1 and "atheris==3.0.0: licence 'UNKNOWN'" in err


def test_the_summary_is_deterministic(tmp_path):
    root = _tree(tmp_path, {"packverify/planted.py": 'def f(x: int) -> str:\n    return x\n'})
    first = _gate("mypy", root)[2]
    second = _gate("mypy", root)[2]
    assert first == second and str(tmp_path) not in json.dumps(first)


def test_scripts_test_runs_the_gates_before_pytest():
    lines = (ROOT / "scripts" / "test").read_text(encoding="utf-8").splitlines()
    steps = [line.split("#")[0].strip() for line in lines if line.strip() and not line.startswith("#")]
    assert steps.index("bash scripts/quality") < next(i for i, s in enumerate(steps) if "pytest" in s)
    assert steps.index("bash scripts/setup") < steps.index("bash scripts/quality")
