"""source — with ``--repo DIR``: every chunk's content is those lines of that file.

Files are read at ``metadata.repo_info.commit`` through one ``git cat-file --batch``
process (no checkout, no working-tree noise) — in a work tree or a bare repository,
SHA-1 (40 hex) or SHA-256 (64 hex) object format alike; a commit of all zeros, or a
directory that is not a git repository, means the working tree. Lines are split on
``\\n`` only (docs/format.md §Lines), compared as bytes.

Every chunk's file must exist and hold its line range — ``summary`` and
``signature`` chunks too, and chunks without content; only ``full`` chunks with
content are compared line for line (a summary is not the file's lines). Paths that
would leave the repository are never read. Leaves alone: path safety (``security``).

A pack in another format names no commit: it is compared with the working tree of
``--repo``, or with ``--rev REV``. Each file's packed text must be what its tool writes for
the repository's file (:func:`packverify.readers.tool_text.tool_text`: the tool's
documented transformations applied to the file's bytes, compared character for
character). A transformation that changed the file is a warning naming it
(``source.transformed``: BOM removed, CRLF to LF, whitespace trimmed, notebook as script,
Latin-1 transcoded, binary or empty file as a stand-in); anything else is an error naming
the file and the first line that differs (with what it looks like when that is certain:
text cut short, another file's text, UTF-8 read as cp1252, text where the tool writes none).
A stand-in the tool does not document, and summaries or signatures, are not compared
(``source.not-compared``, info). A pack that states a transformation packverify cannot
reproduce exactly (repomix ``--remove-comments``, ``--compress`` …) is not compared at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from packverify.format import ZERO_COMMIT, count_lines, is_zero_commit, split_lines
from packverify.model import Finding
from packverify.oracles._base import ERROR, INFO, WARNING, Code
from packverify.readers.base import FULL, TRANSFORMATIONS
from packverify.readers.tool_text import BINARY_PLACEHOLDER, EMPTY_PLACEHOLDER, UNREPRODUCIBLE, ToolText, tool_text
from packverify.repo_source import GitReader, git, read_working_tree, unsafe_path
from packverify.view import as_str

NAME = "source"

CODES = {
    "source.content-mismatch": Code("Content differs from the source", ERROR,
                                    "The pack claims lines of a file that say something else.",
                                    "a chunk edited, or taken from another revision"),
    "source.file-missing": Code("File not in the repository", ERROR,
                                "The pack holds a file that the repository does not have at that commit.",
                                "a generated file, or a path from another machine"),
    "source.line-range": Code("Lines beyond the end of the file", ERROR,
                              "The chunk's line range reaches past the file's last line.", "lines 90–120 of an 100-line file"),
    "source.commit-not-found": Code("Commit not in the repository", ERROR,
                                    "repo_info.commit is not in --repo; the pack cannot be compared with its source.",
                                    "a pack made from an unpushed commit"),
    "source.working-tree": Code("Compared with the working tree", WARNING,
                                "--repo is not a git repository, so the pack's commit cannot be checked out; "
                                "the working tree was compared instead.", ""),
    "source.transformed": Code("Packed as the tool documents", WARNING,
                               "The packed text is the repository's file with one of its tool's documented "
                               "transformations applied, exactly: not the file's bytes, but what the tool promises.",
                               "repomix trims the final newline of src/a.py"),
    "source.not-compared": Code("Not compared", INFO,
                                "The pack holds a stand-in, a summary or a signature instead of the file's text, so "
                                "there is nothing to compare with the file; listed so that no one mistakes it for checked.",
                                "gitingest 'Error reading file with ...'; a PackRepo signature chunk"),
}


def requires(pack, ctx) -> str | None:
    if ctx.repo is None:
        return "no --repo given"
    if not Path(ctx.repo).is_dir():
        return f"--repo {ctx.repo} is not a directory"
    if not any(c.file_path and c.start_line and c.end_line for c in pack.chunks):
        return "no chunk names a file and a line range"
    commit = as_str(pack.get("metadata", "repo_info", "commit")) or ZERO_COMMIT
    if is_zero_commit(commit) and git(Path(ctx.repo), "rev-parse", "--is-bare-repository") == "true":
        return f"--repo {ctx.repo} is a bare repository and the pack's commit is all zeros (a working tree): nothing to compare with"
    return None


def check(pack, ctx) -> Iterator[Finding]:
    repo = Path(ctx.repo).resolve()
    commit = as_str(pack.get("metadata", "repo_info", "commit")) or ZERO_COMMIT
    in_git = git(repo, "rev-parse", "--git-dir") is not None  # a work tree or a bare repository
    reader = None
    if not is_zero_commit(commit):
        if in_git:
            if git(repo, "cat-file", "-e", f"{commit}^{{commit}}") is None:
                yield Finding("source.commit-not-found", ("metadata", "repo_info", "commit"),
                              f"commit {commit} is not in {ctx.repo}", actual=commit)
                return
            reader = GitReader(repo, commit)
        else:
            yield Finding("source.working-tree", ("metadata", "repo_info", "commit"),
                          f"{ctx.repo} is not a git repository; compared with its working tree, not commit {commit}",
                          actual=commit)
    try:
        yield from _compare(pack, repo, reader)
    finally:
        if reader is not None:
            reader.close()


def _compare(pack, repo: Path, reader: GitReader | None) -> Iterator[Finding]:
    by_file: dict[str, list] = {}
    for c in pack.chunks:
        if c.file_path and c.start_line and c.end_line:
            by_file.setdefault(c.file_path, []).append(c)
    for path in sorted(by_file):
        data = None if unsafe_path(path) else (reader.read(path) if reader else read_working_tree(repo, path))
        chunks = by_file[path]
        if data is None:
            yield Finding("source.file-missing", chunks[0].path + ("file_path",),
                          f"{path!r} is not a file in the repository" + (" at that commit" if reader else ""),
                          actual=path)
            continue
        ends = split_lines(data)  # bytes: a file need not be UTF-8 to be compared
        for c in chunks:
            if c.end_line > len(ends) or c.start_line > len(ends):
                where = ("end_line",) if c.end_line > len(ends) else ("start_line",)
                mode = "" if c.is_full else f" ({c.mode} chunk)"
                yield Finding("source.line-range", c.path + where,
                              f"{path} has {len(ends)} lines; the chunk{mode} ends at line {c.end_line}",
                              expected=f"<= {len(ends)}", actual=c.end_line)
                continue
            if c.content is None or not c.is_full:
                continue
            expected = b"".join(ends[c.start_line - 1:c.end_line])
            actual = c.content.encode("utf-8", "surrogateescape")
            if expected != actual:
                got = actual.split(b"\n")
                want = expected.split(b"\n")
                first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
                yield Finding("source.content-mismatch", c.path + ("content",),
                              f"differs from {path} lines {c.start_line}–{c.end_line}, first at line {c.start_line + first}",
                              expected=_line(want, first), actual=_line(got, first))



def _line(lines: list[bytes], index: int) -> str | None:
    if index >= len(lines):
        return None
    text = lines[index].decode("utf-8", "replace")
    return text if len(text) <= 200 else text[:199] + "…"


# ---------------------------------------------------------------- packs in other formats

def requires_foreign(view, ctx) -> str | None:
    if view.not_a_pack:
        return view.not_a_pack
    if ctx.repo is None:
        return "no --repo given"
    if not Path(ctx.repo).is_dir():
        return f"--repo {ctx.repo} is not a directory"
    stated = sorted(view.pack.transformations & UNREPRODUCIBLE)
    if stated:
        return (f"{view.noun} states that its content was processed in a way packverify cannot reproduce exactly "
                f"({', '.join(stated)}): not compared")
    if not view.files:
        return f"{view.noun} packs no file"
    return None


def check_foreign(view, ctx) -> Iterator[Finding]:
    expected: dict[str, ToolText | None] = {}  # repository path -> what the tool writes for it (None: no file)
    for entry in view.files:
        path = view.relative(entry)
        if path not in expected:
            data = view.repo.read(path)
            expected[path] = None if data is None else tool_text(data, path, view.pack.tool, view.pack.transformations)
    whose = {t.text: path for path, t in expected.items() if t is not None and t.text}  # for swapped contents
    warned: set[tuple[str, str]] = set()
    for entry in view.files:
        path = view.relative(entry)
        wanted = expected[path]
        if wanted is None:
            yield Finding("source.file-missing", (), f"{entry.path} is not a file in {ctx.repo} {view.repo.where}",
                          actual=entry.path, location=entry.location)
            continue
        found = list(_judge_entry(view, entry, path, wanted, whose))
        yield from found
        if not found:
            for name in wanted.applied:
                if (path, name) not in warned:
                    warned.add((path, name))
                    yield Finding("source.transformed", (), f"{entry.path}: {name} ({view.pack.tool}'s documented "
                                  "transformation)", expected=TRANSFORMATIONS[name], actual=name,
                                  location=entry.location)


def _judge_entry(view, entry, path: str, wanted: ToolText, whose: dict[str, str]) -> Iterator[Finding]:
    """Findings about one entry other than ``source.transformed`` (none: it is what the tool writes)."""
    tool = view.pack.tool
    if entry.text is None:
        yield from _judge_placeholder(view, entry, wanted)
        return
    if entry.mode != FULL:
        yield Finding("source.not-compared", (), f"{entry.path}: a {entry.mode} of the file, not its lines: not "
                      "compared", actual=entry.mode, location=entry.location)
        return
    if wanted.text is None:
        writes = f"it writes {wanted.placeholder!r}" if wanted.placeholder else wanted.reason
        yield Finding("source.content-mismatch", (), f"{entry.path}: the pack holds text where {tool} writes none "
                      f"({writes}): binary bytes emitted as text?", expected=wanted.placeholder,
                      actual=_cut(entry.text), location=view.line_location(entry, 1))
        return
    reference, first_line = wanted.text, 1 + wanted.leading_lines
    if entry.start_line is not None and entry.end_line is not None:
        lines = split_lines(wanted.text)
        if entry.end_line > len(lines):
            yield Finding("source.line-range", (), f"{entry.path} has {len(lines)} lines; the entry ends at line "
                          f"{entry.end_line}", expected=f"<= {len(lines)}", actual=entry.end_line,
                          location=entry.location)
            return
        reference, first_line = "".join(lines[entry.start_line - 1:entry.end_line]), entry.start_line
    if entry.text != reference:
        yield _difference(view, entry, reference, first_line, wanted, whose.get(entry.text))


def _judge_placeholder(view, entry, wanted: ToolText) -> Iterator[Finding]:
    if entry.placeholder is not None and entry.placeholder == wanted.placeholder:
        return  # the tool's documented stand-in (its transformation is reported as a warning)
    if entry.placeholder in (EMPTY_PLACEHOLDER, BINARY_PLACEHOLDER):
        writes = (f"{count_lines(wanted.text)} line(s) of text" if wanted.text is not None
                  else repr(wanted.placeholder) if wanted.placeholder else "nothing")
        yield Finding("source.content-mismatch", (), f"{entry.path}: the pack writes {entry.placeholder!r}, but for "
                      f"this file {view.pack.tool} writes {writes}", expected=wanted.placeholder or _cut(wanted.text),
                      actual=entry.placeholder, location=entry.location)
        return
    yield Finding("source.not-compared", (), f"{entry.path}: the pack holds {_cut(entry.placeholder or '')!r} "
                  "instead of its text: not compared", actual=_cut(entry.placeholder or ""), location=entry.location)


def _difference(view, entry, reference: str, first_line: int, wanted: ToolText, other: str | None) -> Finding:
    """The error for a text that is not what the tool writes: the first line that differs,
    in the file's numbering, and what the difference is when that is certain."""
    packed, want = entry.text.split("\n"), reference.split("\n")
    index = next((i for i, (a, b) in enumerate(zip(packed, want)) if a != b), min(len(packed), len(want)))
    got = packed[index] if index < len(packed) else None
    exp = want[index] if index < len(want) else None
    if "notebook-as-script" in wanted.applied:
        where = f"line {index + 1} of the script {view.pack.tool} makes of it"
    else:
        where = f"line {first_line + index}"
    if other is not None and other != view.relative(entry):
        why = f": its packed text is {other}'s (contents swapped?)"
    elif reference.startswith(entry.text):
        why = f": the packed text stops there, the file goes on to line {first_line + count_lines(reference) - 1} (truncated)"
    elif got is not None and exp is not None and got in _misread(exp):
        why = f": {_misread(exp)[got]} (mojibake)"
    else:
        why = ""
    return Finding("source.content-mismatch", (), f"{entry.path}: {where} differs from the file {view.repo.where}"
                   f"{why}", expected=_cut(exp), actual=_cut(got), location=view.line_location(entry, index + 1))


def _misread(line: str) -> dict[str, str]:
    """The line's UTF-8 bytes decoded with another codec → what that is called."""
    out: dict[str, str] = {}
    data = line.encode("utf-8", "surrogateescape")
    for codec in ("cp1252", "latin-1"):
        misread = data.decode(codec, "replace")
        if misread != line:
            out.setdefault(misread, f"the file's UTF-8 read as {codec}")
    return out


def _cut(text: str | None, limit: int = 200) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[:limit - 1] + "…"
