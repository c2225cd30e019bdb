#!/usr/bin/env python3
"""Write the seed corpora under tests/fuzzing/corpus/ (deterministic; re-run after a
format change and commit the result):

    .venv/bin/python tests/fuzzing/make_corpus.py

* ``check_raw/`` and ``check_structured/``: small packs cut from the fuzz targets'
  fixture repository (so the ``source`` oracle has something to compare) — valid
  ones named ``valid-*`` and invalid ones named after the code they must raise;
* ``check_structured/`` also: ``fdp-*`` byte strings for the FuzzedDataProvider path;
* ``pack/``: ``fdp-*`` byte strings (each one a repository tree).

Files named ``regress-*`` are crash reproducers found by fuzzing: this script never
writes or deletes them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from packverify.canonical import jcs_bytes  # noqa: E402 - after the path fix
from packverify.format import canonical_chunk_id, split_lines  # noqa: E402
from packverify.fuzz.targets import FIXTURE_FILES  # noqa: E402
from packverify.packer.assemble import Selection, assemble  # noqa: E402

CORPUS = HERE / "corpus"


def _selections() -> list[Selection]:
    out = []
    for path in ("README.md", "src/app.py", "src/büro.py", "src/crlf.txt", "docs/a b~c.md"):
        lines = split_lines(FIXTURE_FILES[path])
        end = min(len(lines), 6)
        out.append(Selection(path, 1, end, "".join(lines[:end]), language="python" if path.endswith(".py") else None))
    return out


def valid(**kwargs) -> dict:
    selections = kwargs.pop("selections", None) or _selections()
    tokenizer = kwargs.get("tokenizer", "cl100k")
    actual = assemble(selections, target_budget=1000, tokenizer=tokenizer)["budget_info"]["actual_tokens"]
    kwargs.setdefault("target_budget", 1000)
    kwargs.setdefault("total_tokens", actual)
    kwargs.setdefault("total_files", len(FIXTURE_FILES))
    kwargs.setdefault("total_chunks", 20)
    return assemble(selections, **kwargs)


def _edit(change) -> dict:
    doc = copy.deepcopy(valid())
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
    chunk["content_hash"] = hashlib.sha256(chunk["content"].encode()).hexdigest()


def packs() -> dict[str, bytes]:
    v = valid()
    out: dict[str, bytes] = {
        "valid-cl100k.json": jcs_bytes(v),
        "valid-o200k.json": jcs_bytes(valid(tokenizer="o200k")),
        "valid-body-spans.json": jcs_bytes(valid(body_spans=True)),
        "valid-empty.json": jcs_bytes(assemble([], target_budget=1000, total_tokens=0)),
        "valid-signature.json": jcs_bytes(valid(selections=[Selection("src/app.py", 1, 24, "def f0(x): ...\n",
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
    }
    for code, change in edits.items():
        doc = _edit(change)
        if code not in ("determinism.unstable-id", "overlap.duplicate-id") and \
                code.startswith(("overlap", "security", "source")):
            for chunk in doc["chunks"]:  # keep ids canonical so only the intended code fires
                if isinstance(chunk.get("start_line"), int) and isinstance(chunk.get("end_line"), int):
                    chunk["id"] = canonical_chunk_id(chunk["file_path"], chunk["start_line"], chunk["end_line"])
        out[f"{code}.json"] = jcs_bytes(doc)
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
    return out


def fdp_blobs(count: int, seed: int) -> dict[str, bytes]:
    rng = random.Random(seed)
    return {f"fdp-{i}": rng.randbytes(rng.choice((64, 256, 1024))) for i in range(count)}


def write(target: str, files: dict[str, bytes]) -> None:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if not old.name.startswith("regress-"):
            old.unlink()
    for name, data in sorted(files.items()):
        (directory / name).write_bytes(data)


def main() -> None:
    seeds = packs()
    write("check_raw", seeds)
    structured = {name: data for name, data in seeds.items() if not name.startswith("parse.")}
    write("check_structured", {**structured, **fdp_blobs(8, 1)})
    write("pack", fdp_blobs(12, 2))


if __name__ == "__main__":
    main()
