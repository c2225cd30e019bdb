"""Planted defects at the edges the mutation run showed untested (docs/mutation.md).

Each case is a pack (bytes) plus how to check it (``repo``: none, a plain directory or a
git commit of :data:`FILES`; ``strict``). The golden test records every oracle's
status and reason and every finding's code, pointer, severity, message, expected and
actual for each case, so a change of any of them — a boundary moved by one, a
message that lost its numbers, ``expected`` dropped — fails it.

Cases are built here, not loaded from files, so each one says what it plants. They are
built with the strategies' reference implementation of the format (``rfc8785``, hashlib,
tiktoken's own loader) — not with :mod:`packverify.format`, the packer or
:mod:`packverify.canonical`, the code whose answers the golden file records. A document
RFC 8785 cannot write (an integer beyond 2^53) is written with ``json.dumps``, so the
integer reaches the loader as written.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import rfc8785

from packverify.strategies import (
    Excerpt,
    reference_bytes,
    reference_chunk_id,
    reference_content_hash,
    reference_lines,
    reference_pack,
    reference_spans,
    reference_token_count,
)

LONG = "x" * 250 + "\n"
FILES: dict[str, bytes] = {
    "README.md": b"# Demo\n\nSee src/.\n",
    "src/a.py": "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(15)).encode(),
    "src/b.py": "class Büro:\n    \"\"\"Ünïcode — café 😀.\"\"\"\n\n\nprint('<|endoftext|>')\nx = 1".encode(),
    "src/long.txt": ("short\n" + LONG + "end\n").encode(),
    "src/latin1.txt": b"caf\xe9\nna\xefve\n",
    "src/dir/inner.py": b"pass\n",
    "src/edge.txt": b"y" * 200 + b"\n" + b"z" * 201 + b"\n",
}
OUTSIDE = b"outside the repository\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "k", "GIT_AUTHOR_EMAIL": "k@example.invalid", "GIT_COMMITTER_NAME": "k",
           "GIT_COMMITTER_EMAIL": "k@example.invalid", "GIT_AUTHOR_DATE": "2001-02-03T04:05:06Z",
           "GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def make_repo(root: Path, *, git: bool) -> str | None:
    """Write :data:`FILES` under ``root``; with ``git``, commit them (fixed identity and
    dates, so the commit id is the same everywhere). Returns the commit id."""
    for rel, data in FILES.items():
        path = root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not git:  # a link that leaves the repository, to a file that exists
        (root.parent / f"{root.name}-outside.txt").write_bytes(OUTSIDE)
        (root / "escape.txt").symlink_to(f"../{root.name}-outside.txt")
        return None
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "fixture"]):
        subprocess.run(["git", "-c", "commit.gpgsign=false", "-C", str(root), *args], env=env, check=True,
                       capture_output=True)
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _lines(path: str) -> list[str]:
    return reference_lines(FILES[path].decode("utf-8"))


def _sel(path: str, start: int, end: int, **kwargs) -> Excerpt:
    return Excerpt(path, start, end, "".join(_lines(path)[start - 1:end]), **kwargs)


def _bytes(doc: object) -> bytes:
    try:
        return reference_bytes(doc)
    except rfc8785.CanonicalizationError:  # an integer beyond 2^53: written as it is
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def base(**kwargs) -> dict:
    """A valid pack of four chunks from :data:`FILES` (budget filled exactly)."""
    selections = kwargs.pop("selections", None) or [
        _sel("README.md", 1, 3, language="markdown"),
        _sel("src/a.py", 1, 10, language="python"),
        _sel("src/a.py", 11, 20, language="python"),
        _sel("src/b.py", 1, 6, language="python"),
    ]
    tokenizer = kwargs.setdefault("tokenizer", "cl100k")
    actual = sum(reference_token_count(tokenizer, s.content) for s in selections)
    kwargs.setdefault("target_budget", 1000)
    kwargs.setdefault("total_tokens", actual)
    kwargs.setdefault("total_files", 12)
    kwargs.setdefault("total_chunks", 40)
    kwargs.setdefault("language_distribution", {"markdown": 1, "python": 2})
    kwargs.setdefault("repo_path", ".")
    return reference_pack(selections, **kwargs)


def _fill(doc: dict) -> dict:
    """Make budget figures agree with the chunks again (so only the planted defect fires)."""
    total = sum(c["tokens"] for c in doc["chunks"] if isinstance(c, dict) and isinstance(c.get("tokens"), int))
    info = doc["budget_info"]
    info["actual_tokens"] = total
    info["target_budget"] = max(1000, total)
    info["utilization"] = total / info["target_budget"]
    doc["statistics"]["total_tokens"] = total
    return doc


def _rehash(doc: dict) -> dict:
    for c in doc["chunks"]:
        if isinstance(c, dict) and isinstance(c.get("content"), str):
            c["content_hash"] = reference_content_hash(c["content"])
        if isinstance(c, dict) and all(isinstance(c.get(k), int) for k in ("start_line", "end_line")) \
                and isinstance(c.get("file_path"), str):
            c["id"] = reference_chunk_id(c["file_path"], c["start_line"], c["end_line"])
    doc.pop("manifest_digest", None)
    return doc


def _edit(change: Callable[[dict], object], **kwargs) -> dict:
    doc = copy.deepcopy(base(**kwargs))
    change(doc)
    return doc


def _chunk(path: str, start: int, end: int, *, content: str | None = None, tokens: int = 1, mode: str | None = None,
           **extra) -> dict:
    text = "".join(_lines(path)[start - 1:end]) if content is None else content
    out = {"id": reference_chunk_id(path, start, end), "file_path": path, "start_line": start, "end_line": end,
           "tokens": tokens, "content_hash": reference_content_hash(text), "content": text}
    if mode is not None:
        out["selected_mode"] = mode
    out.update(extra)
    return out


def _with_chunks(chunks: list, **kwargs) -> dict:
    doc = copy.deepcopy(base(**kwargs))
    doc["chunks"] = chunks
    doc.pop("manifest_digest", None)
    doc.pop("body_spans", None)
    return doc


AWS = "AKIAQWERTYUIOPASDFGH"
GITHUB = "ghp_" + "a1B2c3D4" * 4 + "e5F6"


def cases() -> dict[str, tuple[bytes, dict]]:
    """name → (pack bytes, {"repo": None | "tree" | "git", "strict": bool})."""
    docs: dict[str, tuple[object, dict]] = {}

    def add(name: str, doc: object, **options) -> None:
        docs[name] = (doc, options)

    # budget ------------------------------------------------------------------------
    add("budget-overflow-by-one", _edit(lambda d: d["budget_info"].update(actual_tokens=1001)))

    def chunks_over(d):  # claims fit exactly, the chunks do not
        d["chunks"][0]["tokens"] += 1000 - d["budget_info"]["actual_tokens"] + 5
        d["budget_info"].update(actual_tokens=1000, utilization=1.0)
    add("budget-chunks-sum-over-target-actual-at-target", _edit(chunks_over))

    def sum_at_target(d):  # the chunks sum to the target exactly: no overflow, only a sum mismatch
        d["chunks"][0]["tokens"] += 1000 - d["budget_info"]["actual_tokens"]
    add("budget-chunks-sum-equal-to-target", _edit(sum_at_target))
    add("budget-target-one", _edit(lambda d: d["budget_info"].update(target_budget=1, utilization=0.5)))
    add("budget-target-zero", _edit(lambda d: d["budget_info"].update(target_budget=0, utilization=0.0)))

    def underflow(allowed):
        def change(d):
            d["statistics"]["total_tokens"] = d["budget_info"]["target_budget"] = 1000
            d["budget_info"]["actual_tokens"] = sum(c["tokens"] for c in d["chunks"])
            d["budget_info"]["utilization"] = d["budget_info"]["actual_tokens"] / 1000
            if allowed is not None:
                d["budget_info"]["underflow_allowed"] = allowed
        return change
    add("budget-underflow-default", _edit(underflow(None)))
    add("budget-underflow-allowed-zero", _edit(underflow(0)))

    def near_full(allowed):
        def change(d):
            d["chunks"][0]["tokens"] += 999 - d["budget_info"]["actual_tokens"]  # 999 of 1000: 0.1% short
            d["budget_info"].update(actual_tokens=999, target_budget=1000, utilization=0.999)
            d["statistics"]["total_tokens"] = 5000
            if allowed is not None:
                d["budget_info"]["underflow_allowed"] = allowed
        return change
    add("budget-near-full-default-allowance", _edit(near_full(None)))
    add("budget-near-full-no-allowance", _edit(near_full(0)))
    add("budget-no-total-tokens", _edit(lambda d: (d["statistics"].pop("total_tokens"),
                                                    d["budget_info"].update(target_budget=5000, utilization=0.1))))
    add("budget-utilization-at-tolerance", _with_chunks([], target_budget=1000, total_tokens=0) | {
        "budget_info": {"target_budget": 1000, "actual_tokens": 0, "utilization": 1e-9}})
    add("budget-utilization-over-tolerance", _with_chunks([], target_budget=1000, total_tokens=0) | {
        "budget_info": {"target_budget": 1000, "actual_tokens": 0, "utilization": 1.5e-9}})
    add("budget-target-missing", _edit(lambda d: d["budget_info"].pop("target_budget")))
    add("budget-actual-missing", _edit(lambda d: d["budget_info"].pop("actual_tokens")))

    # stats -------------------------------------------------------------------------
    add("stats-two-files-one-language", _edit(lambda d: d["statistics"].update(
        language_distribution={"markdown": 1, "python": 1})))
    add("stats-language-not-listed", _edit(lambda d: d["statistics"].update(language_distribution={"markdown": 1})))
    add("stats-distribution-over-total-files", _edit(lambda d: d["statistics"].update(
        total_files=3, language_distribution={"markdown": 1, "python": 2, "text": 1})))
    add("stats-totals-below-selection", _edit(lambda d: d["statistics"].update(
        total_files=2, total_chunks=3, total_tokens=10)))
    add("stats-missing", _edit(lambda d: d.pop("statistics")))
    add("stats-chunks-not-an-array", _edit(lambda d: d.update(chunks={"0": d["chunks"][0]})))

    # overlap -----------------------------------------------------------------------
    add("overlap-shared-boundary-line", _with_chunks([_chunk("src/a.py", 1, 5), _chunk("src/a.py", 5, 8)]))
    add("overlap-reach-index", _with_chunks([_chunk("src/a.py", 1, 10), _chunk("src/a.py", 2, 10),
                                             _chunk("src/a.py", 5, 6)]))
    add("overlap-after-chunk-without-lines", _with_chunks([
        {k: v for k, v in _chunk("README.md", 1, 3).items() if k != "start_line"},
        _chunk("src/a.py", 1, 4), _chunk("src/a.py", 3, 6)]))
    add("overlap-after-inverted-range", _with_chunks([
        dict(_chunk("README.md", 1, 3), start_line=3, end_line=1), _chunk("src/a.py", 1, 4),
        _chunk("src/a.py", 3, 6), dict(_chunk("src/a.py", 7, 8), id=reference_chunk_id("src/a.py", 1, 4))]))
    add("overlap-line-count", _with_chunks([_chunk("src/a.py", 1, 3, content="a\nb\n"),
                                           _chunk("src/b.py", 1, 2, content="x", mode="summary")]))

    # determinism -------------------------------------------------------------------
    a1, a2, b1 = _chunk("src/a.py", 1, 2), _chunk("src/a.py", 3, 4), _chunk("src/b.py", 1, 1)
    add("determinism-two-inversions", _with_chunks([a2, a1, b1, dict(_chunk("README.md", 1, 1))]))
    add("determinism-tie-broken-by-id", _with_chunks([dict(a1, id="zz"), dict(a1, id="aa")]))
    add("determinism-missing-id-sorts-first", _with_chunks([dict(a1, id="A"), {k: v for k, v in a1.items()
                                                                                 if k != "id"}]))
    add("determinism-exact-duplicate-is-in-order", _with_chunks([a1, a1, b1]))
    add("determinism-chunk-without-start-line", _with_chunks([a1, {k: v for k, v in a2.items() if k != "start_line"},
                                                               b1]))
    add("determinism-unstable-id-after-incomplete-chunk", _with_chunks([
        {k: v for k, v in a1.items() if k != "file_path"}, dict(a2, id="not-canonical")]))
    pretty = json.dumps(base(), indent=1).encode()
    add("determinism-pretty-declared", pretty)
    undeclared = base()
    del undeclared["metadata"]["serialization"]
    add("determinism-pretty-undeclared", json.dumps(undeclared, indent=1).encode())

    # integrity ---------------------------------------------------------------------
    no_content = [{k: v for k, v in c.items() if k != "content"} for c in base()["chunks"]]
    add("integrity-no-content-no-digest", _with_chunks(copy.deepcopy(no_content)))
    add("integrity-no-content-with-digest", _edit(lambda d: d.update(
        chunks=copy.deepcopy(no_content), manifest_digest="0" * 64)))
    add("integrity-no-content-with-spans", _edit(lambda d: d.update(
        chunks=copy.deepcopy(no_content), body_spans=[]), body_spans=True))
    add("integrity-hash-after-chunk-without-content", _with_chunks([
        {k: v for k, v in a1.items() if k != "content"}, dict(a2, content_hash="0" * 64),
        {k: v for k, v in b1.items() if k != "content_hash"}]))
    add("integrity-manifest-mismatch", _edit(lambda d: d.update(manifest_digest="f" * 64)))
    add("integrity-manifest-needs-every-field", _edit(lambda d: (d["chunks"][1].pop("tokens"),
                                                                  d.update(manifest_digest="f" * 64))))

    def spans(d):
        s = d["body_spans"]
        s[0]["chunk_id"] = "other"
        del s[1]["start"]
        s[2]["end"] = s[2]["start"] + 3
        s.append({"chunk_id": "extra", "start": 10**6, "end": 10**6})
    add("integrity-body-spans", _edit(spans, body_spans=True))

    def empty_span(d):  # an empty summary's span is [s, s): valid
        d["chunks"][0].update(selected_mode="summary", content="", tokens=0)
        _rehash(d)
        _fill(d)
        d["statistics"]["total_tokens"] = d["budget_info"]["actual_tokens"]
        d["body_spans"] = reference_spans(d["chunks"])
    add("integrity-empty-span", _edit(empty_span, body_spans=True))
    add("integrity-span-for-non-object-chunk", _edit(lambda d: d["chunks"].__setitem__(1, "not a chunk"),
                                                     body_spans=True))
    add("integrity-span-after-non-object-span", _edit(lambda d: (d["body_spans"].__setitem__(0, "x"),
                                                                  d["body_spans"][2].update(chunk_id="other")),
                                                       body_spans=True))
    add("integrity-inverted-span", _edit(lambda d: d["body_spans"][1].update(end=d["body_spans"][1]["start"] - 1),
                                         body_spans=True))

    # tokens ------------------------------------------------------------------------
    add("tokens-not-recounted", _edit(lambda d: d["chunks"][1].pop("content")))
    add("tokens-real-overflow", _edit(lambda d: (d["chunks"][0].update(tokens=1), d["chunks"][1].pop("tokens"),
                                                 d["budget_info"].update(target_budget=20))))
    add("tokens-no-name", _edit(lambda d: d["tokenizer_info"].pop("name")))
    add("tokens-unknown-name", _edit(lambda d: d["tokenizer_info"].update(name="p50k")))
    add("tokens-no-content", _with_chunks(copy.deepcopy(no_content)))

    # security ----------------------------------------------------------------------
    paths = ["/a//b.py", "/a/", "src/\x7f.py", "src/\x80.py", "src/\x9f.py", "src/\xa0.py", "\\abs.py", "C:/x.py", "a/../b.py",
             "a/./b.py", "a//b.py", "a/b/", ".env", ".env.example", ".env.local", "id_ed25519", ".netrc",
             "home/.aws/credentials", ".aws/credentials", "keys/Deploy.KEY", "id_rsa.pub", "x.p12.pub",
             "certs/site.tar.pfx", "src/a.py"]
    add("security-paths", _with_chunks([_chunk("src/a.py", 1, 1, file_path=p) for p in paths]))
    secret_chunks = [
        _chunk("src/a.py", 1, 2, content=f"{AWS} = 1\nx = '{AWS}'\n"),
        _chunk("src/a.py", 3, 5, content=f"\nimport os\ntoken = '{GITHUB}'"),
        {k: v for k, v in _chunk("src/b.py", 1, 3, content=f"a\nb\nkey = '{AWS}'\n").items() if k != "start_line"},
        _chunk("src/c.py", 1, 1, content=f"k = '{AWS}'  # pragma: allowlist secret\n"),
        _chunk("src/d.py", 1, 1, content="id = 'AKIAIOSFODNN7EXAMPLE'\n"),
        _chunk("src/e.py", 1, 1, content=f"last = '{GITHUB}'"),
    ]
    add("security-secrets", _with_chunks(secret_chunks))
    add("security-secret-at-offset-zero", _with_chunks([_chunk("src/a.py", 1, 1, content=f"{AWS}\n")]))

    # schema: one wrong type of every kind --------------------------------------------
    def wrong_types(d):
        d["budget_info"]["target_budget"] = None
        d["budget_info"]["utilization"] = True
        d["chunks"][0]["file_path"] = 7
        d["chunks"][0]["start_line"] = 1.5
        d["chunks"][1]["tokens"] = [1]
        d["chunks"][1]["content"] = {"a": 1}
        d["metadata"]["version"] = 1.0e21
    add("schema-wrong-types", _edit(wrong_types))

    def every_kind(d):
        c0, c1 = d["chunks"][0], d["chunks"][1]
        c0.update(selected_mode="partial", chunk_type="blob", content_hash="A" * 64, start_line=0, id="",
                  importance_score=1.5, file_path="")
        c1.update(tokens="x" * 300, language=["python"], **{"x-ok": 1, "bad/key~": 2})
        d["metadata"].update(version="1.0", created_at="yesterday", chunk_id_scheme="other")
        d["budget_info"].update(utilization=2, underflow_allowed=-0.5)
        d["statistics"]["language_distribution"]["text"] = -1
        del d["tokenizer_info"]["version"]
        d["unknown"] = {"deep": [1, 2]}
    add("schema-every-kind", _edit(every_kind))
    def message_edges(d):  # values whose repr is exactly one past the 60/200-character cut
        d["chunks"][0]["chunk_type"] = "c" * 59
        d["chunks"][1]["tokens"] = int("9" * 61)
        d["metadata"]["created_at"] = "x" * 199
    add("schema-message-edges", _edit(message_edges))
    def enum_containers(d):  # an enum keyword failing on an object and an array: actual is the JSON type
        d["chunks"][0]["selected_mode"] = {"mode": ["full"]}
        d["chunks"][1]["selected_mode"] = ["full"]
    add("schema-enum-on-containers", _edit(enum_containers))
    add("schema-long-string-instance", _edit(lambda d: d["metadata"].update(version="9" * 250)))

    # source ------------------------------------------------------------------------
    def source_defects(d):
        d["chunks"] = [
            _chunk("README.md", 1, 3, content="# Demo!\n\nSee src/.\n"),
            _chunk("src/long.txt", 1, 3, content="short\n" + "y" * 250 + "\nend\n"),
            _chunk("src/latin1.txt", 1, 2, content="cafe\nnaive\n"),
            _chunk("src/a.py", 29, 31),
            _chunk("src/missing.py", 1, 1, content="x\n"),
            _chunk("../outside.py", 1, 1, content="x\n"),
            _chunk("/etc/hostname", 1, 1, content="x\n"),
            _chunk("a\nb.py", 1, 1, content="x\n"),
            _chunk("a\x00b.py", 1, 1, content="x\n"),
            _chunk("escape.txt", 1, 1, content=OUTSIDE.decode()),
            _chunk("README.md", 4, 4, content="x\n"),
            _chunk("src/a.py", 1, 1, content="wrong\n"),
            _chunk("src/a.py", 2, 3, content="    return x + 0\ndef f1(x):"),
            _chunk("src/edge.txt", 1, 1, content="q\n"),
            _chunk("src/edge.txt", 2, 2, content="q\n"),
            _chunk("src/b.py", 1, 2, content="other\n", mode="summary"),
            {k: v for k, v in _chunk("src/b.py", 3, 4).items() if k != "end_line"},
            {k: v for k, v in _chunk("src/b.py", 5, 6, content="zz\n").items() if k != "start_line"},
            {k: v for k, v in _chunk("src/a.py", 1, 1).items() if k != "content"},
        ]
    add("source-tree", _edit(source_defects), repo="tree")
    add("source-git", _edit(source_defects), repo="git")
    add("source-directory", _with_chunks([_chunk("src/dir", 1, 1, content="x\n")]), repo="tree")
    add("source-git-directory", _with_chunks([_chunk("src/dir", 1, 1, content="x\n")]), repo="git")
    add("source-commit-not-found", _edit(lambda d: d["metadata"]["repo_info"].update(commit="a" * 40)), repo="git")
    add("source-working-tree", _edit(lambda d: d["metadata"]["repo_info"].update(commit="a" * 40)), repo="tree")
    add("source-only-summaries", _with_chunks([_chunk("src/a.py", 1, 2, mode="summary")]), repo="tree")
    add("source-full-chunk-without-content", _with_chunks([{k: v for k, v in a1.items() if k != "content"},
                                                            _chunk("src/b.py", 1, 1, mode="signature")]), repo="tree")

    # canonical bytes whose key order differs between UTF-8 and UTF-16 (keys beyond the BMP)
    add("canonical-non-bmp-keys", _edit(lambda d: d["statistics"].update(
        language_distribution={"\uffff": 1, "\U00010000": 1, "markdown": 1, "python": 2}, total_files=12)))

    out: dict[str, tuple[bytes, dict]] = {}
    for name, (doc, options) in docs.items():
        out[name] = (doc if isinstance(doc, bytes) else _bytes(doc), options)

    # parse -------------------------------------------------------------------------
    canonical = reference_bytes(base())
    big = "1" + "0" * 3999
    out.update({
        "parse-byte-order-mark": (b"\xef\xbb\xbf" + canonical, {}),
        "parse-invalid-utf8-line-3": (b'{\n"a":\n"\xff"}', {}),
        "parse-too-deep-slow-path": (b"[" * 3000 + b"]" * 3000, {}),
        # no float anywhere, so only the big integer or the non-BMP keys can call for the slow comparison
        "canonical-int-beyond-2-53-alone": (b'{"a":9007199254740993}', {}),
        "canonical-non-bmp-keys-alone": ('{"\U00010000":2,"\uffff":1}'.encode(), {}),
        "parse-too-deep-fast-path": (b'{"a":' + b"[" * 200 + b"]" * 200 + b"}", {}),
        "parse-duplicates-among-unique-keys": (b'{"a":1,"b":2,"a":3,"c":{"d":1,"d":2,"e":3}}', {}),
        "parse-nan-and-infinity": (b'{"a":NaN,"b":[Infinity,-Infinity]}', {}),
        "parse-int-4000-digits": (b'{"a":' + big.encode() + b"}", {}),
        "parse-int-4001-digits": (b'{"a":' + big.encode() + b"0}", {}),
        "parse-negative-int-3999-digits": (b'{"a":-' + big[:-1].encode() + b"}", {}),
        "parse-negative-int-4000-digits": (b'{"a":-' + big.encode() + b"}", {}),
        "parse-float-4000-chars": (b'{"a":1.' + b"0" * 3998 + b"}", {}),
        "parse-float-4001-chars": (b'{"a":1.' + b"0" * 3999 + b"}", {}),
        "parse-float-overflow": (b'{"a":1e400,"b":-1e400,"c":' + big.encode() + b".5}", {}),
        "parse-lone-surrogates": (b'{"\\ud800":1,"b":"x\\udc00"}', {}),
        "parse-top-level-types": (b'"text"', {}),
        "parse-top-level-number": (b"1.5", {}),
        "parse-top-level-true": (b"true", {}),
        "parse-top-level-null": (b"null", {}),
        "parse-top-level-array": (b"[1]", {}),
        "parse-top-level-false": (b"false", {}),
        # an integer a double cannot hold exactly, written out: its canonical form is the double's
        "canonical-int-beyond-2-53": (canonical.replace(b'"target_budget":1000', b'"target_budget":9007199254740993'),
                                      {}),
        "canonical-float-written-long": (canonical.replace(b'"target_budget":1000', b'"target_budget":1000.0'), {}),
    })
    return out


def digest_rows() -> list[tuple]:
    """Rows whose canonical order differs under every wrong sort key."""
    return [
        ("id-b", "a.py", 1, 10, 5, "0" * 64),
        ("id-a", "a.py", 1, 10, 5, "1" * 64),
        ("id-c", "a.py", 2, 5, 1, "2" * 64),
        ("id-d", "a.py", 1, 3, 9, "3" * 64),
    ]


def digest_reference(tokenizer: str, rows: list[tuple]) -> str:
    ordered = sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))
    body = b'{"chunks":' + json.dumps([list(r) for r in ordered], separators=(",", ":")).encode() + \
        b',"tokenizer":' + json.dumps(tokenizer).encode() + b"}"
    return hashlib.sha256(body).hexdigest()


__all__ = ["FILES", "cases", "digest_reference", "digest_rows", "make_repo"]
