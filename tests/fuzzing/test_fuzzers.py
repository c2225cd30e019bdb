"""The fuzz targets in the normal test run, bounded: the committed seed corpus and a
fixed number of pseudo-random inputs go through each standalone fuzzer's own
``TestOneInput`` in-process (no atheris instrumentation, no libFuzzer), so a
property that a fuzzer checks is also checked on every commit. Plus the files a fuzzer
needs (fuzzer files, dictionaries, corpora) and the structure-aware documents of the
reader targets, compared with the independent renderers of tests/readers/.

The session, triage and corpus merge are tested in test_session.py, test_triage.py and
test_corpus.py. Budget: ≈40 s on one core (the pack target builds a repository per input).
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from raw_inputs import raw_inputs

import packverify.fuzz.foreign  # noqa: F401 - imported before the fuzzer files: their import hook then instruments nothing
import packverify.fuzz.targets
import packverify.readers as readers
from packverify.fuzz import READER_FORMATS, TARGETS, documents
from packverify.fuzz.targets import FuzzFailure

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
REGRESSIONS = HERE / "regressions"
RANDOM_INPUTS = {"check_raw": 400, "check_structured": 120, "pack": 40, "convert": 100,
                 **{f"read_{f.replace('-', '_')}": 300 for f in READER_FORMATS}}

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


def _known(target: str, exc: BaseException) -> str | None:
    text = _signature(exc)
    return next((key for key, (sig, _) in KNOWN_OPEN.items() if key.startswith(target + "/") and sig in text), None)


def _skip_unavailable(target: str) -> None:
    if TARGETS[target].missing():
        pytest.skip(f"{target}: {TARGETS[target].missing()}")


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
    _skip_unavailable(target)
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
    _skip_unavailable(target)
    known: dict[str, int] = {}
    for number, data in enumerate(_stream(target)):
        try:
            FUZZERS[target].TestOneInput(data)
        except Exception as exc:  # noqa: BLE001 - every failure is reported with its input
            key = _known(target, exc)
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
    parse_codes = {c for c in all_codes() if c.startswith("parse.")} - {"parse.too-large"} - set(FOREIGN_ONLY)
    assert parse_codes <= set(first), parse_codes - set(first)
    failed = {name for code, oracles in branches if code == "parsed" for name in oracles}
    judged = set(NAMES) - {"parse"} - set(FOREIGN_ONLY_ORACLES)
    assert failed == judged, judged - failed


def test_a_failing_property_is_a_failure_not_a_crash_of_the_harness():
    with pytest.raises(FuzzFailure):
        packverify.fuzz.targets._raise("check_raw", ["planted"], 0.0, lambda: pytest.fail("re-run despite a failure"))
    assert issubclass(FuzzFailure, AssertionError)


# --------------------------------------------------------------------------- the reader targets

def test_every_reader_has_a_target():
    assert sorted(READER_FORMATS) == sorted(readers.FORMATS)
    for fmt in READER_FORMATS:
        target = TARGETS[f"read_{fmt.replace('-', '_')}"]
        assert target.argument == fmt and target.missing() is None


def test_the_convert_target_waits_for_packverify_convert():
    """Skipped (never run, never passed) while the module it round-trips through is missing."""
    target = TARGETS["convert"]
    present = importlib.util.find_spec("packverify.convert") is not None
    assert (target.missing() is None) == present
    if not present:
        assert "packverify.convert does not exist yet" in target.missing()


def test_a_reader_target_reports_a_location_outside_the_input():
    """The location property is not vacuous: a finding placed past the end fails it."""
    from packverify.fuzz.foreign import _located
    from packverify.model import Finding, Location

    pack = readers.read(b"a.py\n---\nx\n\n---\n", format="files-to-prompt")
    assert _located(pack) == []
    pack.findings.append(Finding("structure.unexpected-text", (), "planted", location=Location(7, 1)))  # 6 lines: the 6th is empty
    pack.findings.append(Finding("structure.unexpected-text", (), "planted", location=Location(2, 5)))
    problems = _located(pack)
    assert len(problems) == 2 and all("outside the input" in p for p in problems)


def test_a_reader_target_catches_a_reader_that_loses_a_file(monkeypatch):
    """The round trip is not vacuous: a reader dropping the last file fails the target."""
    from packverify.readers import files_to_prompt_cxml

    original = files_to_prompt_cxml.read

    def lossy(raw, *, path="<bytes>"):
        pack = original(raw, path=path)
        del pack.files[-1:]
        return pack

    monkeypatch.setattr(files_to_prompt_cxml, "read", lossy)
    rng = random.Random("lossy")
    failures = 0
    for _ in range(60):
        try:
            packverify.fuzz.foreign.read_foreign("files-to-prompt-cxml", rng.randbytes(512))
        except FuzzFailure as exc:
            assert "round trip" in str(exc)
            failures += 1
    assert failures > 0


sys.path.insert(0, str(HERE.parent / "readers"))
from renderers import RENDERERS  # noqa: E402 - tests/readers is not a package

_SAMPLES = [
    [("a.py", "x = 1\r\n"), ("b/c d.md", "  \n# t\n```\nq\n```\n  ")],
    [("é日ф.txt", ""), ("`tick`/q'\".py", "</file>\n\n<file path=\"x\">\n---\n\r")],
    [("README.md", "\ufeff\u00a0lead\n\n### path: z lines: 1 mode: text\n")],
]


@pytest.mark.parametrize("variant", sorted(RENDERERS))
def test_the_fuzz_documents_match_the_independent_renderers(variant):
    """documents.WRITERS and tests/readers/renderers.py write each format byte for byte alike."""
    fmt, _, dialect = variant.partition("/")
    writer = documents.WRITERS[fmt][1 if dialect == "parsable" else 0]
    for files in _SAMPLES:
        text, expected = writer(files)
        raw, wanted = RENDERERS[variant](files)
        assert (text.encode("utf-8"), expected) == (raw, wanted)


# --------------------------------------------------------------------------- files a fuzzer needs

_DICT_LINE = re.compile(r'^(?:[A-Za-z0-9_]+=)?"(?:[^"\\]|\\\\|\\"|\\x[0-9A-Fa-f]{2})*"$')


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_has_a_fuzzer_a_dictionary_and_seeds(target):
    from make_corpus import fuzzer_source

    fuzzer = HERE / TARGETS[target].fuzzer
    assert fuzzer.read_text(encoding="utf-8") == fuzzer_source(target, TARGETS[target].summary), \
        "re-run tests/fuzzing/make_corpus.py"
    assert callable(TARGETS[target].load())
    lines = [line for line in (HERE / f"{target}.dict").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) >= 20
    bad = [line for line in lines if not _DICT_LINE.match(line)]
    assert not bad, f"not libFuzzer dictionary syntax: {bad[:3]}"
    seeds = [p for p in (CORPUS / target).iterdir() if not p.name.startswith("regress-")]
    assert len(seeds) >= 8 and all(p.stat().st_size <= MAX_SEED_BYTES for p in seeds if p.name != "parse.too-large.json")


@pytest.mark.parametrize("fmt", READER_FORMATS)
def test_every_reader_target_is_seeded_with_the_real_tools_output(fmt):
    """Each reader's seeds hold the recorded outputs of its tool (tests/data/foreign/) that
    the reader recognises — for packverify's own JSON, packs of the reference packer — so
    the byte-level path starts from real packs."""
    seeds = CORPUS / f"read_{fmt.replace('-', '_')}"
    real = ("valid-",) if fmt == "packverify-json" else ("rec-",)
    recorded = [p for p in seeds.iterdir() if p.name.startswith(real) and not p.name.endswith("-half")]
    assert recorded, f"no recorded output of {fmt} among the seeds"
    for path in recorded:
        assert readers.detect(path.read_bytes()).NAME == fmt


def test_known_open_bugs_have_their_reproducers_outside_the_seed_corpus():
    listed = {f"{p.parent.name}/{p.name}" for p in REGRESSIONS.glob("*/*")}
    assert listed == set(KNOWN_OPEN), "every reproducer in regressions/ is a KNOWN_OPEN entry and vice versa"
    for key in KNOWN_OPEN:
        assert not (CORPUS / key).exists()


MAX_SEED_BYTES = 8192  # make_corpus.py: every seed but parse.too-large.json is at most this long
# Codes no bytes can raise, so no seed can: the reason, as strategies.EXCLUDED says it.
NO_SEED = {"schema.violation": "no keyword of spec/index.schema.json maps to it (every keyword it uses has its own code)"}
# Codes the bytes of a packverify JSON pack cannot raise (the check_raw target reads nothing
# else): a foreign format's reader or view raises them, and read_<format> seeds exercise them.
FOREIGN_ONLY = {
    "parse.empty": "the JSON loader calls an empty input parse.invalid-json (seed parse.invalid-json-empty)",
    "parse.not-this-format": "only a reader forced onto another format by --input-format raises it",
    "coverage.left-out": "a packverify pack is a budgeted selection: judged only with --require-complete, a flag",
    "overlap.duplicate-file": "packverify chunks have line ranges: the same file twice is overlap.shared-lines",
    "stats.count-mismatch": "packverify JSON's counts have their own stats.total-* codes",
    "source.transformed": "packverify JSON states no tool transformations: its text is the file's bytes",
    "source.not-compared": "a packverify summary/signature chunk is compared by its range only, not reported",
    **{code: "the structure oracle judges foreign packs only (schema judges packverify JSON)"
       for code in ("structure.ambiguous-boundary", "structure.index-mismatch", "structure.invalid-escape",
                    "structure.invalid-header", "structure.malformed-header", "structure.missing-path",
                    "structure.missing-section", "structure.not-in-tree", "structure.unexpected-text",
                    "structure.unterminated-entry", "structure.unterminated-section")},
}
# Oracles that never judge a packverify JSON pack in check_raw's context (no --require-complete).
FOREIGN_ONLY_ORACLES = {"structure": "schema judges packverify JSON's structure",
                        "coverage": "a packverify pack is judged for coverage only with --require-complete"}


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
    assert codes - fired == set(NO_SEED) | set(FOREIGN_ONLY), sorted(codes - fired - set(NO_SEED) - set(FOREIGN_ONLY))
    assert not fired & set(FOREIGN_ONLY), "a code listed as foreign-only fires on packverify JSON"


def test_the_raw_seeds_raise_the_code_they_are_named_after(fixture_repos):
    for path in sorted((CORPUS / "check_raw").glob("*.json")):
        codes = _seed_codes(path, fixture_repos)
        name = path.name.removesuffix(".json")
        if name.startswith("valid-"):
            assert codes <= {"determinism.non-canonical-bytes"}, (name, codes)
        else:
            assert any(name.startswith(code) for code in codes), (name, codes)
