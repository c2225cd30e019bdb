#!/usr/bin/env python3
"""Write the seed corpora under tests/fuzzing/corpus/ (deterministic; re-run after a
format change and commit the result):

    .venv/bin/python tests/fuzzing/make_corpus.py

* ``check_raw/`` and ``check_structured/``: small packs cut from the fuzz targets'
  fixture repository (so the ``source`` oracle has something to compare) — valid
  ones named ``valid-*`` and invalid ones named after the code they must raise, one
  (at least) for every finding code that any bytes can raise
  (``tests/fuzzing/test_fuzzers.py`` runs the engine over them and collects the codes
  that fire). ``parse.too-large.json`` is one byte over :data:`MAX_SEED_BYTES`, the
  limit the corpus is read with there;
* ``check_structured/`` also: ``fdp-*`` byte strings for the FuzzedDataProvider path;
* ``pack/``: ``fdp-*`` byte strings (each one a repository tree);
* ``read_<format>/``: the real tools' recorded outputs of that format
  (``rec-<tool>-<file>``, from tests/data/foreign/), their halves (``rec-…-half``: a
  truncated pack), documents rendered by ``packverify.fuzz.documents`` from fixed files
  (``doc-*``) — all read as they are — and ``fdp-*`` byte strings for the structure-aware
  path; ``convert/``: ``fdp-*`` only;
* ``read_<format>.dict`` and ``convert.dict``: the format's structure tokens (tags,
  entities, fences, separators, header keys) as libFuzzer dictionaries;
* ``<target>_fuzzer.py`` for every target (one template: ClusterFuzzLite builds each).

Files named ``regress-*`` are crash reproducers found by fuzzing and ``merged-*`` seeds
that ``packverify fuzz merge`` added for their coverage: this script never writes or
deletes them.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import rfc8785  # noqa: E402 - after the path fix

from packverify.fuzz.targets import FIXTURE_FILES  # noqa: E402
from packverify.strategies import (  # noqa: E402
    Excerpt,
    reference_bytes,
    reference_chunk_id,
    reference_content_hash,
    reference_lines,
    reference_pack,
    reference_token_count,
)

CORPUS = HERE / "corpus"
MAX_SEED_BYTES = 8192  # every seed but parse.too-large.json is at most this long
AWS_KEY_ID = "AKIA" + "QWERTYUIOPASDFGH"  # the shape of an AWS access key id (not a real one)


def _selections() -> list[Excerpt]:
    out = []
    for path in ("README.md", "src/app.py", "src/büro.py", "src/crlf.txt", "docs/a b~c.md"):
        lines = reference_lines(FIXTURE_FILES[path])
        end = min(len(lines), 6)
        out.append(Excerpt(path, 1, end, "".join(lines[:end]), language="python" if path.endswith(".py") else None))
    return out


def valid(**kwargs) -> dict:
    """A valid pack of the fixture's files, built by the strategies' reference implementation."""
    selections = kwargs.pop("selections", None) or _selections()
    tokenizer = kwargs.setdefault("tokenizer", "cl100k")
    actual = sum(reference_token_count(tokenizer, s.content) for s in selections)
    kwargs.setdefault("target_budget", 1000)
    kwargs.setdefault("total_tokens", actual)
    kwargs.setdefault("total_files", len(FIXTURE_FILES))
    kwargs.setdefault("total_chunks", 20)
    kwargs.setdefault("repo_path", ".")
    return reference_pack(selections, **kwargs)


def _bytes(doc: dict) -> bytes:
    """Canonical bytes; a document RFC 8785 cannot write (an integer beyond 2^53) as json.dumps writes it."""
    try:
        return reference_bytes(doc)
    except rfc8785.CanonicalizationError:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _edit(change, **kwargs) -> dict:
    doc = copy.deepcopy(valid(**kwargs))
    change(doc)
    return doc


def _set(path: tuple, value) -> callable:
    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _rehash(doc: dict, index: int) -> None:
    chunk = doc["chunks"][index]
    chunk["content_hash"] = reference_content_hash(chunk["content"])


def _secret(doc: dict) -> None:
    doc["chunks"][0]["content"] = f"# Demo\naws_key = '{AWS_KEY_ID}'\nSee src/.\n"
    _rehash(doc, 0)


def _beyond_the_end(doc: dict) -> None:  # README.md has three lines
    doc["chunks"].insert(1, {"id": "", "file_path": "README.md", "start_line": 4, "end_line": 4, "tokens": 1,
                             "content_hash": reference_content_hash("x\n"), "content": "x\n", "selected_mode": "full"})


def _claims_fit_real_counts_do_not(doc: dict) -> None:
    big = "word " * 1100 + "\n"
    doc["chunks"].append({"id": "", "file_path": "zz/big.txt", "start_line": 1, "end_line": 1, "tokens": 10,
                          "content_hash": reference_content_hash(big), "content": big, "selected_mode": "full"})
    claimed = sum(c["tokens"] for c in doc["chunks"])
    doc["budget_info"].update(actual_tokens=claimed, utilization=claimed / 1000)
    doc["statistics"].update(total_tokens=claimed, total_chunks=20)
    doc.pop("manifest_digest")


def packs() -> dict[str, bytes]:
    v = valid()
    out: dict[str, bytes] = {
        "valid-cl100k.json": reference_bytes(v),
        "valid-o200k.json": reference_bytes(valid(tokenizer="o200k")),
        "valid-body-spans.json": reference_bytes(valid(body_spans=True)),
        "valid-empty.json": reference_bytes(reference_pack([], target_budget=1000, total_tokens=0, repo_path=".")),
        "valid-signature.json": reference_bytes(valid(selections=[Excerpt("src/app.py", 1, 24, "def f0(x): ...\n",
                                                                          mode="signature")])),
        "valid-pretty.json": json.dumps(v, indent=2, ensure_ascii=False).encode(),
        "valid-ascii-escaped.json": json.dumps(v, ensure_ascii=True, sort_keys=True).encode(),
    }
    edits = {
        "budget.overflow": _set(("budget_info", "actual_tokens"), 1001),
        "budget.utilization-mismatch": _set(("budget_info", "utilization"), 0.5),
        "budget.underflow": _set(("statistics", "total_tokens"), 100000),
        "tokens.mismatch": _set(("chunks", 0, "tokens"), 3),
        "integrity.content-hash-mismatch": _set(("chunks", 0, "content_hash"), "0" * 64),
        "integrity.manifest-digest-mismatch": _set(("manifest_digest",), "f" * 64),
        "overlap.shared-lines": lambda d: d["chunks"].insert(1, dict(d["chunks"][0], id="dup")),
        "overlap.duplicate-id": _set(("chunks", 1, "id"), v["chunks"][0]["id"]),
        "overlap.inverted-range": _set(("chunks", 0, "end_line"), 0),
        "overlap.line-count-mismatch": _set(("chunks", 0, "end_line"), 2),
        "determinism.chunk-order": lambda d: d["chunks"].reverse(),
        "determinism.unstable-id": _set(("chunks", 0, "id"), "c1"),
        "stats.total-chunks": _set(("statistics", "total_chunks"), 1),
        "stats.language-distribution": _set(("statistics", "language_distribution"), {"python": 0}),
        "security.absolute-path": _set(("chunks", 0, "file_path"), "/etc/README.md"),
        "security.path-traversal": _set(("chunks", 0, "file_path"), "../README.md"),
        "security.control-character": _set(("chunks", 0, "file_path"), "README\x1b[2K.md"),
        "security.secret-file": _set(("chunks", 0, "file_path"), ".env"),
        "source.content-mismatch": lambda d: (d["chunks"][0].update(content="# Demo!\n\nSee src/.\n"), _rehash(d, 0)),
        "source.file-missing": _set(("chunks", 0, "file_path"), "README.rst"),
        "source.working-tree": _set(("metadata", "repo_info", "commit"), "a" * 40),  # the fixture is no git repo
        "schema.type": _set(("budget_info", "target_budget"), "1000"),
        "schema.additional-property": _set(("chunks", 0, "extra"), True),
        "schema.required": lambda d: d.pop("statistics"),
        "schema.range": _set(("budget_info", "target_budget"), 2**53),
        "schema.enum": _set(("chunks", 0, "selected_mode"), "partial"),
        "schema.format": _set(("metadata", "created_at"), "yesterday"),
        "schema.length": _set(("metadata", "generator", "name"), ""),
        "schema.pattern": _set(("metadata", "version"), "1.0"),
        "stats.total-files": _set(("statistics", "total_files"), 1),
        "tokens.not-recounted": lambda d: d["chunks"][0].pop("content"),
        "tokens.real-overflow": _claims_fit_real_counts_do_not,
        "security.non-normalized-path": _set(("chunks", 0, "file_path"), "docs//a b~c.md"),
        "security.bidi-control": _set(("chunks", 2, "file_path"), "src/app\u202e.py"),
        "security.invisible-character": _set(("chunks", 0, "file_path"), "READ\u200bME.md"),
        "security.git-internal-path": _set(("chunks", 0, "file_path"), ".git/config"),
        "security.non-nfc-path": _set(("chunks", 3, "file_path"), "src/bu\u0308ro.py"),  # NFD of src/büro.py
        "security.normalization-collision": _set(("chunks", 2, "file_path"), "src/bu\u0308ro.py"),
        "security.case-collision": _set(("chunks", 1, "file_path"), "readme.md"),
        "security.machine-path": _set(("metadata", "repo_info", "path"), "/home/alice/src/app"),
        "security.secret": _secret,
        "source.line-range": _beyond_the_end,
        # checked against the committed fixture (test_fuzzers.py); against the plain one it is source.working-tree
        "source.commit-not-found": _set(("metadata", "repo_info", "commit"), "b" * 40),
    }
    for code, change in edits.items():
        doc = _edit(change)
        if code not in ("determinism.unstable-id", "overlap.duplicate-id") and \
                code.startswith(("overlap", "security", "source", "tokens")):
            for chunk in doc["chunks"]:  # keep ids canonical and in order so only the intended code fires
                if isinstance(chunk.get("start_line"), int) and isinstance(chunk.get("end_line"), int):
                    chunk["id"] = reference_chunk_id(chunk["file_path"], chunk["start_line"], chunk["end_line"])
        out[f"{code}.json"] = _bytes(doc)
    spans = {
        "integrity.body-span-count": lambda d: d["body_spans"].pop(),
        "integrity.body-span-mismatch": lambda d: d["body_spans"][1].update(chunk_id="other"),
        "integrity.body-span-order": lambda d: d["body_spans"][2].update(start=0),
        "integrity.body-span-length": lambda d: d["body_spans"][-1].update(end=d["body_spans"][-1]["end"] + 1),
    }
    for code, change in spans.items():
        out[f"{code}.json"] = reference_bytes(_edit(change, body_spans=True))
    canonical = out["valid-cl100k.json"]
    out.update({
        "parse.duplicate-key.json": b'{"metadata":{},"metadata":{}}',
        "parse.non-finite-number.json": canonical.replace(b'"utilization":', b'"utilization":NaN,"x":', 1),
        "parse.byte-order-mark.json": b"\xef\xbb\xbf" + canonical,
        "parse.invalid-utf8.json": canonical.replace(b"Demo", b"D\xffmo", 1),
        "parse.too-deep.json": b"[" * 200 + b"]" * 200,
        "parse.number-out-of-range.json": canonical.replace(b'"target_budget":1000', b'"target_budget":1e400', 1),
        "parse.lone-surrogate.json": canonical.replace(b"Demo", b"\\ud800", 1),
        "parse.not-an-object.json": b"[]",
        "parse.invalid-json.json": canonical[: len(canonical) // 2],
        "parse.invalid-json-empty.json": b"",
    })
    # one byte over the limit the corpus is read with (a valid pack, padded with blanks)
    out["parse.too-large.json"] = canonical + b" " * (MAX_SEED_BYTES + 1 - len(canonical))
    assert all(len(data) <= MAX_SEED_BYTES for name, data in out.items() if name != "parse.too-large.json")
    return out


def fdp_blobs(count: int, seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    return {f"fdp-{i}": rng.randbytes(rng.choice((64, 256, 1024))) for i in range(count)}


def write(target: str, files: dict[str, bytes]) -> None:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if not old.name.startswith(("regress-", "merged-")):
            old.unlink()
    for name, data in sorted(files.items()):
        (directory / name).write_bytes(data)


# --------------------------------------------------------------------------- reader targets

FOREIGN = HERE.parent / "data" / "foreign"
# Fixed files for the doc-* seeds: every format's awkward cases in a few lines.
DOC_FILES = [
    [("README.md", "# Title\n\n```python\nx = '`'\n```\n")],
    [("src/a.py", "def f():\n    return '</file>'\n"), ("src/é日ф.md", "---\n\n## File: fake\n"),
     ("x y/a&b.txt", "&amp; <![CDATA[ ]]>\r\nno final newline")],
    [("a.py", ""), ("b/c.txt", "=" * 16 + "\nFile: fake\n" + "=" * 16 + "\n\n"), ("q'\"/`tick`", "\t indented\n")],
]
# Tokens each format's reader looks for (dictionary entries); the shared ones go everywhere.
FORMAT_TOKENS = {
    "repomix-xml": ['<file path="', '">', "</file>", "<files>", "</files>", "<repomix>", "</repomix>",
                    "<file_summary>", "</file_summary>", "<directory_structure>", "</directory_structure>",
                    "<user_provided_header>", "<instruction>", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#x",
                    "&#", ";", "<![CDATA[", "]]>", "This section contains the contents of the repository's files.",
                    "combined into a single document by Repomix.", "  "],
    "repomix-markdown": ["# File Summary", "# Directory Structure", "# Files", "## File: ", "```", "````",
                         "# Git Diffs", "# Git Logs", "# Instruction", "combined into a single document by Repomix.",
                         "comments have been removed", "line numbers have been added"],
    "repomix-plain": ["=" * 64, "=" * 16, "File: ", "File Summary", "Directory Structure", "Files",
                      "End of Codebase", "Git Diffs", "Instruction", "combined into a single document by Repomix."],
    "repomix-json": ['"fileSummary"', '"generationHeader"', '"notes"', '"directoryStructure"', '"files"',
                     '"userProvidedHeader"', '"gitDiffs"', '"instruction"', "\\u0000", "\\ud800", "\\n", ": {",
                     "Repomix"],
    "gitingest": ["Directory structure:", "└── ", "├── ", "│   ", "    ", "=" * 48, "FILE: ", "SYMLINK: ", " -> ",
                  "[Binary file]", "[Empty file]", "Error reading file", "Error processing notebook: "],
    "files-to-prompt": ["---", "\n---\n", "\n\n---\n", "./", "./src/a.py", "a.py\n---\n", "-", "--", "----",
                        "\n\n---\n./b.txt\n---\n"],
    "files-to-prompt-cxml": ["<documents>", "</documents>", '<document index="', '">', "</document>", "<source>",
                             "</source>", "<document_content>", "</document_content>"],
    "files-to-prompt-markdown": ["```", "````", "`````", "```python", "```javascript", "`", "``", "\n```\n",
                                 "a.py\n```python\n", "```text"],
    "scribe": ["### path: ", " lines: ", " mode: ", '"mode"', '"repo_path"', '"target_budget"', '"selector"',
               '"total_files"', '"effective_budget"', '"generation_time"', "\n...\n(content truncated)\n...\n",
               "(Content truncated due to token budget constraints)", "SCRIBE PERFORMANCE STATISTICS", "=" * 50],
    "scribe-stats": ["SCRIBE PERFORMANCE STATISTICS", "=" * 50, '"performance_stats"', '"finalized_pack"',
                     '"total_tokens"', '"budget_utilization"', '"overflow_tokens"', '"files_included"',
                     '"files_demoted"', "Pack written to ", "NaN", "Infinity", "1e400", "[]", "{}", "null"],
    "packrepo": ["### path: ", " lines: ", " mode: full", " mode: summary", " mode: signature", '"format_version"',
                 '"packrepo_version"', '"tokenizer"', '"cl100k_base"', '"chunks"', '"rel_path"', '"start_line"',
                 '"end_line"', '"selected_mode"', '"selected_tokens"', '"actual_tokens"', '"manifest_digest"',
                 '"body_spans"', '"target_budget"', '"mode_breakdown"', '"selected_chunks"', '"processed_files"'],
    "packverify-json": ['"metadata"', '"tokenizer_info"', '"budget_info"', '"chunks"', '"statistics"',
                        '"file_path"', '"start_line"', '"end_line"', '"content"', '"content_hash"', '"tokens"',
                        '"selected_mode"', "NaN", "1e400", "\\ud800", "{", "}", "[", "]"],
}
SHARED_TOKENS = ["\n", "\n\n", "\r\n", "\r", "\ufeff", b"\xff", b"\xc3", "\x00", "é", "日本", "😀", "<|endoftext|>"]


def _dict_entry(token: str | bytes) -> str:
    """A libFuzzer dictionary value: printable ASCII as is, everything else as \\xNN bytes."""
    data = token if isinstance(token, bytes) else token.encode("utf-8")
    out = []
    for byte in data:
        char = chr(byte)
        out.append("\\\\" if char == "\\" else '\\"' if char == '"' else char if 32 <= byte < 127
                   else f"\\x{byte:02X}")
    return '"' + "".join(out) + '"'


def dictionary(fmt: str | None) -> str:
    tokens = FORMAT_TOKENS[fmt] if fmt else sorted({t for ts in FORMAT_TOKENS.values() for t in ts})
    name = f"read_{fmt.replace('-', '_')}" if fmt else "convert"
    lines = [f"# libFuzzer dictionary for the {name} target (tests/fuzzing/{name}_fuzzer.py), written by",
             "# make_corpus.py: the format's structure tokens, then line breaks, BOM, bad UTF-8, non-ASCII."]
    for i, token in enumerate(dict.fromkeys(tokens + SHARED_TOKENS)):
        lines.append(f"{name}_{i}={_dict_entry(token)}")
    return "\n".join(lines) + "\n"


def recordings(fmt: str) -> dict[str, bytes]:
    import packverify.readers as readers

    out = {}
    for path in sorted(FOREIGN.rglob("*")):
        if not path.is_file() or path.suffix == ".sha256" or path.name == "README.md":
            continue
        raw = path.read_bytes()
        if readers.READERS[fmt].sniff(raw[:readers.HEAD_BYTES]) > 0:
            name = f"rec-{path.parent.name}-{path.name}"
            out[name] = raw
            out[f"{name}-half"] = raw[:len(raw) // 2]
    return out


def rendered(fmt: str) -> dict[str, bytes]:
    from packverify.fuzz.documents import WRITERS

    out = {}
    for n, files in enumerate(DOC_FILES):
        for k, writer in enumerate(WRITERS.get(fmt, ())):  # scribe-stats: recordings only
            text, _ = writer(files)
            out[f"doc-{n}{'-' + str(k) if k else ''}"] = text.encode("utf-8")
    return out


def passing(target: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """The seeds the target passes: libFuzzer replays every seed first and stops at a crash,
    so one known bug in a seed would stop the whole target. Inputs of an open bug belong in
    regressions/ (tests/fuzzing/test_fuzzers.py KNOWN_OPEN); the ones left out are named."""
    from packverify.fuzz import TARGETS

    entry = TARGETS[target].load()
    kept = {}
    for name, data in files.items():
        try:
            entry(data)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the input out of the seeds
            print(f"make_corpus: {target}/{name} left out: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
            continue
        kept[name] = data
    return kept


def fuzzer_source(name: str, summary: str) -> str:
    """Every standalone fuzzer file: the target's TestOneInput under atheris (one template)."""
    summary = textwrap.fill(f"{summary} (packverify.fuzz target ``{name}``).", 100)
    return f'''#!/usr/bin/env python3
"""{summary}

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/{name}_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/{name} \\
        -dict=tests/fuzzing/{name}.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/{name}/
    python tests/fuzzing/{name}_fuzzer.py artifacts/fuzz/{name}/crash-...    # replay one input

``packverify fuzz --target {name}`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["{name}"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
'''


def main() -> None:
    seeds = packs()
    write("check_raw", seeds)
    structured = {name: data for name, data in seeds.items() if not name.startswith("parse.")}
    write("check_structured", {**structured, **fdp_blobs(8, 1)})
    write("pack", fdp_blobs(12, 2))
    from packverify.fuzz import READER_FORMATS, TARGETS

    for number, fmt in enumerate(READER_FORMATS):
        name = f"read_{fmt.replace('-', '_')}"
        extra = {k: v for k, v in seeds.items() if k.startswith("valid-")} if fmt == "packverify-json" else {}
        write(name, passing(name, {**recordings(fmt), **rendered(fmt), **extra, **fdp_blobs(8, 100 + number)}))
        (HERE / f"{name}.dict").write_text(dictionary(fmt), encoding="utf-8")
    write("convert", fdp_blobs(12, 3))
    (HERE / "convert.dict").write_text(dictionary(None), encoding="utf-8")
    for target in TARGETS.values():
        (HERE / target.fuzzer).write_text(fuzzer_source(target.name, target.summary), encoding="utf-8")


if __name__ == "__main__":
    main()
