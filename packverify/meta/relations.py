"""The metamorphic relations: what must hold between two runs of a packer on related
inputs (docs/metamorphic.md defines each one, with its measure and threshold).

One function per relation, ``check(trace, case) -> note``: it runs the packer
through ``trace.run`` (an output the relation cannot read — the run failed, nothing
readable was written — raises :class:`Unjudged` from :meth:`Output.require`), draws
what it needs through ``trace.draw`` (recorded, so a reproducer replays the same
choices), and raises :class:`RelationFailed` with a precise message when the relation
does not hold. A relation that has nothing to work on (no text file to duplicate)
holds vacuously and says so in its note.

Packs are compared on what they carry (:mod:`packverify.meta.contents`: files, their
text, ranges where the format states them), in any format packverify reads; our JSON's
documents are compared whole where a relation says which fields may change. A packer
whose template has no ``{budget}`` is held to what each relation states without one
(``needs`` says which relations cannot be stated at all; docs/metamorphic.md).

Leaves alone: whether each output is a valid pack (``validity``: judged once per
output, never inside a relation), how inputs are generated and shrunk (``search``),
and where reproducers go (``reproducer``).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from packverify import tokenizer as _tokenizer
from packverify.format import COMMON_VENDOR_DIRS, DEFAULT_UNDERFLOW, split_lines
from packverify.meta.contents import Entry
from packverify.meta.packers import Output, RelationFailed, Spec
from packverify.packer.build import MANIFESTS
from packverify.pointer import to_pointer
from packverify.repo_fixtures import Repo, RepoFile
from packverify.repro.content_diff import content_difference, diff_entries, summarize
from packverify.sample_text import synthetic_text

TEXT_KINDS = ("code", "markdown", "config", "text")
M1_THRESHOLD = 0.01  # share of the budget the duplicate may displace
M4_THRESHOLD = 0.8  # Jaccard index of the selected lines
M6_SLACK = (0.02, 16)  # (share of the removed file's tokens, tokens) of chunk-boundary effects tolerated


@dataclass(frozen=True)
class Case:
    """The common input of every relation: a tree, a budget, plain directory or git."""

    repo: Repo
    budget: int
    git: bool = False

    def spec(self, **changes: Any) -> Spec:
        fields = {"repo": self.repo, "budget": self.budget, "tokenizer": "cl100k", "git": self.git, "order": None}
        fields.update(changes)
        return Spec(**fields)


@dataclass(frozen=True)
class Relation:
    name: str
    title: str
    check: Callable[[Any, Case], str]
    needs: tuple[str, ...] = ()  # placeholders without which the relation says nothing: skipped


# ---------------------------------------------------------------- measures


def selected_lines(output: Output, *, without: Iterable[str] = ()) -> set[tuple[str, int]]:
    """Every (file path, line) that an entry of the pack covers, whatever its mode: its
    stated range, else the lines of its text (formats that state no range)."""
    skip = set(without)
    return {(e.path, n) for e in output.entries if e.path not in skip for n in e.lines()}


def sorted_entries(output: Output, rename: dict[str, str] | None = None, *,
                   without: Iterable[str] = ()) -> list[Entry]:
    """The pack's entries in a fixed order (the order of a pack is M7's question), paths renamed."""
    rename, skip = rename or {}, set(without)
    entries = [dataclasses.replace(e, path=rename.get(e.path, e.path)) for e in output.entries if e.path not in skip]
    return sorted(entries, key=Entry.key)


def budgeted(trace) -> bool:
    """The packer is given a budget (its template has ``{budget}``)."""
    return bool(trace.session.packer.takes_budget)


def describe_lines(lines: Iterable[tuple[str, int]], limit: int = 3) -> str:
    """``a.py 3–9, 12; b.md 1`` — contiguous runs per file, the first ``limit`` files."""
    by_file: dict[str, list[int]] = {}
    for path, n in sorted(lines):
        by_file.setdefault(path, []).append(n)
    parts = []
    for path in sorted(by_file)[:limit]:
        runs, numbers = [], by_file[path]
        start = prev = numbers[0]
        for n in numbers[1:] + [None]:
            if n is not None and n == prev + 1:
                prev = n
                continue
            runs.append(f"{start}–{prev}" if prev != start else f"{start}")
            if n is not None:
                start = prev = n
        parts.append(f"{path} {', '.join(runs[:4])}{', …' if len(runs) > 4 else ''}")
    more = len(by_file) - limit
    return "; ".join(parts) + (f"; and {more} more file(s)" if more > 0 else "")


class LineTokens:
    """Token count of single lines of a repository's text files (the weight of a line)."""

    def __init__(self, repo: Repo, tokenizer: str) -> None:
        self._encoding = _tokenizer.get_encoding(tokenizer)
        self._repo = repo
        self._lines: dict[str, list[str]] = {}

    def __call__(self, path: str, number: int) -> int:
        if path not in self._lines:
            text = self._repo.text(path)
            self._lines[path] = split_lines(text) if text is not None else []
        lines = self._lines[path]
        return _tokenizer.count(self._encoding, lines[number - 1]) if 0 < number <= len(lines) else 0

    def total(self, lines: Iterable[tuple[str, int]]) -> int:
        return sum(self(path, n) for path, n in lines)


def json_difference(a: Any, b: Any) -> tuple[str, Any, Any] | None:
    """The first JSON pointer where ``a`` and ``b`` differ, with both values (numbers
    compare by value: ``1`` and ``1.0`` are the same number to a packer)."""
    found = _first_difference_path(a, b, ())
    return None if found is None else (to_pointer(found[0]), found[1], found[2])


def _first_difference_path(a: Any, b: Any, path: tuple) -> tuple[tuple, Any, Any] | None:
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                       and not isinstance(a, bool) and not isinstance(b, bool)):
        return path, a, b
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return (*path, key), a.get(key, "<absent>"), b.get(key, "<absent>")
            found = _first_difference_path(a[key], b[key], (*path, key))
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = _first_difference_path(x, y, (*path, i))
            if found:
                return found
        if len(a) != len(b):
            return (*path, min(len(a), len(b))), f"{len(a)} items", f"{len(b)} items"
        return None
    return None if a == b else (path, a, b)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def pack_difference(a: Output, b: Output) -> str:
    """Where two packs' bytes differ, said by what they carry: for our JSON the first JSON
    pointer; for another format the first file (or line outside the files) that differs."""
    if a.document is not None:
        return byte_difference(a.data, b.data)
    diff = diff_entries(a.entries, b.entries)
    if diff.total == 0:
        diff = content_difference(a.data, b.data) or diff
    if diff.total == 0:
        return byte_difference(a.data, b.data)
    return summarize(diff, ("the first", "the second"))


def byte_difference(a: bytes, b: bytes) -> str:
    """Where two packs differ: every JSON difference's first pointer, else the first byte."""
    try:
        found = json_difference(json.loads(a), json.loads(b))
    except (ValueError, UnicodeDecodeError):
        found = None
    if found is not None:
        pointer, x, y = found
        return f"first difference at {pointer or '/'}: {_short(x)} vs {_short(y)}"
    offset = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"same JSON, different bytes from byte {offset} ({len(a)} vs {len(b)} bytes)"


def _files_with_text(repo: Repo) -> list[RepoFile]:
    return [f for f in repo if f.kind in TEXT_KINDS and repo.text(f.path)]


def _free(repo: Repo, path: str) -> bool:
    """``path`` can be added: no file there, no file at one of its directories, no file below it."""
    paths = set(repo.paths)
    if path in paths or path.casefold() in {p.casefold() for p in paths}:
        return False
    parts = path.split("/")
    if any("/".join(parts[:i]) in paths for i in range(1, len(parts))):
        return False
    return not any(p.startswith(path + "/") for p in paths)


# ---------------------------------------------------------------- the relations


def m0_same_input(trace, case: Case) -> str:
    """Same input twice ⇒ byte-identical packs."""
    first, second = trace.run_twice("base", case.spec())
    first.require("first")
    second.require("second")
    if first.data != second.data:
        raise RelationFailed("two runs on the same repository wrote different packs: "
                             + pack_difference(first, second))
    return f"identical ({len(first.data)} bytes)"


def _copy_candidates(repo: Repo, source: str) -> list[str]:
    head, _, name = source.rpartition("/")
    stem, ext = os.path.splitext(name)
    prefix = head + "/" if head else ""
    texts = [repo.text(f.path) or "" for f in repo]
    out = []
    for candidate in (f"{prefix}{stem}_copy{ext}", f"backup/{source}", f"{prefix}{stem} (2){ext}"):
        base = candidate.rsplit("/", 1)[-1]
        referenced = any(os.path.splitext(base)[0] in t for t in texts)
        if _free(repo, candidate) and not referenced:
            out.append(candidate)
    return out


def m1_duplicate(trace, case: Case) -> str:
    """A non-referenced duplicate file ⇒ the selection of the other files moves ≤ 1% of the
    budget (of a packer without one: of the tokens the base pack carries)."""
    base = trace.run("base", case.spec()).require("base")
    sources = [f.path for f in _files_with_text(case.repo) if _copy_candidates(case.repo, f.path)]
    if not sources:
        return "vacuous: no text file that can be duplicated"
    source = trace.draw("source", "sampled_from", sorted(sources))
    copy = trace.draw("copy", "sampled_from", _copy_candidates(case.repo, source))
    original = case.repo.get(source)
    repo = case.repo.with_file(RepoFile(copy, original.data, original.repeat, original.kind))
    follow = trace.run("followup", case.spec(repo=repo)).require("follow-up")
    before = selected_lines(base)
    after = selected_lines(follow, without=[copy])
    changed = before ^ after
    weight = LineTokens(case.repo, "cl100k")
    moved = weight.total(changed)
    scale = case.budget if budgeted(trace) else max(1, base.contents.tokens("cl100k"))
    of = f"the budget {case.budget}" if budgeted(trace) else f"the base pack's {scale} tokens"
    share = moved / scale
    if share > M1_THRESHOLD:
        lost, gained = before - after, after - before
        detail = "; ".join(part for part in (
            f"lost {describe_lines(lost)}" if lost else "", f"gained {describe_lines(gained)}" if gained else "") if part)
        copied = sum(1 for path, _ in selected_lines(follow) if path == copy)
        raise RelationFailed(
            f"adding {copy!r}, a copy of {source!r}, moved {moved} tokens of the other files' selection "
            f"({share:.2%} of {of}; at most {M1_THRESHOLD:.0%}): {detail}"
            + (f"; the copy itself took {copied} line(s)" if copied else ""))
    return f"{copy!r}: {moved} tokens moved ({share:.2%})"


_SPECIAL_STEMS = {"readme", "main", "__main__", "cli", "app", "index", "lib", "mod", "__init__", "setup", "conftest",
                  "manage", "license", "changelog", "contributing", "makefile", "dockerfile", "gemfile"}
_SUFFIXES = ("-", "-2", "_", "0", "_1", "x", "_renamed", "~")


def _neutral(path: str) -> bool:
    """No packer could read a role into this name (README, manifest, entry point, test)."""
    name = path.rsplit("/", 1)[-1].lower()
    stem = os.path.splitext(name)[0]
    return not (stem in _SPECIAL_STEMS or name in MANIFESTS or name.startswith(".") or stem.startswith("test")
                or stem.endswith(("_test", ".test", ".spec", "_spec", "test")))


def rename_candidates(repo: Repo, path: str) -> list[str]:
    """New names for ``path``: same directory and extension, a neutral stem, and the
    same position as the old name among all the repository's paths (code-point order)."""
    head, _, name = path.rpartition("/")
    stem, ext = os.path.splitext(name)
    prefix = head + "/" if head else ""
    others = [p for p in repo.paths if p != path]
    out = []
    for suffix in _SUFFIXES:
        new = f"{prefix}{stem}{suffix}{ext}"
        if not _neutral(new) or not _free(repo.without(path), new):
            continue
        if all((p < path) == (p < new) for p in others):
            out.append(new)
    return out


def _normalized(output: Output, rename: dict[str, str] | None = None, *, drop: Iterable[tuple] = ()) -> Any:
    """The document with path-derived fields removed: ids, manifest_digest, body
    span ids, the commit (a different tree is a different commit); paths renamed;
    chunks in (path, lines) order; plus the ``drop`` pointers."""
    doc = copy.deepcopy(output.document)
    if not isinstance(doc, dict):
        return doc
    rename = rename or {}
    chunks = doc.get("chunks") if isinstance(doc.get("chunks"), list) else []
    for c in chunks:
        if isinstance(c, dict):
            c.pop("id", None)
            if c.get("file_path") in rename:
                c["file_path"] = rename[c["file_path"]]
    if chunks:
        chunks.sort(key=lambda c: (str(c.get("file_path")), str(c.get("start_line")), str(c.get("end_line"))))
    doc.pop("manifest_digest", None)
    for span in doc.get("body_spans") or []:
        if isinstance(span, dict):
            span.pop("chunk_id", None)
    for keys in (("metadata", "repo_info", "commit"), *drop):
        node = doc
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(keys[-1], None)
    return doc


def m2_rename(trace, case: Case) -> str:
    """Rename a file, content unchanged ⇒ only path-derived fields differ."""
    base = trace.run("base", case.spec()).require("base")
    selected = {e.path for e in base.entries}
    movable = [f.path for f in _files_with_text(case.repo) if _neutral(f.path) and rename_candidates(case.repo, f.path)]
    if not movable:
        return "vacuous: no file with a neutral, order-preserving new name"
    preferred = sorted(p for p in movable if p in selected) or sorted(movable)
    old = trace.draw("rename", "sampled_from", preferred)
    new = trace.draw("to", "sampled_from", rename_candidates(case.repo, old))
    follow = trace.run("followup", case.spec(repo=case.repo.renamed(old, new))).require("follow-up")
    if base.document is None:  # another format: compared on the files it carries
        diff = diff_entries(sorted_entries(base, {old: new}), sorted_entries(follow))
        if diff.total:
            raise RelationFailed(f"renaming {old!r} to {new!r} changed what is packed (files sorted by path): "
                                 + summarize(diff, ("the base pack (renamed)", "the follow-up")))
        return f"{old!r} → {new!r}: the same files"
    expected, got = _normalized(base, {old: new}), _normalized(follow)
    found = json_difference(expected, got)
    if found is not None:
        pointer, x, y = found
        raise RelationFailed(f"renaming {old!r} to {new!r} changed more than path-derived fields: at "
                             f"{pointer or '/'} (chunks sorted by path and lines) expected {_short(x)}, got {_short(y)}")
    return f"{old!r} → {new!r}: only path-derived fields differ"


def m3_budget_doubled(trace, case: Case) -> str:
    """Budget × 2 ⇒ coverage never decreases: the packed tokens do not fall, and every
    line selected before still is — except lines displaced by a longer one: lines may
    leave only if together they weigh less than the longest line that entered (a line
    that did not fit before now fits and takes their place; docs/metamorphic.md)."""
    base = trace.run("base", case.spec()).require("base")
    bigger = trace.run("double", case.spec(budget=case.budget * 2)).require("doubled-budget")
    a, b = base.tokens(), bigger.tokens()
    if b < a:
        raise RelationFailed(f"the packed text's tokens fell from {a} at budget {case.budget} to {b} at budget "
                             f"{case.budget * 2}")
    before, after = selected_lines(base), selected_lines(bigger)
    lost = before - after
    if not lost:
        return f"{a} → {b} tokens, no line lost"
    weight = LineTokens(case.repo, "cl100k")
    lost_tokens = weight.total(lost)
    longest = max((weight(path, n) for path, n in after - before), default=0)
    # slack: counted alone, a line can weigh one token more than inside a chunk (its
    # line break may merge with the next line's indentation); one more for the entering line
    if lost_tokens > longest + len(lost) + 1:
        raise RelationFailed(
            f"{len(lost)} line(s) ({lost_tokens} tokens) selected at budget {case.budget} are not selected at budget "
            f"{case.budget * 2}: {describe_lines(lost)}; no line that entered outweighs them (the longest has "
            f"{longest} tokens)")
    return f"{a} → {b} tokens; {len(lost)} line(s) ({lost_tokens} tokens) displaced by a {longest}-token line"


def m4_tokenizer(trace, case: Case) -> str:
    """cl100k → o200k with the budget scaled by the token ratio ⇒ selection Jaccard ≥ 0.8."""
    base = trace.run("base", case.spec()).require("base")
    cl100k = base.tokens()
    if not cl100k:
        return "vacuous: the base pack is empty"
    ratio = base.contents.tokens("o200k") / cl100k
    budget, scaled = case.budget, round(case.budget * ratio)
    if scaled < 1000:  # the format's minimum budget: compare at the smallest budget both sides can use
        budget = math.ceil(1000 / ratio)
        scaled = round(budget * ratio)
        base = trace.run("base-raised", case.spec(budget=budget)).require("cl100k")
    other = trace.run("o200k", case.spec(budget=scaled, tokenizer="o200k")).require("o200k")
    before, after = selected_lines(base), selected_lines(other)
    union = before | after
    jaccard = len(before & after) / len(union) if union else 1.0
    if jaccard < M4_THRESHOLD:
        raise RelationFailed(
            f"cl100k at budget {budget} and o200k at budget {scaled} (× token ratio {ratio:.3f}) select lines "
            f"with Jaccard index {jaccard:.3f} (at least {M4_THRESHOLD}): only with cl100k: "
            f"{describe_lines(before - after) or '-'}; only with o200k: {describe_lines(after - before) or '-'}")
    return f"ratio {ratio:.3f}, budgets {budget}/{scaled}, Jaccard {jaccard:.3f}"


def m5_vendor(trace, case: Case) -> str:
    """A large vendored folder ⇒ the pack is unchanged except the ignored-file count."""
    base = trace.run("base", case.spec()).require("base")
    top = trace.draw("vendor", "sampled_from", list(COMMON_VENDOR_DIRS))
    count = trace.draw("vendor_files", "integers", [1, 12])
    seed = trace.draw("vendor_seed", "integers", [0, 2**24])
    repeat = trace.draw("vendor_repeat", "integers", [1, 200])
    repo = case.repo
    for i in range(count):
        path = f"{top}/meta-pkg{i}/index.js"
        if not _free(repo, path):
            continue
        text = synthetic_text("code", seed + i if seed else 0, lines=20)
        repo = repo.with_file(RepoFile(path, text.encode(), repeat, "vendored"))
    added = len(repo) - len(case.repo)
    if not added:
        return "vacuous: the vendored paths are taken"
    follow = trace.run("followup", case.spec(repo=repo)).require("follow-up")
    if base.document is None:  # another format: compared on the files it carries
        diff = diff_entries(sorted_entries(base), sorted_entries(follow))
        if diff.total:
            raise RelationFailed(f"adding {added} vendored file(s) under {top}/ changed what is packed: "
                                 + summarize(diff, ("the base pack", "the follow-up")))
        return f"{added} file(s) under {top}/: the same files"
    drop = [("statistics", "ignored_files")]
    found = json_difference(_normalized(base, drop=drop), _normalized(follow, drop=drop))
    if found is not None:
        pointer, x, y = found
        size = sum(f.size for f in repo if f.kind == "vendored" and f.path.startswith(top + "/meta-pkg"))
        raise RelationFailed(f"adding {added} vendored file(s) under {top}/ ({size} bytes) changed the pack at "
                             f"{pointer or '/'}: {_short(x)} vs {_short(y)} (only statistics.ignored_files, and "
                             f"the commit of a git repository, may change)")
    return f"{added} file(s) under {top}/: unchanged"


def m6_remove_file(trace, case: Case) -> str:
    """Remove a file the base pack carries whole ⇒ the pack has nothing of it and loses
    nothing else: a packer without a budget packs the other files as before; one with a
    budget does not pack less of them, and reallocates the freed budget (docs/metamorphic.md)."""
    base = trace.run("base", case.spec()).require("base")
    selected = sorted({e.path for e in base.entries if e.mode == "full" and case.repo.get(e.path)})
    if not selected:
        return "vacuous: nothing selected"
    gone = trace.draw("remove", "sampled_from", selected)
    follow = trace.run("followup", case.spec(repo=case.repo.without(gone))).require("follow-up")
    if any(e.path == gone for e in follow.entries):
        raise RelationFailed(f"{gone!r} was removed, but the follow-up pack still has entries of it")
    if not budgeted(trace):
        diff = diff_entries(sorted_entries(base, without=[gone]), sorted_entries(follow))
        if diff.total:
            raise RelationFailed(f"after removing {gone!r} the other files are not packed as before: "
                                 + summarize(diff, ("the base pack", "the follow-up")))
        return f"removed {gone!r}: the other files packed as before"
    return _m6_reallocated(base, follow, case, gone)


def _m6_reallocated(base: Output, follow: Output, case: Case, gone: str) -> str:
    """M6 (c) and (d) for a packer with a budget: nothing hidden, nothing lost, budget reused."""
    text = case.repo.text(gone) or ""
    removed = _tokenizer.count(_tokenizer.get_encoding("cl100k"), text)
    slack = math.ceil(M6_SLACK[0] * removed) + M6_SLACK[1]
    before, after = base.tokens(), follow.tokens()
    kept = before - base.contents.tokens_of(gone, "cl100k")
    margin = slack + math.ceil(DEFAULT_UNDERFLOW * case.budget)  # a fill may stop anywhere in its last 0.5%
    if after < kept - margin:
        raise RelationFailed(f"after removing {gone!r} the pack carries {after} tokens, less than the {kept} of the "
                             f"other files the base pack carried (tolerance {margin}): it packs less with more room")
    total = base.figure("statistics", "total_tokens")
    if not isinstance(total, int):  # the format claims no total: (c) and (d) cannot be stated
        return f"removed {gone!r}: {before} → {after} tokens"
    available = total - removed
    claimed = follow.figure("statistics", "total_tokens") or 0
    if claimed < available - slack:
        raise RelationFailed(f"after removing {gone!r} ({removed} tokens) the follow-up pack claims total_tokens "
                             f"{claimed}, but the base pack's {total} minus the file leaves {available} "
                             f"(tolerance {slack}): the claim hides content it left out")
    if available - slack > case.budget and after < (1 - DEFAULT_UNDERFLOW) * case.budget:
        raise RelationFailed(f"after removing {gone!r} the pack holds {after} tokens of budget {case.budget} "
                             f"although {available} tokens remain: the freed budget was not reallocated")
    return f"removed {gone!r}: {before} → {after} tokens"


def m7_creation_order(trace, case: Case) -> str:
    """Files created in another order ⇒ a byte-identical pack."""
    if len(case.repo) < 2:
        return "vacuous: fewer than two files"
    base = trace.run("base", case.spec()).require("base")
    order = trace.draw("order", "permutations", sorted(case.repo.paths))
    follow = trace.run("followup", case.spec(order=tuple(order))).require("follow-up")
    if base.data != follow.data:
        raise RelationFailed("creating the files in another order changed the pack: "
                             + pack_difference(base, follow))
    return "identical"


RELATIONS: dict[str, Relation] = {r.name: r for r in (
    Relation("M0", "same input twice ⇒ byte-identical packs", m0_same_input),
    Relation("M1", "a non-referenced duplicate file ⇒ the other files' selection moves ≤ 1% of the budget",
             m1_duplicate),
    Relation("M2", "a file renamed, content unchanged ⇒ only path-derived fields differ", m2_rename),
    Relation("M3", "budget × 2 ⇒ the packed tokens never fall; no selected line is lost but to a longer one",
             m3_budget_doubled, ("budget",)),
    Relation("M4", "cl100k → o200k, budget × token ratio ⇒ selected lines' Jaccard ≥ 0.8", m4_tokenizer,
             ("budget", "tokenizer")),
    Relation("M5", "a large vendored folder ⇒ pack unchanged but statistics.ignored_files", m5_vendor),
    Relation("M6", "a packed file removed ⇒ nothing of it is packed, nothing else is lost, the budget is reallocated",
             m6_remove_file),
    Relation("M7", "files created in another order ⇒ a byte-identical pack", m7_creation_order),
)}
