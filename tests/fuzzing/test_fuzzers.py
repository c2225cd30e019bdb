"""The fuzz targets in the normal test run, bounded: the committed seed corpus and a
fixed number of pseudo-random inputs go through each standalone fuzzer's own
``TestOneInput`` in-process (no atheris instrumentation, no libFuzzer), so a
property that a fuzzer checks is also checked on every commit. Plus the plumbing:
fuzzer files, dictionaries, corpora, the libFuzzer runner and ``packverify fuzz``.

Budget: ≈25 s on one core (the pack target builds a repository per input).
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import run_captured
from raw_inputs import raw_inputs

import packverify.fuzz.targets  # noqa: F401 - imported before the fuzzer files: their import hook then instruments nothing
from packverify.fuzz import TARGETS
from packverify.fuzz.campaign import TargetRun, run_target
from packverify.fuzz.targets import FuzzFailure

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
REGRESSIONS = HERE / "regressions"
RANDOM_INPUTS = {"check_raw": 400, "check_structured": 120, "pack": 40}

# Crashes found by fuzzing and reported, not fixed yet (in packverify code outside the
# fuzz package). Each reproducer is committed as regressions/<target>/<name> — not in
# the seed corpus, where libFuzzer would stop on it at startup — and replays as a
# strict xfail: once the bug is fixed the test fails, saying to move the file to
# corpus/<target>/regress-<name> and delete the entry. Random inputs that fail the
# same way are tolerated (as xfail) too. Fixed crashes' reproducers are corpus/*/regress-*.
KNOWN_OPEN: dict[str, tuple[str, str]] = {
    # regressions/<target>/<name>: (failure signature — a "Type: message" substring, what is wrong)
}


def _load_fuzzer(name: str):
    path = HERE / f"{name}_fuzzer.py"
    spec = importlib.util.spec_from_file_location(f"_fuzzer_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FUZZERS = {name: _load_fuzzer(name) for name in TARGETS}


def _signature(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _known(exc: BaseException) -> str | None:
    text = _signature(exc)
    return next((key for key, (sig, _) in KNOWN_OPEN.items() if sig in text), None)


def _seeds():
    for target in TARGETS:
        for path in sorted((CORPUS / target).iterdir()):
            yield pytest.param(target, path, id=f"{target}/{path.name}")


def _regressions():
    for key, (_, what) in sorted(KNOWN_OPEN.items()):
        target = key.split("/")[0]
        yield pytest.param(target, REGRESSIONS / key, id=key, marks=pytest.mark.xfail(
            strict=True, raises=Exception,
            reason=f"open bug: {what} — once fixed, move the file to corpus/{target}/regress-<name> "
                   "and delete its KNOWN_OPEN entry"))


@pytest.mark.parametrize(("target", "seed"), list(_seeds()))
def test_seed_corpus_replays_cleanly(target, seed):
    FUZZERS[target].TestOneInput(seed.read_bytes())


@pytest.mark.parametrize(("target", "reproducer"), list(_regressions()))
def test_open_bug_reproducers_still_fail(target, reproducer):
    FUZZERS[target].TestOneInput(reproducer.read_bytes())


def _stream(target: str) -> list[bytes]:
    """A fixed stream of inputs per target (seeded by its name): JSON-ish for check_raw
    (raw_inputs.py: random bytes are almost never UTF-8), bytes for the
    FuzzedDataProvider targets, which read any bytes as choices."""
    if target == "check_raw":
        return raw_inputs(RANDOM_INPUTS[target])
    rng = random.Random(f"packverify-fuzz-{target}")
    return [rng.randbytes(rng.choice((8, 64, 256, 1024, 3000))) for _ in range(RANDOM_INPUTS[target])]


@pytest.mark.parametrize("target", list(TARGETS))
def test_pseudo_random_inputs(target):
    """The same inputs on every run, so a failure here always reproduces."""
    known: dict[str, int] = {}
    for number, data in enumerate(_stream(target)):
        try:
            FUZZERS[target].TestOneInput(data)
        except Exception as exc:  # noqa: BLE001 - every failure is reported with its input
            key = _known(exc)
            if key is None:
                raise AssertionError(f"input #{number} of the {target} stream fails: {_signature(exc)}\n"
                                     f"reproduce: FUZZERS[{target!r}].TestOneInput(bytes.fromhex({data.hex()!r}))"
                                     ) from exc
            known[key] = known.get(key, 0) + 1
    if known:
        pytest.xfail("only known open bugs: " + ", ".join(f"{k} ×{n}" for k, n in sorted(known.items())))


def _branch(data: bytes) -> tuple[str, frozenset[str]]:
    """Where the engine went with ``data``: the first parse finding's code, or "parsed"
    and the oracles that failed."""
    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import parse_bytes
    from packverify.oracles import NAMES

    loaded = parse_bytes(data)
    if loaded.findings:
        return loaded.findings[0].code, frozenset()
    report = check_loaded(loaded, Context(repo=packverify.fuzz.targets.fixture_repo()), NAMES)
    return "parsed", frozenset(n for n, r in report.oracles.items() if r.status.value == "fail")


def test_the_check_raw_stream_reaches_every_branch_of_the_loader_and_every_oracle():
    """Measured on the replayed stream (docs/fuzzing.md has the distribution): no
    branch takes more than 40% of the inputs, at least 40% parse, every parse code but
    too-large is reached, and every oracle fails on some parsed input."""
    from packverify.oracles import NAMES, all_codes

    branches = [_branch(data) for data in _stream("check_raw")]
    first = Counter(code for code, _ in branches)
    assert max(Counter(branches).values()) <= 0.4 * len(branches), Counter(branches).most_common(3)
    assert first["parsed"] >= 0.4 * len(branches), first
    parse_codes = {c for c in all_codes() if c.startswith("parse.")} - {"parse.too-large"}
    assert parse_codes <= set(first), parse_codes - set(first)
    failed = {name for code, oracles in branches if code == "parsed" for name in oracles}
    assert failed == set(NAMES) - {"parse"}, set(NAMES) - {"parse"} - failed


def test_a_failing_property_is_a_failure_not_a_crash_of_the_harness():
    with pytest.raises(FuzzFailure):
        packverify.fuzz.targets._raise("check_raw", ["planted"], 0.0)
    assert issubclass(FuzzFailure, AssertionError)


# --------------------------------------------------------------------------- files a fuzzer needs

_DICT_LINE = re.compile(r'^(?:[A-Za-z0-9_]+=)?"(?:[^"\\]|\\\\|\\"|\\x[0-9A-Fa-f]{2})*"$')


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_has_a_fuzzer_a_dictionary_and_seeds(target):
    fuzzer = HERE / TARGETS[target].fuzzer
    text = fuzzer.read_text(encoding="utf-8")
    assert "atheris.Setup(sys.argv, TestOneInput)" in text and "atheris.instrument_imports" in text
    assert f"targets.{TARGETS[target].entry_point}(data)" in text
    assert callable(getattr(packverify.fuzz.targets, TARGETS[target].entry_point))
    lines = [line for line in (HERE / f"{target}.dict").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) >= 20
    bad = [line for line in lines if not _DICT_LINE.match(line)]
    assert not bad, f"not libFuzzer dictionary syntax: {bad[:3]}"
    seeds = [p for p in (CORPUS / target).iterdir() if not p.name.startswith("regress-")]
    assert len(seeds) >= 8 and all(p.stat().st_size <= MAX_SEED_BYTES for p in seeds if p.name != "parse.too-large.json")


def test_known_open_bugs_have_their_reproducers_outside_the_seed_corpus():
    listed = {f"{p.parent.name}/{p.name}" for p in REGRESSIONS.glob("*/*")}
    assert listed == set(KNOWN_OPEN), "every reproducer in regressions/ is a KNOWN_OPEN entry and vice versa"
    for key in KNOWN_OPEN:
        assert not (CORPUS / key).exists()


MAX_SEED_BYTES = 8192  # make_corpus.py: every seed but parse.too-large.json is at most this long
# Codes no bytes can raise, so no seed can: the reason, as strategies.EXCLUDED says it.
NO_SEED = {"schema.violation": "no keyword of spec/index.schema.json maps to it (every keyword it uses has its own code)"}


@pytest.fixture(scope="module")
def fixture_repos(tmp_path_factory):
    """The fuzz targets' fixture repository as they pass it (a plain directory) and the
    same files committed to git — source.commit-not-found needs a commit to miss."""
    from packverify.repo_fixtures import git_commit

    root = tmp_path_factory.mktemp("fixture-git") / "repo"
    for rel, text in packverify.fuzz.targets.FIXTURE_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    git_commit(root)
    return {"plain": packverify.fuzz.targets.fixture_repo(), "git": str(root)}


def _seed_codes(path: Path, repos: dict) -> set[str]:
    """The codes the engine reports for one seed, read as ``packverify check --max-bytes
    8192 --repo FIXTURE`` would, against the plain and the committed fixture."""
    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import read_pack
    from packverify.oracles import NAMES

    fired = set()
    for repo in repos.values():
        report = check_loaded(read_pack(str(path), max_bytes=MAX_SEED_BYTES), Context(repo=repo), NAMES)
        fired |= {f.code for f in report.findings}
    return fired


def test_every_finding_code_fires_on_a_seed(fixture_repos):
    """Not by name: the engine runs over the whole check_raw corpus and the codes that
    fire are collected (docs/fuzzing.md: a seed per finding code)."""
    from packverify.oracles import all_codes

    fired = set()
    for path in sorted((CORPUS / "check_raw").iterdir()):
        fired |= _seed_codes(path, fixture_repos)
    codes = set(all_codes())
    assert codes - fired == set(NO_SEED), sorted(codes - fired - set(NO_SEED))


def test_the_raw_seeds_raise_the_code_they_are_named_after(fixture_repos):
    for path in sorted((CORPUS / "check_raw").glob("*.json")):
        codes = _seed_codes(path, fixture_repos)
        name = path.name.removesuffix(".json")
        if name.startswith("valid-"):
            assert codes <= {"determinism.non-canonical-bytes"}, (name, codes)
        else:
            assert any(name.startswith(code) for code in codes), (name, codes)


# --------------------------------------------------------------------------- the runner and the command

def test_runner_reads_libfuzzer_status_lines():
    run = TargetRun("check_raw", 10)
    assert run.update("#4096\tpulse  cov: 888 ft: 2428 corp: 142/232Kb lim: 2522 exec/s: 204 rss: 176Mb")
    assert (run.execs, run.coverage, run.features, run.corpus_size, run.exec_per_sec) == (4096, 888, 2428, 142, 204)
    assert not run.update("stat::number_of_executed_units: 4162")
    run.update("stat::average_exec_per_sec:     198")
    assert (run.execs, run.exec_per_sec) == (4162, 198)
    assert not run.update("INFO: Seed: 12345")


def _crashing_fuzzer(tmp_path: Path) -> Path:
    script = tmp_path / "boom_fuzzer.py"
    script.write_text("import sys, atheris\n"
                      "def TestOneInput(data):\n"
                      "    raise RuntimeError('planted crash')\n"
                      "atheris.Setup(sys.argv, TestOneInput)\natheris.Fuzz()\n", encoding="utf-8")
    return script


def test_runner_saves_a_crash_with_its_replay_command_and_traceback(tmp_path):
    script = _crashing_fuzzer(tmp_path)
    artifacts = tmp_path / "artifacts"
    command = [sys.executable, str(script), str(tmp_path / "corpus" / "check_raw"), "-max_total_time=20",
               f"-artifact_prefix={artifacts / 'check_raw'}/"]
    run = run_target("check_raw", seconds=20, corpus_root=tmp_path / "corpus", artifacts_root=artifacts,
                     command=command)
    assert run.crashed and run.exit_code != 0 and run.error is None, run
    crash = Path(run.crashes[0])
    assert crash.name.startswith("crash-") and crash.is_file()
    assert Path(f"{crash}.replay").read_text().strip() == f"python -m packverify.fuzz.libfuzzer check_raw {crash}"
    assert "RuntimeError: planted crash" in Path(f"{crash}.txt").read_text()
    assert run.to_dict()["crashes"] == [str(crash)]


def test_runner_reports_a_fuzzer_that_dies_without_a_crash_as_an_error(tmp_path):
    run = run_target("check_raw", seconds=5, corpus_root=tmp_path / "c", artifacts_root=tmp_path / "a",
                     command=[sys.executable, "-c", "import sys; print('nope'); sys.exit(3)"])
    assert not run.crashed and run.exit_code == 3 and "exited 3 without a crash input" in run.error


def test_fuzz_list_and_unknown_target():
    code, out, _ = run_captured(["fuzz", "--list"])
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == list(TARGETS)
    code, _, err = run_captured(["fuzz", "--target", "check_rwa", "--no-run-log"])
    assert code == 2 and "did you mean 'check_raw'" in err


def test_fuzz_command_runs_a_target_for_real(tmp_path):
    """``packverify fuzz`` end to end: libFuzzer in a subprocess, the contract's JSON,
    the run log with the environment first."""
    done = subprocess.run([sys.executable, "-m", "packverify", "fuzz", "--target", "check_raw", "--seconds", "3",
                           "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["verdict"] == "pass" and list(summary["targets"]) == ["check_raw"]
    raw = summary["targets"]["check_raw"]
    assert raw["execs"] > 0 and raw["exec_per_sec"] > 0 and raw["crashes"] == [] and raw["coverage"] > 100
    assert "fuzz check_raw:" in done.stderr and "Traceback" not in done.stderr
    log = json.loads((tmp_path / "artifacts" / "fuzz.run.json").read_text())
    assert list(log)[0] == "environment" and log["status"] == "finished" and log["exit_code"] == 0
    assert log["targets"]["check_raw"]["execs"] == raw["execs"]
    assert any((tmp_path / "artifacts" / "fuzz" / "corpus" / "check_raw").iterdir())
