"""The fuzz targets: one ``TestOneInput(data: bytes)`` per target, shared by the
standalone atheris fuzzers (``tests/fuzzing/*_fuzzer.py``, ClusterFuzzLite/OSS-Fuzz),
``python -m packverify.fuzz.libfuzzer`` and the bounded pytest replays.

Each target turns bytes into an input, runs the real engine, and raises
:class:`FuzzFailure` (an ``AssertionError``) when a property fails; any other
exception is a crash. Nothing here is random: the same bytes give the same verdict.

* ``check_raw`` — bytes as a pack file: ``parse_bytes`` + every oracle. Every input
  gets a report; no oracle fails with ``internal-error``; every oracle is accounted
  for; codes belong to their oracle; pointers resolve; the report renders in every
  format; an accepted document has canonical bytes; bounded time per input.
* ``check_structured`` — a near-valid pack built from ``FuzzedDataProvider`` (or, when
  the input is itself a pack, that pack), then the differential properties: findings
  do not depend on key order or whitespace (``determinism.non-canonical-bytes``
  aside); the canonical serialisation round-trips and is recognised as canonical;
  every pointer resolves.
* ``pack`` — a fuzzed repository tree (odd names, encodings, sizes, binary, secrets,
  ``.gitignore``, optionally a git commit) → the reference packer → ``check --strict
  --repo``: the packer's output always passes.

Leaves alone: whether findings are *right* for a given defect (tests/oracles) and
speed (bench/).
"""

from __future__ import annotations

import atexit
import io
import json
import math
import os
import random
import shutil
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from packverify import counting
from packverify.canonical import jcs_bytes
from packverify.context import Context
from packverify.engine import check_loaded
from packverify.format import ZERO_COMMIT, split_lines
from packverify.load import parse_bytes
from packverify.model import PackReport, Report, Status, Verdict
from packverify.oracles import INTERNAL_ERROR, NAMES, REGISTRY
from packverify.packer.assemble import Selection, assemble
from packverify.packer.build import build_pack
from packverify.pointer import resolve
from packverify.repo_fixtures import git_commit
from packverify.report import REPORTERS
from packverify.tokenizer import KNOWN, TokenizerUnavailable, count_many, get_encoding

# Seconds one input may take (checked after the fact; libFuzzer's -timeout catches
# hangs). An instrumented check of a 4 KB input takes milliseconds; a pack build a
# few hundred — the limit is for "something went quadratic", not for noise. What a
# process pays once (loading a vocabulary: seconds on a busy machine) is not the input's:
# a slow input in a process not yet warm is timed again once every tokenizer is built
# (_raise), so neither a worker's start nor a slow first input pays for the warm-up.
TIME_LIMIT = {"check_raw": 10.0, "check_structured": 10.0, "pack": 30.0,
              # packverify.fuzz.foreign: readers are linear scans of a few KiB; convert reads, converts and checks
              "read": 10.0, "convert": 30.0}
_warmed: list[bool] = []


class FuzzFailure(AssertionError):
    """A property of a fuzz target does not hold for this input."""


def _provider(data: bytes):
    import atheris  # only fuzzing needs it; the rest of packverify never imports it

    return atheris.FuzzedDataProvider(data)


def _pick(fdp, options):
    """One of ``options`` (any sequence; atheris' PickValueInList wants a list)."""
    return options[fdp.ConsumeIntInRange(0, len(options) - 1)]


# --------------------------------------------------------------------------- shared checks

def _report_problems(report: PackReport, document: Any, oracles=NAMES) -> list[str]:
    """What is wrong with a report whatever the input was."""
    problems = []
    if report.internal_errors:
        problems.append(f"{report.internal_errors} internal error(s): " + "; ".join(
            f.message for f in report.findings if f.code.endswith("." + INTERNAL_ERROR)))
    if set(report.oracles) != set(oracles):
        problems.append(f"oracles {sorted(report.oracles)} reported, {sorted(oracles)} expected")
    for name, result in report.oracles.items():
        if result.status is Status.SKIPPED and not result.reason:
            problems.append(f"{name} skipped without a reason")
        if result.status is Status.SKIPPED and result.findings:
            problems.append(f"{name} skipped but has findings")
    for finding in report.findings:
        if finding.code not in REGISTRY[finding.oracle].CODES and not finding.code.endswith("." + INTERNAL_ERROR):
            problems.append(f"{finding.code} is not a code of the {finding.oracle} oracle")
        if document is not None:
            try:
                resolve(document, finding.pointer)
            except KeyError:
                problems.append(f"{finding.code}: pointer {finding.pointer!r} designates nothing in the document")
    schema = report.oracles.get("schema")
    if schema is not None and schema.status is Status.PASS:
        for name, result in report.oracles.items():  # a skip that blames the schema needs schema findings
            if result.status is Status.SKIPPED and "see schema findings" in (result.reason or ""):
                problems.append(f"{name} skipped ({result.reason}) but the schema oracle passed")
    failing = report.verdict is Verdict.FAIL
    if failing != any(r.status is Status.FAIL for r in report.oracles.values()):
        problems.append(f"verdict {report.verdict} disagrees with the oracle results")
    return problems


def _hostile(report: PackReport) -> bool:
    """Whether any finding carries text beyond printable ASCII (what breaks renderers)."""
    for f in report.findings:
        for text in (f.message, repr(f.expected), repr(f.actual)):
            if not (text.isascii() and text.isprintable()):
                return True
    return False


def _render_all(report: PackReport, *, sample: bool = True) -> None:
    """Every output format accepts every report (a traceback is never the answer).

    The text (rich) and SARIF renderers cost 5–20 ms a report, 50× the check of a
    small input, so they run only on reports that carry non-ASCII or control
    characters — the reports that can break a renderer — and of those only on the
    ``sample`` the caller picks; JSON and JUnit always run."""
    whole = Report((report,), report.verdict, False, {})
    formats = tuple(REPORTERS) if sample and _hostile(report) else ("json", "junit")
    for name in formats:
        render = REPORTERS[name]
        stream = io.StringIO()
        render(whole, stream, color=False)
        if name in ("json", "sarif"):
            json.loads(stream.getvalue())


def _warm() -> None:
    """Every tokenizer's counter built once per process (packverify.counting caches it)."""
    if _warmed:
        return
    for name in KNOWN:
        try:
            counting.counter(name)
        except TokenizerUnavailable:
            pass  # the check reports it, as it would have without the warm-up
    _warmed.append(True)


def _raise(target: str, problems: list[str], started: float, rerun: Callable[[], None], *,
           limit: float | None = None) -> None:
    """``FuzzFailure`` naming ``target`` for the ``problems`` found, or for an input over
    its time limit (``TIME_LIMIT[target]`` unless ``limit``) — timed again, warm, when
    this process was not yet warm."""
    limit = TIME_LIMIT[target] if limit is None else limit
    elapsed = time.perf_counter() - started
    if elapsed > limit and not problems and not _warmed:
        _warm()
        rerun()  # the same input, warm: it raises if it is still slow
        return
    if elapsed > limit:
        problems.append(f"slow input: {elapsed:.1f} s, over the {limit} s limit")
    if problems:
        raise FuzzFailure(f"{target}: " + " | ".join(problems))


# --------------------------------------------------------------------------- the source oracle's repository

# Files of the small repository the check targets pass as --repo, so the source
# oracle runs too; check_structured cuts its chunks from these lines.
FIXTURE_FILES: dict[str, str] = {
    "README.md": "# Demo\n\nSee src/.\n",
    "src/app.py": "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(12)),
    "src/büro.py": "class Büro:\n    \"\"\"Ünïcode — naïve café 😀.\"\"\"\n\n\nprint('<|endoftext|>')\nx = 1",
    "src/crlf.txt": "one\r\ntwo\r\n\r\nfour\r\n",
    "docs/a b~c.md": "# a/b~c\n\n\u2028line separator\n\ttab\n",
    "empty_lines.txt": "\n\n\n",
}
_fixture: dict[str, str] = {}


def fixture_repo() -> str:
    """A directory holding :data:`FIXTURE_FILES` (made once per process, removed at exit)."""
    if "path" not in _fixture:
        root = tempfile.mkdtemp(prefix="packverify-fuzz-repo-")
        atexit.register(shutil.rmtree, root, True)
        for rel, text in FIXTURE_FILES.items():
            full = os.path.join(root, *rel.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(text.encode("utf-8"))
        _fixture["path"] = root
    return _fixture["path"]


# --------------------------------------------------------------------------- check_raw

def check_raw(data: bytes) -> None:
    """Raw bytes as a pack file, every oracle (``source`` against :func:`fixture_repo`)."""
    started = time.perf_counter()
    loaded = parse_bytes(data, path="fuzz.pack.json")
    if loaded.document is None and not loaded.findings:
        raise FuzzFailure("check_raw: parse_bytes gave neither a document nor a finding")
    report = check_loaded(loaded, Context(repo=fixture_repo()), NAMES)
    problems = _report_problems(report, loaded.document)
    if loaded.document is not None:
        canonical = jcs_bytes(loaded.document)  # any accepted document has canonical bytes
        if loaded.canonical and canonical != data:
            problems.append("the loader called the bytes canonical but they differ from jcs_bytes(document)")
        if canonical == data and any(f.code == "determinism.non-canonical-bytes" for f in report.findings):
            problems.append("canonical bytes reported as non-canonical")
    _render_all(report)
    _raise("check_raw", problems, started, lambda: check_raw(data))


# --------------------------------------------------------------------------- check_structured

# The schema's names (every level), names it forbids, and keys that need pointer escapes.
FIELD_NAMES = (
    "metadata", "tokenizer_info", "budget_info", "chunks", "statistics", "manifest_digest", "body_spans",
    "version", "created_at", "repo_info", "path", "commit", "branch", "remote", "generator", "name",
    "serialization", "chunk_id_scheme", "vocab_size", "target_budget", "actual_tokens", "utilization",
    "underflow_allowed", "id", "file_path", "start_line", "end_line", "tokens", "content_hash", "content",
    "selected_mode", "language", "chunk_type", "importance_score", "total_files", "total_chunks", "total_tokens",
    "language_distribution", "ignored_files", "duplicates_removed", "chunk_id", "start", "end",
    "x-extra", "x-", "extra", "", "a/b", "~0", "~1", "a~/b", "/", "ü", "😀", "\u2028", "NaN", "__proto__", "0",
)
EDGE_INTS = (0, -1, 1, 2, 999, 1000, 1001, 4096, 2**31 - 1, 2**31, 2**32, 2**53 - 1, 2**53, 2**53 + 1,
             -(2**53), 2**63 - 1, 2**63, 2**64, -(2**64), 10**20, 10**300)
EDGE_FLOATS = (0.0, -0.0, 0.5, 1.0, 1.005, 1.0050001, 0.005, 0.0050001, 1e-7, 1e-9, 0.1, 2.5, 1000.0, 1e16,
               1e21, 1e22, 9007199254740992.0, 1.7976931348623157e308, 5e-324, -1.5, 1 / 3)
EDGE_STRINGS = (
    "", " ", "a", "0", "-1", "1.0.0", "1.0", "v1.0.0", "cl100k", "o200k", "gpt2", "cl100k_base", "full", "summary",
    "signature", "code", "binary", "rfc8785", "packverify-v1", "0" * 40, "0" * 64, "a" * 64, "A" * 64, "f" * 63,
    "1970-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00+25:00", "yesterday", "2024-01-01",
    "src/a.py", "./src/a.py", "src//a.py", "src/a.py/", "/etc/passwd", "../../etc/passwd", "a\\b.py",
    "C:\\x.py", "a\x00b", "a\x1b[2Kb", "a\x7fb", "a\nb", ".env", ".env.example", "id_rsa", "deploy.key",
    ".aws/credentials", "<|endoftext|>", "ü", "😀", "\u2028\u2029", "\ufeff", "\u200b", "e\u0301",
    "AKIAQWERTYUIOPASDFGH", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
    "x" * 1000, "é" * 5000, "line\n" * 500, "no newline", "a\r\nb\r\n", "\n", "\n\n",
)


def _string(fdp) -> str:
    kind = fdp.ConsumeIntInRange(0, 5)
    if kind <= 2:
        return _pick(fdp, EDGE_STRINGS)
    if kind == 3:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    if kind == 4:
        return _pick(fdp, FIELD_NAMES)
    unit = _pick(fdp, ("a", "é", "😀", "\n", "ab\n", "x" * 100))
    return unit * fdp.ConsumeIntInRange(0, 30_000 // len(unit))  # huge next to a pack's fields, yet fast to count


def _value(fdp, depth: int = 0) -> Any:
    """A JSON value biased towards what the schema is about to reject or just accept."""
    kind = fdp.ConsumeIntInRange(0, 11 if depth < 4 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind in (2, 3):
        return _pick(fdp, EDGE_INTS)
    if kind == 4:
        return fdp.ConsumeIntInRange(-5, 100_000)
    if kind == 5:
        return _pick(fdp, EDGE_FLOATS)
    if kind == 6:
        value = fdp.ConsumeRegularFloat()
        return value if math.isfinite(value) else 0.25
    if kind in (7, 8):
        return _string(fdp)
    if kind in (9, 10):
        return [_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    return {_pick(fdp, FIELD_NAMES) if fdp.ConsumeBool() else _string(fdp)[:20]: _value(fdp, depth + 1)
            for _ in range(fdp.ConsumeIntInRange(0, 4))}


def _base_pack(fdp) -> dict:
    """A valid pack cut from the fixture files (and perhaps a free-form file), built
    by the reference assembler with real token counts."""
    selections = []
    for path in sorted(FIXTURE_FILES):
        if not fdp.ConsumeBool():
            continue
        lines = split_lines(FIXTURE_FILES[path])
        if not lines:
            continue
        start = fdp.ConsumeIntInRange(1, len(lines))
        end = fdp.ConsumeIntInRange(start, len(lines))
        mode = _pick(fdp, ("full", "full", "full", "summary", "signature"))
        content = "".join(lines[start - 1:end]) if mode == "full" else _string(fdp)
        selections.append(Selection(path, start, end, content, mode=mode,
                                    language=_pick(fdp, (None, "python", "markdown", "text", "c/c++~"))))
    if fdp.ConsumeBool():
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(1, 200))
        lines = split_lines(text)
        if lines:
            selections.append(Selection(_pick(fdp, ("free.py", "ü/😀.txt", "a b/c~d.md")), 1, len(lines),
                                        "".join(lines), language="python"))
    tokenizer = _pick(fdp, ("cl100k", "cl100k", "o200k"))
    counts = count_many(get_encoding(tokenizer), [s.content for s in selections])  # counted once, not per call
    actual = sum(counts)
    budget = max(1000, actual) if fdp.ConsumeBool() else fdp.ConsumeIntInRange(1000, 1100)
    return assemble(selections, target_budget=budget, tokenizer=tokenizer, total_tokens=actual, token_counts=counts,
                    body_spans=fdp.ConsumeBool(), digest=fdp.ConsumeBool(),
                    total_files=len(FIXTURE_FILES) + 1, total_chunks=len(selections) + fdp.ConsumeIntInRange(0, 3))


def _paths(node: Any, prefix: tuple = ()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _at(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _mutate(fdp, doc: dict) -> None:
    """One near-miss edit: replace, delete, add, nudge, or reshuffle chunks."""
    paths = [p for p in _paths(doc) if p]
    op = fdp.ConsumeIntInRange(0, 8)
    path = paths[fdp.ConsumeIntInRange(0, len(paths) - 1)] if paths else ()
    parent = _at(doc, path[:-1]) if path else None
    if op <= 2 and path:  # replace with an edge value or a wrong type
        parent[path[-1]] = _value(fdp)
    elif op == 3 and path:  # delete
        del parent[path[-1]]
    elif op == 4:  # add a key somewhere
        dicts = [p for p in _paths(doc) if isinstance(_at(doc, p), dict)]
        target = _at(doc, dicts[fdp.ConsumeIntInRange(0, len(dicts) - 1)])
        target[_pick(fdp, FIELD_NAMES)] = _value(fdp)
    elif op == 5 and path:  # nudge a number or a string
        value = parent[path[-1]]
        if type(value) is int:
            parent[path[-1]] = value + _pick(fdp, (-1, 1, -value, 2**53))
        elif type(value) is float:
            nudged = value * _pick(fdp, (0.5, 1.0000001, -1.0, 0.0))
            parent[path[-1]] = nudged if math.isfinite(nudged) else value  # the largest double × 1.0000001 is inf: no JSON
        elif type(value) is str:
            parent[path[-1]] = _pick(fdp, (value + "x", value.upper(), "../" + value, value[:-1],
                                                    value + "\n", " " + value))
    elif op in (6, 7) and isinstance(doc.get("chunks"), list) and doc["chunks"]:
        chunks = doc["chunks"]
        i = fdp.ConsumeIntInRange(0, len(chunks) - 1)
        j = fdp.ConsumeIntInRange(0, len(chunks) - 1)
        if op == 6:
            chunks.insert(j, json.loads(json.dumps(chunks[i])))  # duplicate
        else:
            chunks[i], chunks[j] = chunks[j], chunks[i]
    elif isinstance(doc.get("chunks"), list) and doc["chunks"]:
        doc["chunks"].pop(fdp.ConsumeIntInRange(0, len(doc["chunks"]) - 1))


def structured_document(data: bytes) -> tuple[dict | Any, bool, bool]:
    """The document a ``check_structured`` input stands for, with (strict, use_repo).

    An input that is itself an accepted pack (the seed corpus, and libFuzzer's
    byte-level edits of it that stay JSON) is used as it is; anything else drives a
    ``FuzzedDataProvider`` that builds a valid pack and edits it 0–6 times."""
    if data[:1] == b"{":
        loaded = parse_bytes(data)
        if loaded.document is not None and not loaded.findings:
            digest = sum(data) % 8
            return loaded.document, digest == 1, digest == 0
    fdp = _provider(data)
    strict = fdp.ConsumeBool()
    use_repo = fdp.ConsumeIntInRange(0, 3) == 0
    doc = _base_pack(fdp)
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        _mutate(fdp, doc)
    return doc, strict, use_repo


def _shuffled_keys(value: Any, rng: random.Random) -> Any:
    """``value`` with every object's keys in a random order (same JSON value)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled_keys(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled_keys(v, rng) for v in value]
    return value


def messy_bytes(document: Any, seed: int) -> bytes:
    """The same document, serialised another way: shuffled keys, some indentation,
    ASCII escapes or raw UTF-8 — everything RFC 8785 pins down, done differently."""
    rng = random.Random(seed)
    text = json.dumps(_shuffled_keys(document, rng), indent=rng.choice([None, 0, 1, 2, "\t"]),
                      ensure_ascii=rng.choice([True, False]),
                      separators=rng.choice([None, (",", ":"), (" , ", " : ")]))
    return (text + rng.choice(["", "\n", " \r\n"])).encode("utf-8")


def _same_numbers(a: Any, b: Any) -> bool:
    """Equal as JSON values, numbers by their IEEE double value (RFC 8785 writes 1.0 as 1)."""
    if type(a) in (int, float) and type(b) in (int, float):
        return float(a) == float(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_numbers(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_numbers(x, y) for x, y in zip(a, b))
    return a == b


def _finding_keys(report: PackReport) -> list[tuple]:
    return sorted((f.oracle, f.code, f.pointer, f.message, str(f.severity), repr(f.expected), repr(f.actual))
                  for f in report.findings if f.code != "determinism.non-canonical-bytes")


def check_structured(data: bytes) -> None:
    """A near-valid pack, checked canonically and messily; the differential properties."""
    started = time.perf_counter()
    document, strict, use_repo = structured_document(data)
    problems: list[str] = []
    canonical = jcs_bytes(document)
    loaded = parse_bytes(canonical, path="canonical.pack.json")
    if loaded.findings or loaded.document is None:
        raise FuzzFailure("check_structured: the canonical bytes of a JSON document do not load: "
                          + "; ".join(f"{f.code} {f.message}" for f in loaded.findings))
    if not _same_numbers(loaded.document, document):
        problems.append("jcs_bytes does not round-trip: parse(jcs_bytes(doc)) != doc")
    if jcs_bytes(loaded.document) != canonical:
        problems.append("jcs_bytes is not idempotent: jcs_bytes(parse(C)) != C")
    if loaded.canonical is not True:
        problems.append("the loader does not recognise canonical bytes as canonical")
    _reference_jcs(document, canonical, problems)

    def ctx() -> Context:
        return Context(repo=fixture_repo() if use_repo else None, strict=strict)

    first = check_loaded(loaded, ctx(), NAMES)
    problems += _report_problems(first, loaded.document)
    if any(f.code == "determinism.non-canonical-bytes" for f in first.findings):
        problems.append("canonical bytes reported as determinism.non-canonical-bytes")

    seed = int.from_bytes(canonical[-8:].ljust(8, b"\0"), "big") ^ len(data)
    messy = messy_bytes(loaded.document, seed)
    loaded_messy = parse_bytes(messy, path="messy.pack.json")
    if loaded_messy.findings or loaded_messy.document != loaded.document:
        problems.append("the re-serialised document does not load as the same document: "
                        + "; ".join(f"{f.code} {f.message}" for f in loaded_messy.findings))
    else:
        second = check_loaded(loaded_messy, ctx(), NAMES)
        problems += [f"messy bytes: {p}" for p in _report_problems(second, loaded_messy.document)]
        a, b = _finding_keys(first), _finding_keys(second)
        if a != b:
            only_a = [k for k in a if k not in b][:3]
            only_b = [k for k in b if k not in a][:3]
            problems.append(f"findings depend on key order/whitespace: canonical only {only_a}; messy only {only_b}")
        non_canonical = [f for f in second.findings if f.code == "determinism.non-canonical-bytes"]
        if messy != canonical and len(non_canonical) != 1:
            problems.append(f"{len(non_canonical)} non-canonical-bytes findings for non-canonical bytes")
        if jcs_bytes(loaded_messy.document) != canonical:
            problems.append("jcs_bytes differs between the canonical and the messy parse")
    _render_all(first, sample=len(data) % 4 == 0)  # a deterministic quarter of the inputs
    _raise("check_structured", problems, started, lambda: check_structured(data))


def _reference_jcs(document: Any, canonical: bytes, problems: list[str]) -> None:
    """Differential against the reference RFC 8785 implementation, where installed
    (a dev dependency) and defined (it refuses integers beyond 2**53)."""
    try:
        import rfc8785
    except ImportError:
        return
    try:
        expected = rfc8785.dumps(document)
    except rfc8785.IntegerDomainError:
        return
    if expected != canonical:
        index = next((i for i, (x, y) in enumerate(zip(expected, canonical)) if x != y),
                     min(len(expected), len(canonical)))
        problems.append(f"jcs_bytes differs from rfc8785.dumps at byte {index}: "
                        f"{canonical[max(0, index - 20):index + 20]!r} vs {expected[max(0, index - 20):index + 20]!r}")


# --------------------------------------------------------------------------- pack

NAME_POOL = (
    b"README.md", b"readme", b"main.py", b"__init__.py", b"setup.py", b"pyproject.toml", b"package.json",
    b"test_a.py", b"a.test.js", b"x.min.js", b"yarn.lock", b"Cargo.lock", b".env", b".env.example", b"id_rsa",
    b"server.key", b".netrc", b"notes.txt", b"Makefile", b"Dockerfile", b"doc.md", b"a b.py", b"-rf", b"--help",
    b"\xc3\xbc.py", b"\xf0\x9f\x98\x80.md", b"e\xcc\x81.txt", b"\xff\xfe.py", b"a\\b.py", b"a\x1bb.py",
    b"a\nb.py", b"tab\t.py", b".hidden", b"...", b"~", b"%2e%2e", b"CON", b"aux.c", b"a" * 200, b"node_modules",
    b"vendor", b"docs", b"tests", b"src", b".git", b"build", b"__pycache__", b"mutants", b".gitignore",
)
SNIPPETS = (
    "def f(x):\n    return x\n", "\n\n", "class A:\n    pass\n", "# heading\n\ntext\n", "<|endoftext|>",
    "print('ü 😀')\n", "\r\n", "\t\tindented\n", "x = 1", "\u2028", "\x0c", "\ufeff", "\x00",
    "AWS_KEY = 'AKIAQWERTYUIOPASDFGH'\n", "token = 'ghp_" + "a1B2" * 9 + "'\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    "password = 'hunter2'  # pragma: allowlist secret\n", "if x:\n" + "    y = 1\n" * 30, "é" * 3000 + "\n",
)
IGNORE_LINES = ("*.py", "!main.py", "docs/", "#comment", "\\#x", "[", "**/b", "/src", "*", "!*", "a b.py", "")


def _name(fdp) -> bytes:
    if fdp.ConsumeIntInRange(0, 2):
        return _pick(fdp, NAME_POOL)
    raw = fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 12)).replace(b"/", b"_").replace(b"\0", b"_")
    return raw if raw not in (b"", b".", b"..") else b"_"


def _content(fdp) -> bytes:
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind <= 2:
        return "".join(_pick(fdp, SNIPPETS) for _ in range(fdp.ConsumeIntInRange(0, 12))).encode("utf-8")
    if kind == 3:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 400)).encode("utf-8")
    if kind == 4:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))  # binary or broken UTF-8, perhaps NULs
    if kind == 5:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 100)).encode("utf-16")  # BOM + NULs
    if kind == 6:
        return "naïve café\n".encode("latin-1") * fdp.ConsumeIntInRange(1, 5)
    if kind == 7:
        line = _pick(fdp, ("x", "é", "😀 ", "a\r\n", "\n", "def g():\n    pass\n\n"))
        return (line * fdp.ConsumeIntInRange(0, 20000)).encode("utf-8")  # long files, long lines
    if kind == 8:
        return b""
    return "".join(f"line {i}\n" for i in range(fdp.ConsumeIntInRange(1, 400))).encode()


def _write_tree(fdp, root: bytes) -> list[bytes]:
    written = []
    for _ in range(fdp.ConsumeIntInRange(0, 8)):
        parts = [_name(fdp) for _ in range(fdp.ConsumeIntInRange(1, 3))]
        if fdp.ConsumeIntInRange(0, 7) == 0:
            parts[-1] = b".gitignore"
            data = "\n".join(_pick(fdp, IGNORE_LINES) for _ in range(fdp.ConsumeIntInRange(1, 4))).encode()
        else:
            data = _content(fdp)
        path = os.path.join(root, *parts)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError:  # a name the file system refuses, or a file where a directory must go
            continue
        written.append(path)
    return written


def _git_commit(root: str) -> bool:
    """Commit the fuzzed tree; False when git refuses (a name it cannot store) or is missing."""
    try:
        git_commit(root)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return False
    return True


def pack_tree(data: bytes) -> None:
    """A fuzzed repository → ``build_pack`` → ``check --strict --repo``: always passes,
    but for the documented exceptions — ``budget.underflow`` alone, when every line left
    out is longer than the budget left unused (docs/packer.md), and the warnings about a
    name the tree really has (a decomposed name, two names equal under case folding:
    docs/format.md, a faithful pack carries the name git has)."""
    started = time.perf_counter()
    fdp = _provider(data)
    budget = fdp.ConsumeIntInRange(1000, 3000)
    tokenizer = _pick(fdp, ("cl100k", "o200k"))
    use_git = fdp.ConsumeIntInRange(0, 3) == 0
    with tempfile.TemporaryDirectory(prefix="packverify-fuzz-tree-") as root:
        _write_tree(fdp, os.fsencode(root))
        if use_git and not _git_commit(root):
            use_git = False
        result = build_pack(root, budget=budget, tokenizer=tokenizer, repo_name="fuzz")
        loaded = parse_bytes(result.data, path="packed.pack.json")
        report = check_loaded(loaded, Context(repo=root, strict=True), NAMES)
        problems = _report_problems(report, loaded.document)
        packed = [c.get("file_path") for c in loaded.document.get("chunks", [])]
        findings = [f for f in report.findings if not _faithful_name_warning(f, root, packed)]
        codes = [f.code for f in findings]
        unfillable = result.smallest_left_out is not None and result.smallest_left_out > result.unused
        if codes == ["budget.underflow"] and unfillable:
            pass  # no whole line left out fits in what is left: the documented exception
        elif findings or (report.verdict is not Verdict.PASS and not report.findings):
            problems.append("the reference packer's pack fails check --strict --repo: " + "; ".join(
                f"{f.code} at {f.pointer}: {f.message}" for f in findings[:5]))
        if unfillable and codes != ["budget.underflow"]:
            problems.append(f"the packer says every line left out is longer than the {result.unused} tokens "
                            f"unused, yet check does not report exactly budget.underflow: {codes}")
        if not loaded.canonical:
            problems.append("the reference packer's bytes are not canonical")
        if use_git and result.discovery.commit == ZERO_COMMIT:
            problems.append("a committed repository was packed as a working tree")
    _raise("pack", problems, started, lambda: pack_tree(data))


def _faithful_name_warning(finding, root: str, packed: list) -> bool:
    """Whether ``finding`` is a warning the format asks for about a name the tree really
    has — judged here from the file system and ``unicodedata``, not by packverify.paths:
    the name exists under ``root`` byte for byte and is not NFC, or another packed name
    equals it under case folding (after NFC)."""
    path = finding.actual
    if finding.code not in ("security.non-nfc-path", "security.case-collision") or not isinstance(path, str):
        return False
    if not os.path.lexists(os.path.join(root, path)):
        return False
    if finding.code == "security.non-nfc-path":
        return unicodedata.normalize("NFC", path) != path

    def folded(name: str) -> str:
        return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())

    return any(isinstance(other, str) and other != path and folded(other) == folded(path) for other in packed)
