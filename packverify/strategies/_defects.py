"""One injector per finding code that can be planted in a pack document or its bytes
(:data:`INJECTORS`), the codes that have none and why (:data:`EXCLUDED`), and
:func:`defects`: a valid pack with exactly one planted defect.

Each injector edits a deep copy of a valid pack and refreshes every derived field
(:mod:`packverify.strategies._edits`), so only its code — plus the documented
unavoidable couplings, ``Injector.couples`` — is reported (docs/properties.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st

from packverify.strategies._byte_defects import (
    bytes_defect,
    in_repo_path,
    non_canonical,
    replace_number,
    too_deep,
    truncate,
)
from packverify.strategies._edits import (
    choose,
    digest_of,
    edit_content,
    files_per_language,
    grow,
    is_full,
    new_chunk,
    pick_chunk,
    planted,
    refresh,
    rename_file,
    set_at,
    underflow_allowed_of,
)
from packverify.strategies._injector import Defect, Injector, Plant
from packverify.strategies._packs import packs
from packverify.strategies._reference import (
    reference_content_hash,
    reference_line_count,
    reference_lines,
    reference_spans,
)
from packverify.strategies._repos import aws_like_key
from packverify.strategies._source_defects import SOURCE_INJECTORS
from packverify.strategies._validate import check_argument

_MAX_UTILIZATION = 1.005  # docs/format.md §budget_info: utilization is a number 0 … 1.005


# -- schema: one violation in a field no other oracle reads


def _schema_type(draw, doc):
    keys = choose(draw, [("tokenizer_info", "version"), ("metadata", "repo_info", "path"),
                         ("metadata", "generator", "name")])
    value = choose(draw, [1, True, None, [], {}])
    set_at(doc, keys, value)
    return planted(doc, f"{'/'.join(keys)} = {value!r}")


def _schema_required(draw, doc):
    keys = choose(draw, [("tokenizer_info", "version"), ("metadata", "created_at"), ("metadata", "repo_info", "path"),
                         ("metadata", "version"), ("metadata", "generator", "version")])
    node = doc
    for key in keys[:-1]:
        node = node[key]
    del node[keys[-1]]
    return planted(doc, f"deleted {'/'.join(keys)}")


def _schema_additional(draw, doc):
    places: list[tuple] = [(), ("metadata",), ("tokenizer_info",), ("budget_info",), ("statistics",),
                           ("metadata", "repo_info")]
    places += [("chunks", i) for i in range(len(doc["chunks"]))]
    place = choose(draw, places)
    name = choose(draw, ["conent", "tokns", "extra", "ünknown", "x_note"])
    node = doc
    for key in place:
        node = node[key]
    node[name] = choose(draw, [0, "x", None])
    return planted(doc, f"added {name!r} at /{'/'.join(map(str, place))}")


def _schema_pattern(draw, doc):
    keys, value = choose(draw, [(("metadata", "version"), "1.0"), (("metadata", "version"), "v1.0.0"),
                                (("metadata", "repo_info", "commit"), "0" * 39),
                                (("metadata", "repo_info", "commit"), "A" * 40)])
    set_at(doc, keys, value)
    return planted(doc, f"{'/'.join(keys)} = {value!r}")


def _schema_format(draw, doc):
    value = choose(draw, ["yesterday", "2024-13-01T00:00:00Z", "1970-01-01", "2021-02-03T25:00:00Z"])
    doc["metadata"]["created_at"] = value
    return planted(doc, f"created_at = {value!r}")


def _schema_range(draw, doc):
    options: list[tuple[tuple, Any]] = [(("tokenizer_info", "vocab_size"), 999), (("statistics", "ignored_files"), -1),
                                        (("budget_info", "underflow_allowed"), 0.01)]
    options += [(("chunks", i, "importance_score"), 1.5) for i in range(len(doc["chunks"]))]
    keys, value = choose(draw, options)
    set_at(doc, keys, value)
    return planted(doc, f"{'/'.join(map(str, keys))} = {value!r}")


def _schema_enum(draw, doc):
    options: list[tuple[tuple, Any]] = [(("metadata", "serialization"), "json"),
                                        (("metadata", "chunk_id_scheme"), "v2")]
    options += [(("chunks", i, "chunk_type"), "video") for i in range(len(doc["chunks"]))]
    options += [(("chunks", i, "selected_mode"), "partial") for i in range(len(doc["chunks"]))]
    keys, value = choose(draw, options)
    set_at(doc, keys, value)
    return planted(doc, f"{'/'.join(map(str, keys))} = {value!r}")


def _schema_length(draw, doc):
    keys = choose(draw, [("metadata", "generator", "name"), ("metadata", "generator", "version")])
    set_at(doc, keys, "")
    return planted(doc, f"{'/'.join(keys)} = ''")


# -- budget


def _budget_overflow(draw, doc):
    grow(doc, tokens=1002)
    actual = doc["budget_info"]["actual_tokens"]
    lowest = max(1000, math.ceil(actual / _MAX_UTILIZATION))
    while actual / lowest > _MAX_UTILIZATION:
        lowest += 1
    target = draw(st.integers(lowest, actual - 1))
    doc["budget_info"].update(target_budget=target, utilization=actual / target)
    return planted(doc, f"target_budget {target} < actual_tokens {actual}")


def _budget_sum(draw, doc):
    info = doc["budget_info"]
    actual, target = info["actual_tokens"], info["target_budget"]
    if actual < target:
        claimed = actual + draw(st.integers(1, target - actual))
    else:
        claimed = actual - 1
        floor = min(target, doc["statistics"]["total_tokens"]) * (1 - underflow_allowed_of(doc))
        if claimed < floor:
            doc["statistics"]["total_tokens"] = actual
    info.update(actual_tokens=claimed, utilization=claimed / target)
    return planted(doc, f"actual_tokens {claimed}, chunks sum to {actual}")


def _budget_utilization(draw, doc):
    info = doc["budget_info"]
    ratio = info["actual_tokens"] / info["target_budget"]
    delta = choose(draw, [0.001, 0.01, 1e-6])
    info["utilization"] = ratio + delta if ratio + delta <= _MAX_UTILIZATION else ratio - delta
    return planted(doc, f"utilization {info['utilization']!r} for {ratio!r}")


def _budget_underflow(draw, doc):
    info, statistics = doc["budget_info"], doc["statistics"]
    actual, allowed = info["actual_tokens"], underflow_allowed_of(doc)
    target = max(info["target_budget"], int(actual / (1 - allowed)) + 2 + draw(st.integers(0, 1000)))
    info.update(target_budget=target, utilization=actual / target)
    statistics["total_tokens"] = max(statistics["total_tokens"], target + draw(st.integers(0, 1000)))
    return planted(doc, f"actual_tokens {actual} of target {target} with {statistics['total_tokens']} available")


# -- tokens


def _tokens_mismatch(draw, doc):
    grow(doc)
    info = doc["budget_info"]
    up = info["actual_tokens"] + 1 <= info["target_budget"]
    i = pick_chunk(draw, doc, lambda c: "content" in c and (up or c["tokens"] >= 1))
    chunk = doc["chunks"][i]
    if up and (chunk["tokens"] == 0 or draw(st.booleans())):
        chunk["tokens"] += 1
    else:
        chunk["tokens"] -= 1
    refresh(doc, order=False)
    return planted(doc, f"/chunks/{i}/tokens {chunk['tokens']}")


def _tokens_real_overflow(draw, doc):
    grow(doc, tokens=1003)
    info = doc["budget_info"]
    actual = info["actual_tokens"]
    i = pick_chunk(draw, doc, lambda c: c["tokens"] >= 1 and "content" in c)
    chunk = doc["chunks"][i]
    cut = draw(st.integers(1, min(actual - 1000, chunk["tokens"])))
    chunk["tokens"] -= cut
    info.update(target_budget=actual - cut, actual_tokens=actual - cut, utilization=1.0)
    refresh(doc, order=False, stats=False, budget=False)
    return planted(doc, f"/chunks/{i} claims {cut} fewer tokens; real {actual} > target {actual - cut}")


def _tokens_not_recounted(draw, doc):
    grow(doc, chunks=2)  # a pack where no chunk has content skips the oracle (docs/properties.md)
    i = pick_chunk(draw, doc, lambda c: "content" in c)
    del doc["chunks"][i]["content"]
    refresh(doc, order=False, budget=False, stats=False)
    return planted(doc, f"/chunks/{i}/content removed")


# -- integrity


def _content_hash(draw, doc):
    grow(doc)
    i = pick_chunk(draw, doc, lambda c: "content" in c)
    chunk = doc["chunks"][i]
    chunk["content_hash"] = reference_content_hash(chunk["content"] + choose(draw, ["x", " ", "\n"]))
    refresh(doc, order=False, budget=False, stats=False)
    return planted(doc, f"/chunks/{i}/content_hash of other text")


def _manifest(draw, doc):
    right = digest_of(doc)
    doc["manifest_digest"] = reference_content_hash(right + choose(draw, ["x", "y"]))
    return planted(doc, "manifest_digest of other chunks")


def _with_spans(doc: dict) -> list[dict]:
    doc["body_spans"] = reference_spans(doc["chunks"])
    return doc["body_spans"]


def _span_count(draw, doc):
    spans = _with_spans(doc)
    if spans and draw(st.booleans()):
        spans.pop()
        return planted(doc, "last body span dropped")
    end = spans[-1]["end"] if spans else 0
    spans.append({"chunk_id": "extra", "start": end, "end": end})
    return planted(doc, "one body span too many")


def _span_mismatch(draw, doc):
    grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    spans[k]["chunk_id"] = spans[k]["chunk_id"] + "-other"
    return planted(doc, f"/body_spans/{k}/chunk_id names another chunk")


def _span_order(draw, doc):
    grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    spans[k]["start"] = spans[k]["end"] + draw(st.integers(1, 5))
    return planted(doc, f"/body_spans/{k} inverted")


def _span_length(draw, doc):
    grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    d = draw(st.integers(1, 5))
    spans[k]["end"] += d
    for later in spans[k + 1:]:
        later["start"] += d
        later["end"] += d
    return planted(doc, f"/body_spans/{k} {d} bytes too long")


# -- overlap


def _shared_lines(draw, doc):
    grow(doc, lines=2)
    i = pick_chunk(draw, doc, lambda c: is_full(c) and c["end_line"] > c["start_line"])
    c = doc["chunks"][i]
    line = draw(st.integers(c["start_line"] + 1, c["end_line"]))
    text = reference_lines(c["content"])[line - c["start_line"]]
    doc["chunks"].append(new_chunk(doc, c["file_path"], line, line, text, language=c.get("language")))
    refresh(doc)
    return planted(doc, f"{c['file_path']} line {line} in two chunks")


def _duplicate_id(draw, doc):
    grow(doc, chunks=2)
    n = len(doc["chunks"])
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, n - 2))
    j = j if j < i else j + 1
    # Isolation: with chunk_id_scheme declared a duplicate id is necessarily non-canonical.
    doc["metadata"].pop("chunk_id_scheme", None)
    doc["chunks"][j]["id"] = doc["chunks"][i]["id"]
    refresh(doc, order=False, budget=False, stats=False)
    return planted(doc, f"/chunks/{j}/id = /chunks/{i}/id")


def _inverted(draw, doc):
    grow(doc)
    i = pick_chunk(draw, doc)
    c = doc["chunks"][i]
    c["start_line"] = c["end_line"] + draw(st.integers(1, 20))
    refresh(doc, ids=True, budget=False, stats=False)
    return planted(doc, f"{c['file_path']} start_line {c['start_line']} > end_line {c['end_line']}")


def _line_count(draw, doc):
    grow(doc)
    i = pick_chunk(draw, doc, is_full)
    c = doc["chunks"][i]
    extra = choose(draw, ["x", "extra line", ""])
    if draw(st.booleans()) and c["end_line"] > c["start_line"]:
        c["content"] = "".join(reference_lines(c["content"])[:-1])  # one line short
    else:
        c["content"] += (extra or "x") + "\n" if c["content"].endswith("\n") else "\n" + (extra or "x")
    edit_content(doc, i, c["content"])
    refresh(doc, order=False)
    return planted(doc, f"/chunks/{i}/content has {reference_line_count(c['content'])} lines for "
                   f"{c['end_line'] - c['start_line'] + 1}")


# -- determinism


def _chunk_order(draw, doc):
    grow(doc, chunks=2)
    i = draw(st.integers(0, len(doc["chunks"]) - 2))
    doc["chunks"][i], doc["chunks"][i + 1] = doc["chunks"][i + 1], doc["chunks"][i]
    refresh(doc, order=False, budget=False, stats=False)
    return planted(doc, f"/chunks/{i} and /chunks/{i + 1} swapped")


def _unstable_id(draw, doc):
    grow(doc)
    i = pick_chunk(draw, doc)
    doc["chunks"][i]["id"] = choose(draw, ["chunk-", "c", "uuid-"]) + str(i)
    refresh(doc, order=False, budget=False, stats=False)
    return planted(doc, f"/chunks/{i}/id = {doc['chunks'][i]['id']!r}")


# -- stats


def _total_chunks(draw, doc):
    grow(doc)
    n = len(doc["chunks"])
    doc["statistics"]["total_chunks"] = draw(st.integers(0, n - 1))
    return planted(doc, f"total_chunks {doc['statistics']['total_chunks']} for {n} chunks")


def _total_files(draw, doc):
    grow(doc)
    files = {c["file_path"] for c in doc["chunks"]}
    total = draw(st.integers(0, len(files) - 1))
    statistics = doc["statistics"]
    statistics["total_files"] = total
    distribution = statistics.get("language_distribution")
    if distribution is not None:
        # Isolation: the distribution must stay within total_files; when even its
        # lower bounds cannot, it goes (it is optional) — docs/properties.md.
        minimal = files_per_language(doc["chunks"])
        if sum(minimal.values()) <= total:
            statistics["language_distribution"] = minimal
        else:
            del statistics["language_distribution"]
    return planted(doc, f"total_files {total} for {len(files)} files")


def _total_tokens(draw, doc):
    grow(doc, tokens=1)
    selected = sum(c["tokens"] for c in doc["chunks"])
    doc["statistics"]["total_tokens"] = draw(st.integers(0, selected - 1))
    return planted(doc, f"total_tokens {doc['statistics']['total_tokens']} for {selected} selected")


def _language_distribution(draw, doc):
    statistics = doc["statistics"]
    per = files_per_language(doc["chunks"])
    if per and draw(st.booleans()):
        language = choose(draw, sorted(per))
        distribution = statistics.setdefault("language_distribution", {})
        distribution[language] = per[language] - 1
        return planted(doc, f"language_distribution[{language!r}] one below the selection")
    distribution = statistics.setdefault("language_distribution", {})
    distribution["cobol"] = statistics["total_files"] + 1
    return planted(doc, "language_distribution counts more files than total_files")


# -- security


def _path_defect(code: str, make: Callable[[Callable, str], str]) -> Plant:
    def plant(draw, doc):
        grow(doc)
        old = choose(draw, sorted({c["file_path"] for c in doc["chunks"]}))
        new = make(draw, old)  # that it is reported as ``code`` and nothing else is the tests' to check
        assert new not in {c["file_path"] for c in doc["chunks"]}
        rename_file(doc, old, new)
        return planted(doc, f"{old!r} renamed {new!r}")

    return plant


def _insert_control(draw, path: str) -> str:
    head, _, name = path.rpartition("/")
    at = draw(st.integers(0, len(name)))
    char = choose(draw, ["\x1b", "\x07", "\x7f", "\x85", "\t"])
    return (head + "/" if head else "") + name[:at] + char + name[at:]


def _non_normalized(draw, path: str) -> str:
    options = ["./" + path, path + "/", "src\\" + path]
    if "/" in path:
        options.append(path.replace("/", "//", 1))
        options.append(path.replace("/", "/./", 1))
    return choose(draw, options)


def _secret_name(draw, path: str) -> str:
    head, _, _ = path.rpartition("/")
    return (head + "/" if head else "") + choose(draw, [".env", "id_rsa", "deploy.key", ".netrc", ".env.production"])


def _secret_line() -> list[str]:
    return [f"aws_key = '{aws_like_key()}'", "token = '" + "gh" + "p_" + "a1B2" * 9 + "'",
            "SLACK=" + "xo" + "xb-1234567890-abcdefghij", "-----BEGIN RSA " + "PRIVATE KEY-----"]


def _secret(draw, doc):
    grow(doc)
    i = pick_chunk(draw, doc, is_full)
    c = doc["chunks"][i]
    lines = reference_lines(c["content"])
    secret = choose(draw, _secret_line())
    # A PEM header alone is a key only where its body can follow: the chunk's last line
    # (docs/security.md; mid-text, a header followed by code is a string constant).
    k = len(lines) - 1 if secret.startswith("-----BEGIN") else draw(st.integers(0, len(lines) - 1))
    ending = "\n" if lines[k].endswith("\n") else ""
    lines[k] = secret + ending
    edit_content(doc, i, "".join(lines))
    refresh(doc, order=False)
    return planted(doc, f"a credential in /chunks/{i}/content line {k + 1}")


_COUPLED_BUDGET = frozenset({"tokens.real-overflow"})
_COUPLED_TOKENS = frozenset({"tokens.mismatch"})

INJECTORS: Mapping[str, Injector] = MappingProxyType({inj.code: inj for inj in (
    Injector("parse.invalid-utf8", bytes_defect(in_repo_path(b"\xff", "0xFF inside repo_info.path"))),
    Injector("parse.byte-order-mark", bytes_defect(lambda draw, raw: (b"\xef\xbb\xbf" + raw, "UTF-8 BOM prepended"))),
    Injector("parse.invalid-json", bytes_defect(truncate)),
    Injector("parse.duplicate-key", bytes_defect(lambda draw, raw: (b'{"chunks":[],' + raw[1:], "a second 'chunks'"))),
    Injector("parse.non-finite-number", bytes_defect(replace_number(b"NaN", "utilization NaN"))),
    Injector("parse.number-out-of-range", bytes_defect(replace_number(b"1e400", "utilization 1e400"))),
    Injector("parse.lone-surrogate", bytes_defect(in_repo_path(b"\\ud800", "\\ud800 in repo_info.path"))),
    Injector("parse.too-deep", bytes_defect(too_deep)),
    Injector("parse.not-an-object", bytes_defect(lambda draw, raw: (b"[" + raw + b"]", "the pack inside an array"))),
    Injector("schema.type", _schema_type),
    Injector("schema.required", _schema_required),
    Injector("schema.additional-property", _schema_additional),
    Injector("schema.pattern", _schema_pattern),
    Injector("schema.format", _schema_format),
    Injector("schema.range", _schema_range),
    Injector("schema.enum", _schema_enum),
    Injector("schema.length", _schema_length),
    Injector("budget.overflow", _budget_overflow, _COUPLED_BUDGET),
    Injector("budget.sum-mismatch", _budget_sum),
    Injector("budget.utilization-mismatch", _budget_utilization),
    Injector("budget.underflow", _budget_underflow),
    Injector("tokens.mismatch", _tokens_mismatch),
    Injector("tokens.real-overflow", _tokens_real_overflow, _COUPLED_TOKENS),
    Injector("tokens.not-recounted", _tokens_not_recounted),
    Injector("integrity.content-hash-mismatch", _content_hash),
    Injector("integrity.manifest-digest-mismatch", _manifest),
    Injector("integrity.body-span-count", _span_count),
    Injector("integrity.body-span-mismatch", _span_mismatch),
    Injector("integrity.body-span-order", _span_order),
    Injector("integrity.body-span-length", _span_length),
    Injector("overlap.shared-lines", _shared_lines),
    Injector("overlap.duplicate-id", _duplicate_id),
    Injector("overlap.inverted-range", _inverted),
    Injector("overlap.line-count-mismatch", _line_count),
    Injector("determinism.chunk-order", _chunk_order),
    Injector("determinism.unstable-id", _unstable_id),
    Injector("determinism.non-canonical-bytes", non_canonical),
    Injector("stats.total-chunks", _total_chunks),
    Injector("stats.total-files", _total_files),
    Injector("stats.total-tokens", _total_tokens),
    Injector("stats.language-distribution", _language_distribution),
    Injector("security.absolute-path", _path_defect(
        "security.absolute-path", lambda draw, p: choose(draw, ["/", "/home/ci/repo/"]) + p)),
    Injector("security.path-traversal", _path_defect(
        "security.path-traversal", lambda draw, p: choose(draw, ["../", "src/../../"]) + p)),
    Injector("security.non-normalized-path", _path_defect("security.non-normalized-path", _non_normalized)),
    Injector("security.control-character", _path_defect("security.control-character", _insert_control)),
    Injector("security.secret-file", _path_defect("security.secret-file", _secret_name)),
    Injector("security.secret", _secret),
)})

# Codes only a pack in another format can raise (its reader or ForeignView): a packverify
# JSON pack, which every strategy here makes, has no bytes for them (tests/readers plants them).
_STRUCTURE = ("ambiguous-boundary", "index-mismatch", "invalid-escape", "invalid-header", "malformed-header",
              "missing-path", "missing-section", "not-in-tree", "unexpected-text", "unterminated-entry",
              "unterminated-section")
FOREIGN_ONLY: Mapping[str, str] = MappingProxyType({
    "parse.empty": "a foreign reader's code: the JSON loader calls empty input parse.invalid-json",
    "parse.not-this-format": "a foreign reader's code: input forced onto a format it is not",
    "coverage.left-out": "judged for a packverify pack only with --require-complete and a git repository",
    "overlap.duplicate-file": "packs without line ranges only: a packverify chunk twice is overlap.shared-lines",
    "stats.count-mismatch": "a foreign pack's stated counts; packverify JSON's have stats.total-*",
    "source.transformed": "a foreign tool's documented transformations; packverify JSON states none",
    "source.not-compared": "a foreign pack's stand-ins and summaries; packverify JSON's are compared by range",
    **{f"structure.{name}": "the structure oracle judges foreign packs only (schema judges packverify JSON)"
       for name in _STRUCTURE},
})

EXCLUDED: Mapping[str, str] = MappingProxyType({
    "parse.too-large": "a property of the reader's size limit (read_pack / --max-bytes), not of the bytes",
    "schema.violation": "no keyword of spec/index.schema.json maps to it (every keyword it uses has its own code)",
    **{code: f"needs a repository beside the pack: see SOURCE_INJECTORS (needs={inj.needs!r})"
       for code, inj in SOURCE_INJECTORS.items()},
    **FOREIGN_ONLY,
})


def defects(codes: Iterable[str] | None = None, *, packs_strategy=None):
    """A valid pack with exactly one planted defect (:class:`Defect`), for any of
    ``codes`` (default: every code in :data:`INJECTORS`). ``packs_strategy``: where
    the valid packs come from (default ``packs(tokenizer=None)``).

    >>> import packverify
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(defects(["budget.overflow"]))
    ... def test(defect):
    ...     report = packverify.check_loaded(packverify.parse_bytes(defect.data), packverify.Context())
    ...     assert {f.code for f in report.findings} == defect.expected
    >>> test()
    """
    chosen = sorted(INJECTORS) if codes is None else list(codes)
    check_argument(bool(chosen), "codes must name at least one finding code")
    for code in chosen:
        if code not in INJECTORS:
            reason = EXCLUDED.get(code)
            check_argument(False, f"no injector for {code!r}" + (f": {reason}" if reason else " (not a finding code)"))
    source = packs_strategy if packs_strategy is not None else packs(tokenizer=None)

    @st.composite
    def _defects(draw) -> Defect:
        code = draw(st.sampled_from(chosen))
        doc = draw(source)
        return draw(INJECTORS[code].strategy(doc))

    return _defects()
