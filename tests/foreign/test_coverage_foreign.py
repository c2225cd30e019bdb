"""The coverage oracle on packs of other tools (``check_foreign`` / ``requires_foreign``):
which tracked text files of ``--repo`` a pack leaves out — info, or an error with
``--require-complete`` — and why it is skipped. Packs are written by hand in
files-to-prompt's default style (docs/formats/files-to-prompt.md) and gitingest's digest.
"""

from __future__ import annotations

from pathlib import Path

from helpers import git as run_git

from packverify import engine
from packverify.context import Context
from packverify.model import Severity, Status

SEP = "=" * 48


def make_repo(tmp_path: Path, files: dict[str, bytes], *, git: bool = True) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    if git:
        run_git(repo, "init", "-q", "-b", "main")
        run_git(repo, "add", "-A")
        run_git(repo, "commit", "-q", "-m", "fixture")
    return repo


def ftp(*entries: tuple[str, str]) -> str:
    return "".join(f"{p}\n---\n{t}\n\n---\n" for p, t in entries)


def gitingest(*entries: tuple[str, str]) -> str:
    names = [p for p, _ in entries]
    tree = "".join(f"    {'└── ' if i == len(names) - 1 else '├── '}{n}\n" for i, n in enumerate(names))
    blocks = [f"{SEP}\nFILE: {p}\n{SEP}\n{t}\n\n" for p, t in entries]
    return "Directory structure:\n└── repo/\n" + tree + "\n" + "\n".join(blocks)


def coverage(tmp_path: Path, raw: str | bytes, fmt: str, repo: Path | None, *, rev: str | None = None,
             require_complete: bool = False):
    pack = tmp_path / "pack.txt"
    pack.write_bytes(raw.encode("utf-8") if isinstance(raw, str) else raw)
    report = engine.check([str(pack)], repo=None if repo is None else str(repo),
                          context=Context(input_format=fmt, rev=rev, require_complete=require_complete))
    result = report.packs[0].oracles["coverage"]
    return result, [f for f in report.packs[0].findings if f.oracle == "coverage"]


def test_every_tracked_file_packed_passes(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "src/b.py": b"b\n"})
    result, found = coverage(tmp_path, ftp(("a.py", "a\n"), ("src/b.py", "b\n")), "files-to-prompt", repo)
    assert (result.status, found) == (Status.PASS, [])


def test_left_out_text_files_are_info_in_path_order(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "z.py": b"z\n", ".env.example": b"K=1\n", "m/n.txt": b"n\n"})
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo)
    assert result.status == Status.PASS  # info never fails
    assert [(f.code, f.severity, f.message, f.actual, f.location) for f in found] == [
        ("coverage.left-out", Severity.INFO,
         ".env.example is a tracked text file in the working tree that the pack leaves out", ".env.example", None),
        ("coverage.left-out", Severity.INFO, "m/n.txt is a tracked text file in the working tree that the pack leaves "
         "out", "m/n.txt", None),
        ("coverage.left-out", Severity.INFO, "z.py is a tracked text file in the working tree that the pack leaves "
         "out", "z.py", None)]


def test_require_complete_makes_each_an_error(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "b.py": b"b\n"})
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo, require_complete=True)
    assert result.status == Status.FAIL
    assert [(f.code, f.severity, f.actual) for f in found] == [("coverage.left-out", Severity.ERROR, "b.py")]


def test_require_complete_with_everything_packed_passes(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n"})
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo, require_complete=True)
    assert (result.status, found) == (Status.PASS, [])


def test_paths_relative_to_the_repository_count_as_packed(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "src/b.py": b"b\n"})
    result, found = coverage(tmp_path, ftp(("./a.py", "a\n"), ("./src/b.py", "b\n")), "files-to-prompt", repo,
                             require_complete=True)
    assert (result.status, found) == (Status.PASS, [])


def test_a_stand_in_names_its_file(tmp_path):
    repo = make_repo(tmp_path, {"e.txt": b"", "p.png": b"\x89PNG\x00\xff", "x.txt": b"x\n"})
    raw = gitingest(("e.txt", "[Empty file]"), ("x.txt", "x\n"))
    result, found = coverage(tmp_path, raw, "gitingest", repo, require_complete=True)
    # p.png is binary (a NUL byte): never listed; e.txt is packed as its stand-in
    assert (result.status, found) == (Status.PASS, [])


def test_binary_is_git_s_test_nul_in_the_first_8000_bytes(tmp_path):
    files = {"nul_at_7999.dat": b"a" * 7999 + b"\x00", "nul_at_8000.dat": b"a" * 8000 + b"\x00",
             "latin1.txt": b"caf\xe9\n", "empty.txt": b""}
    repo = make_repo(tmp_path, {"a.py": b"a\n", **files})
    _, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo)
    assert [f.actual for f in found] == ["empty.txt", "latin1.txt", "nul_at_8000.dat"]


def test_untracked_and_deleted_files_are_not_listed(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "gone.py": b"g\n"})
    (repo / "untracked.py").write_bytes(b"u\n")
    (repo / "gone.py").unlink()  # still in the index, no longer a file
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo, require_complete=True)
    assert (result.status, found) == (Status.PASS, [])


def test_rev_lists_the_files_of_that_revision(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "old.py": b"o\n"})
    run_git(repo, "rm", "-q", "old.py")
    (repo / "new.py").write_bytes(b"n\n")
    run_git(repo, "add", "new.py")
    raw = ftp(("a.py", "a\n"))
    _, found = coverage(tmp_path, raw, "files-to-prompt", repo, rev="HEAD")
    assert [(f.message, f.actual) for f in found] == [
        ("old.py is a tracked text file at HEAD that the pack leaves out", "old.py")]
    _, found = coverage(tmp_path, raw, "files-to-prompt", repo)
    assert [(f.message, f.actual) for f in found] == [
        ("new.py is a tracked text file in the working tree that the pack leaves out", "new.py")]


def test_skipped_without_repo(tmp_path):
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", None)
    assert (result.status, result.reason, found) == (Status.SKIPPED, "no --repo given", [])


def test_skipped_when_repo_is_not_a_directory(tmp_path):
    missing = tmp_path / "nowhere"
    result, _ = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", missing)
    assert (result.status, result.reason) == (Status.SKIPPED, f"--repo {missing} is not a directory")


def test_skipped_when_repo_is_not_a_git_repository(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n", "b.py": b"b\n"}, git=False)
    result, found = coverage(tmp_path, ftp(("a.py", "a\n")), "files-to-prompt", repo, require_complete=True)
    assert (result.status, found) == (Status.SKIPPED, [])
    assert result.reason == f"--repo {repo} is not a git repository: coverage lists the files git tracks"


def test_skipped_for_scribe_stats_which_describes_a_pack(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"a\n"})
    stats = (Path(__file__).parent.parent / "data" / "foreign" / "scribe-1.0.0" / "stats.txt").read_bytes()
    result, found = coverage(tmp_path, stats, "scribe-stats", repo, require_complete=True)
    assert (result.status, found) == (Status.SKIPPED, [])
    assert result.reason == (f"scribe output (scribe-stats) describes a pack but holds none (check that pack with "
                             f"--claims {tmp_path / 'pack.txt'})")


def test_scribe_stats_reason_comes_before_a_missing_repo(tmp_path):
    stats = (Path(__file__).parent.parent / "data" / "foreign" / "scribe-1.0.0" / "stats.txt").read_bytes()
    result, _ = coverage(tmp_path, stats, "scribe-stats", None)
    assert result.status == Status.SKIPPED
    assert result.reason.startswith("scribe output (scribe-stats) describes a pack but holds none")
