"""The hermetic environment: manifest = lock, ``packverify doctor``, Dockerfile, .dockerignore.

The Dockerfile cannot be built here (no Docker engine); these tests check what can be
checked without one: it installs from the same lock with hashes, runs as non-root and
gates the build on the doctor. The doctor is exercised for real against this
environment, and against broken manifests (``--manifest``) to simulate a wrong one.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import shlex
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from helpers import run_captured
from packaging.requirements import Requirement

from packverify import doctor, tokenizer

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "environment.manifest.json").read_text(encoding="utf-8"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {_norm(name): version for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)}


def _write_manifest(tmp_path: Path, change) -> Path:
    doc = copy.deepcopy(MANIFEST)
    change(doc)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _doctor(*args: str) -> tuple[int, str, str]:
    return run_captured(["doctor", "--no-run-log", *args])


def _checks(out: str) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(out)["checks"]}


# --------------------------------------------------------------------------- manifest

def test_every_manifest_pin_equals_its_pin_in_requirements_lock():
    lock = _lock_pins()
    pins = {**MANIFEST["packages"], **MANIFEST["dev_packages"]}
    for name, version in pins.items():
        assert _norm(name) in lock, f"{name} is pinned in the manifest but not in requirements.lock"
        assert lock[_norm(name)] == version, f"{name}: manifest {version}, requirements.lock {lock[_norm(name)]}"
    # ... and the manifest knows every package of the lock, each in exactly one list.
    assert sorted(_norm(n) for n in pins) == sorted(lock)
    assert not {_norm(n) for n in MANIFEST["packages"]} & {_norm(n) for n in MANIFEST["dev_packages"]}


def test_runtime_packages_are_the_dependency_closure_of_packverify():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    seen: set[str] = set()
    todo = [Requirement(r).name for r in project["dependencies"]]
    while todo:
        name = _norm(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    assert sorted(_norm(n) for n in MANIFEST["packages"]) == sorted(seen)


def test_manifest_agrees_with_pyproject_and_the_tokenizer():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert MANIFEST["python"]["requires"] == project["requires-python"]
    assert MANIFEST["vocabularies"] == {enc: sha for enc, _, sha in tokenizer.VOCABULARIES.values()}
    assert MANIFEST["probes"]["cl100k_base"] == {"text": "hello world", "tokens": [15339, 1917]}
    assert MANIFEST["probes"]["o200k_base"] == {"text": "hello world", "tokens": [24912, 2375]}
    assert "git" in MANIFEST["tools"]
    assert doctor.validate_manifest(MANIFEST) == []
    assert doctor.load_manifest() == MANIFEST  # the shipped copy (test_consistency: byte-identical)


@pytest.mark.parametrize("spec,version,ok", [
    (">=3.11,<3.12", (3, 11, 7), True),
    (">=3.11,<3.12", (3, 12, 0), False),
    (">=3.11,<3.12", (3, 10, 14), False),
    (">=3.11", (3, 11), True),
    ("==3.11.*", (3, 11, 9), True),
    ("==3.11.*", (3, 1, 1), False),
    ("!=3.11.*", (3, 11, 9), False),
    ("==3.11", (3, 11, 0), True),
    ("==3.11", (3, 11, 7), False),
    ("~=3.11", (3, 13, 0), True),
    ("~=3.11", (4, 0, 0), False),
    ("~=3.11.2", (3, 11, 7), True),
    ("~=3.11.2", (3, 12, 0), False),
    (">4", (3, 11, 7), False),
    (">=3.12,<3.11", (3, 11, 7), False),
])
def test_python_range(spec, version, ok):
    assert doctor.python_in_range(version, doctor.parse_python_range(spec)) is ok


@pytest.mark.parametrize("spec", ["", ">>3", "3.11", ">=3.11;<3.12", ">=3.*", "~=3", ">=3.11,", "== three"])
def test_python_range_rejects_what_it_cannot_read(spec):
    with pytest.raises(ValueError):
        doctor.parse_python_range(spec)


# --------------------------------------------------------------------------- doctor here

def test_doctor_passes_in_this_environment_quickly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    code, out, err = run_captured(["doctor"])
    elapsed = time.perf_counter() - start
    assert code == 0, out + err
    assert "PASS" in out and "Traceback" not in out + err
    for needle in ("python.version", "package.click", "import.tiktoken", "pip.check", "vocabulary.cl100k_base",
                   "encoding.o200k_base", "tool.git", "check", "status", "expected", "observed"):
        assert needle in out
    assert elapsed < 10, f"doctor took {elapsed:.1f} s"
    log = json.loads((tmp_path / "artifacts" / "doctor.run.json").read_text(encoding="utf-8"))
    assert list(log)[0] == "environment"
    assert log["environment"]["expected"] == MANIFEST and log["environment"]["observed"]["python"]
    assert log["command"] == "doctor" and log["status"] == "finished" and log["exit_code"] == 0
    assert log["verdict"] == "pass" and {c["name"] for c in log["checks"]} >= {"python.version", "tool.git"}


def test_doctor_as_a_separate_process_under_ten_seconds(tmp_path):
    # The real entry point (python -m packverify), cold: interpreter start, vocabularies, children.
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "packverify", "doctor", "--format", "json", "--no-run-log"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["verdict"] == "pass"
    assert elapsed < 10, f"doctor took {elapsed:.1f} s"
    assert not (tmp_path / "artifacts").exists()


def test_json_output_shape():
    code, out, _ = _doctor("--format", "json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"tool", "verdict", "manifest", "dev", "summary", "failures", "warnings", "checks"}
    assert report["tool"]["name"] == "packverify" and report["verdict"] == "pass"
    assert report["manifest"] is None and report["dev"] is False and report["failures"] == []
    assert set(report["summary"]) == {"pass", "fail", "warn", "skipped"}
    assert sum(report["summary"].values()) == len(report["checks"])
    names = [c["name"] for c in report["checks"]]
    assert len(names) == len(set(names))
    for check in report["checks"]:
        assert set(check) == {"name", "category", "status", "required", "expected", "observed", "message"}
        assert check["status"] in {"pass", "fail", "warn", "skipped"}
        assert check["name"].startswith(check["category"] + ".")
        assert check["required"] or check["status"] != "fail"  # optional things only ever warn
    checks = _checks(out)
    assert checks["encoding.cl100k_base"]["observed"] == [15339, 1917]
    assert checks["encoding.o200k_base"]["observed"] == [24912, 2375]
    assert checks["vocabulary.o200k_base"]["observed"] == MANIFEST["vocabularies"]["o200k_base"]
    assert checks["python.version"]["observed"] == ".".join(map(str, sys.version_info[:3]))
    assert checks["package.tiktoken"] == {**checks["package.tiktoken"], "status": "pass", "expected": "0.14.0",
                                          "observed": metadata.version("tiktoken")}
    for name in MANIFEST["packages"]:
        assert f"package.{name}" in checks
    for name in MANIFEST["dev_packages"]:  # only with --dev
        assert f"package.{name}" not in checks
    for tool in MANIFEST["optional_tools"]:
        assert checks[f"optional-tool.{tool}"]["required"] is False
    for name in MANIFEST["optional_locales"]:
        assert checks[f"locale.{name}"]["status"] in {"pass", "warn"}


def test_dev_checks_the_dev_tools_and_fails_exactly_on_real_drift():
    code, out, _ = _doctor("--dev", "--format", "json")
    checks = _checks(out)
    for module in ("hypothesis", "pytest", "xdist", "mutmut", "atheris"):
        assert checks[f"import.{module}"]["status"] == "pass", checks[f"import.{module}"]
    # Ground truth, independently of the doctor: which installed versions differ from the pins?
    drift = set()
    for name, want in {**MANIFEST["packages"], **MANIFEST["dev_packages"]}.items():
        try:
            if metadata.version(name) != want:
                drift.add(f"package.{name}")
        except metadata.PackageNotFoundError:
            drift.add(f"package.{name}")
    assert set(json.loads(out)["failures"]) == drift
    assert code == (1 if drift else 0)


# --------------------------------------------------------------------------- a wrong environment

def _set_package(doc):
    doc["packages"]["click"] = "0.0.1"


def _set_vocabulary(doc):
    doc["vocabularies"]["cl100k_base"] = "0" * 64


def _set_python(doc):
    doc["python"]["requires"] = ">=4.0"


def _set_impossible_python(doc):
    doc["python"]["requires"] = ">=3.12,<3.11"


def _add_tool(doc):
    doc["tools"].append("packverify-no-such-tool")


def _add_package(doc):
    doc["packages"]["packverify-no-such-package"] = "1.0"


def _add_import(doc):
    doc["imports"]["runtime"].append("packverify_no_such_module")


def _set_platform(doc):
    doc["platform"]["machine"] = ["sparc64"]


def _set_probe(doc):
    doc["probes"]["o200k_base"]["tokens"] = [1, 2]


def _unknown_vocabulary(doc):
    doc["vocabularies"]["p50k_base"] = "1" * 64


@pytest.mark.parametrize("change,check,needles", [
    (_set_package, "package.click", ["0.0.1", "8.5.1", "is installed"]),
    (_set_vocabulary, "vocabulary.cl100k_base", ["0" * 64, MANIFEST["vocabularies"]["cl100k_base"]]),
    (_set_python, "python.version", [">=4.0", "outside the manifest's range"]),
    (_set_impossible_python, "python.version", [">=3.12,<3.11"]),
    (_add_tool, "tool.packverify-no-such-tool", ["not on PATH"]),
    (_add_package, "package.packverify-no-such-package", ["not installed"]),
    (_add_import, "import.packverify_no_such_module", ["ModuleNotFoundError"]),
    (_set_platform, "platform.machine", ["sparc64"]),
    (_set_probe, "encoding.o200k_base", ["[24912, 2375]", "[1, 2]"]),
    (_unknown_vocabulary, "vocabulary.p50k_base", ["has no vocabulary 'p50k_base'"]),
])
def test_doctor_fails_with_exit_1_and_says_what_is_wrong(change, check, needles, tmp_path):
    manifest = _write_manifest(tmp_path, change)
    code, out, err = _doctor("--manifest", str(manifest))
    assert code == 1, out + err
    assert "Traceback" not in out + err
    failed = out[out.index("The environment does not match the manifest:"):]
    assert f"- {check}:" in failed
    assert failed.count("\n  - ") == 1  # only the planted defect
    for needle in needles:
        assert needle in failed
    assert check in err
    code, out, _ = _doctor("--manifest", str(manifest), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "fail" and report["failures"] == [check]
    assert report["manifest"] == str(manifest)
    assert _checks(out)[check]["status"] == "fail"


def test_missing_optional_tools_and_locales_only_warn(tmp_path):
    def change(doc):
        doc["optional_tools"]["packverify-no-such-tool"] = "nothing"
        doc["optional_locales"]["xx_XX.NOPE-8"] = "nothing"

    code, out, _ = _doctor("--manifest", str(_write_manifest(tmp_path, change)), "--format", "json")
    checks = _checks(out)
    assert code == 0
    assert checks["optional-tool.packverify-no-such-tool"]["status"] == "warn"
    assert checks["locale.xx_XX.NOPE-8"]["status"] == "warn"
    assert "locales-all" in checks["locale.xx_XX.NOPE-8"]["message"]


def test_a_skipped_probe_is_not_a_pass(monkeypatch):
    def unavailable(name):
        raise tokenizer.TokenizerUnavailable(f"vocabulary {name} not readable")

    monkeypatch.setattr(tokenizer, "vocabulary_bytes", unavailable)
    checks = {c.name: c for c in doctor.check_tokenizers(MANIFEST)}
    assert checks["vocabulary.cl100k_base"].status is doctor.CheckStatus.FAIL
    assert "not readable" in checks["vocabulary.cl100k_base"].message
    assert checks["encoding.cl100k_base"].status is doctor.CheckStatus.SKIPPED


def test_an_interpreter_that_dies_on_an_import_is_blamed_not_fatal(tmp_path):
    """A fake interpreter: the first run reports 'ok_one' then dies as a segfault would."""
    marker = tmp_path / "ran-once"
    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\n"
        f"if [ ! -e {shlex.quote(str(marker))} ]; then touch {shlex.quote(str(marker))};"
        " echo 'noise printed at import'; echo 'packverify-doctor-import [\"ok_one\", null]';"
        " echo 'Fatal Python error: Segmentation fault' >&2; exit 139; fi\n"
        "echo 'packverify-doctor-import [\"ok_two\", null]'\n", encoding="utf-8")
    fake.chmod(0o755)
    checks = {c.name: c for c in doctor.check_imports(["ok_one", "crasher", "ok_two"], python=str(fake))}
    assert checks["import.ok_one"].status is doctor.CheckStatus.PASS
    assert checks["import.crasher"].status is doctor.CheckStatus.FAIL
    assert "exited with code 139" in checks["import.crasher"].message
    assert "Segmentation fault" in checks["import.crasher"].message
    assert checks["import.ok_two"].status is doctor.CheckStatus.PASS  # retried in a fresh interpreter


def test_pip_check_failure_is_reported(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'foo 1.0 has requirement bar>=2, but you have bar 1.0.'\nexit 1\n")
    fake.chmod(0o755)
    [check] = doctor.check_pip(python=str(fake))
    assert check.status is doctor.CheckStatus.FAIL and "bar>=2" in check.message


# --------------------------------------------------------------------------- cannot do its job

@pytest.mark.parametrize("content,needle", [
    (b"{not json", "not valid JSON"),
    (b"[]", "expected an object"),
    (b'{"python": 1}', "/python: expected an object"),
    (b"\xff\xfe", "not UTF-8"),
    (b'{"packages": {}, "packages": {}}', "duplicate key"),
    (json.dumps({**MANIFEST, "python": {"requires": ">>3"}}).encode(), "/python/requires"),
    (json.dumps({**MANIFEST, "vocabularies": {"cl100k_base": "abc"}}).encode(), "/vocabularies/cl100k_base"),
    (json.dumps({**MANIFEST, "packages": {"click": 8}}).encode(), "/packages/click"),
    (json.dumps({**MANIFEST, "tools": "git"}).encode(), "/tools"),
    (json.dumps({**MANIFEST, "dev_pakages": {}}).encode(), "/dev_pakages: unknown key"),
    (json.dumps({k: v for k, v in MANIFEST.items() if k != "vocabularies"}).encode(), "/vocabularies: missing"),
    (json.dumps({**MANIFEST, "probes": {"nope": {"text": "", "tokens": []}}}).encode(), "/probes/nope"),
])
def test_exit_2_for_a_malformed_manifest(content, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.json").write_bytes(content)
    code, out, err = run_captured(["doctor", "--manifest", "m.json"])
    assert code == 2, out + err
    assert needle in err and "manifest m.json" in err
    assert out == "" and "Traceback" not in err
    log = json.loads((tmp_path / "artifacts" / "doctor.run.json").read_text(encoding="utf-8"))
    assert log["exit_code"] == 2 and needle in log["error"]


@pytest.mark.parametrize("argv,needle", [
    (["--manifest", "no/such/manifest.json"], "cannot read manifest"),
    (["--manifest", "."], "Invalid value"),
    (["--format", "xml"], "Invalid value"),
    (["--frobnicate"], "No such option"),
])
def test_exit_2_on_bad_arguments(argv, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _doctor(*argv)
    assert code == 2 and needle in err and "Traceback" not in out + err


def test_run_log_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _doctor()[0] == 0
    assert not (tmp_path / "artifacts").exists()
    assert run_captured(["doctor", "--run-log", "logs/d.json", "--format", "json"])[0] == 0
    log = json.loads((tmp_path / "logs" / "d.json").read_text(encoding="utf-8"))
    assert list(log)[0] == "environment" and log["exit_code"] == 0 and log["argv"][-1] == "json"


# --------------------------------------------------------------------------- Dockerfile

def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in _instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, args))
    return stages


def test_dockerfile_is_multi_stage_from_the_pinned_python():
    stages = _stages()
    assert len(stages) >= 2
    images = [args.split()[0] for stage in stages for keyword, args in stage if keyword == "FROM"]
    assert images[0].startswith("python:3.11-slim-bookworm") and images[-1] == images[0]
    # the image's Python is one the manifest allows
    minor = tuple(int(n) for n in re.match(r"python:(\d+)\.(\d+)", images[0]).groups())
    assert doctor.python_in_range(minor, doctor.parse_python_range(MANIFEST["python"]["requires"]))


def test_dockerfile_installs_strictly_from_the_same_lock_with_hashes():
    builder = _stages()[0]
    runs = [args for keyword, args in builder if keyword == "RUN"]
    lock_installs = [r for r in runs if "pip install" in r and "-r requirements.lock" in r]
    assert lock_installs and all("--require-hashes" in r and "--no-deps" in r for r in lock_installs)
    assert any(k == "COPY" and args.split()[0] == "requirements.lock" for k, args in builder)
    project = [r for r in runs if "pip install" in r and "requirements.lock" not in r]
    assert project and all("--no-deps" in r and "--no-build-isolation" in r for r in project)
    assert not any(re.search(r"pip install(?![^&]*(-r requirements\.lock|--no-deps))", r) for r in runs)
    assert any("pip check" in r for r in runs)


def test_dockerfile_runtime_is_non_root_runs_the_doctor_and_needs_no_network():
    runtime = _stages()[-1]
    keywords = [k for k, _ in runtime]
    assert any(k == "COPY" and args.startswith("--from=builder") for k, args in runtime)
    assert any(k == "RUN" and "install" in args and " git" in args for k, args in runtime)
    users = [args for k, args in runtime if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    doctor_runs = [i for i, (k, args) in enumerate(runtime) if k == "RUN" and args.startswith("packverify doctor")]
    assert doctor_runs and doctor_runs[-1] > keywords.index("USER")  # gated as the user that will run it
    env = " ".join(args for k, args in runtime if k == "ENV")
    assert "PIP_NO_INDEX=1" in env and "/opt/packverify/bin" in env
    assert ("ENTRYPOINT", '["packverify"]') in runtime and ("CMD", '["--help"]') in runtime


def _dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    # Enough of Docker's matching for these patterns (no "!" re-includes are used).
    assert not any(p.startswith("!") for p in patterns)
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(prefix, p) or fnmatch.fnmatch(prefix, p.removeprefix("**/"))
               or (p.startswith("**/") and fnmatch.fnmatch(prefix.rsplit("/", 1)[-1], p[3:]))
               for p in patterns for prefix in prefixes)


def test_dockerignore_keeps_local_state_out_and_what_the_build_copies_in():
    patterns = _dockerignore()
    for path in (".venv", ".git", "artifacts", "mutants", ".venv/bin/python", "artifacts/check.run.json",
                 "packverify/__pycache__/doctor.cpython-311.pyc", "packverify.egg-info"):
        assert _ignored(path, patterns), path
    copied = [args.split()[0] for stage in _stages() for k, args in stage
              if k == "COPY" and not args.startswith("--from")]
    assert copied
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not _ignored(source, patterns), source
    assert not _ignored("packverify/data/environment.manifest.json", patterns)
