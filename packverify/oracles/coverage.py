"""coverage — with ``--repo DIR``: which tracked text files of the repository the pack leaves out.

Tracked: what git tracks (``git ls-files``; with ``--rev`` the files of that revision).
Text: git's own test — no NUL byte in the first 8,000 bytes — so a Latin-1 file is text
and a PNG is not. Each tracked text file that no entry of the pack names is an ``info``
finding, which never fails the verdict (``--strict`` included): tools leave files out on
purpose (dotfiles, ``.gitignore``d or binary-looking files, files over a size limit, what
does not fit a budget), and whether that matters is the user's call. With
``--require-complete`` every one is an error. An entry that holds a stand-in (gitingest's
``[Binary file]``) names its file: whether the stand-in is right is ``source``'s question.

packverify JSON is a token-budgeted selection by design: it is judged only with
``--require-complete`` (against the commit it names). Leaves alone: files git does not
track (build output, ignored files) and whether what is packed is right (``source``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from packverify.format import ZERO_COMMIT
from packverify.model import Finding, Severity
from packverify.oracles._base import INFO, Code, NotApplicable
from packverify.repo_source import RepoError, RepoSource, is_git, is_text
from packverify.view import as_str

NAME = "coverage"

CODES = {
    "coverage.left-out": Code("Tracked text file left out", INFO,
                              "A tracked text file of the repository is not in the pack: a model reading the pack "
                              "does not know it exists. An error with --require-complete.",
                              "repomix leaves .env.example out; files-to-prompt leaves dotfiles out"),
}


def _no_repo(ctx) -> str | None:
    if ctx.repo is None:
        return "no --repo given"
    if not Path(ctx.repo).is_dir():
        return f"--repo {ctx.repo} is not a directory"
    if not is_git(Path(ctx.repo)):
        return f"--repo {ctx.repo} is not a git repository: coverage lists the files git tracks"
    return None


def requires(pack, ctx) -> str | None:
    if not ctx.require_complete:
        return NotApplicable("a packverify pack is a token-budgeted selection of its repository; --require-complete "
                             "asks whether it holds every tracked text file")
    return _no_repo(ctx)


def check(pack, ctx) -> Iterator[Finding]:
    commit = as_str(pack.get("metadata", "repo_info", "commit")) or ZERO_COMMIT
    try:
        source = RepoSource(Path(ctx.repo), None if commit == ZERO_COMMIT else commit)
    except RepoError:
        return  # the source oracle reports a commit that is not in the repository
    try:
        yield from _left_out(source, {c.file_path for c in pack.chunks if c.file_path}, ctx)
    finally:
        source.close()


def requires_foreign(view, ctx) -> str | None:
    return view.not_a_pack or _no_repo(ctx)


def check_foreign(view, ctx) -> Iterator[Finding]:
    yield from _left_out(view.repo, {view.relative(entry) for entry in view.files}, ctx)


def _left_out(source: RepoSource, packed: Iterable[str], ctx) -> Iterator[Finding]:
    names = set(packed)
    severity = Severity.ERROR if ctx.require_complete else None
    for path in source.tracked() or ():
        if path in names:
            continue
        data = source.read(path)
        if data is not None and is_text(data):
            yield Finding("coverage.left-out", (), f"{path} is a tracked text file {source.where} that the pack leaves "
                          "out", actual=path, severity=severity)
