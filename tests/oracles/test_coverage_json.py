"""coverage on a packverify JSON pack: only with ``--require-complete`` (a packverify pack is
a budgeted selection), against the tracked files at the pack's ``repo_info.commit`` (the
working tree for a commit of zeros or none), every tracked text file the pack leaves out
an error; a commit the repository does not have is the source oracle's to report.
Expected paths and messages are written by hand from the repository each test makes."""

from __future__ import annotations

from pathlib import Path

from helpers import A_PY, B_PY, README, check_doc, git, valid_doc

from packverify.context import Context
from packverify.model import Severity

ZEROS = "0" * 40


def _repo(tmp_path: Path) -> tuple[Path, str]:
    """The files the helpers' pack holds, plus docs/guide.md, a binary and a dotfile;
    committed. Returns (repository, commit)."""
    repo = tmp_path / "repo"
    files = {"README.md": README, "src/a.py": A_PY, "src/b.py": B_PY, "docs/guide.md": "# Guide\n",
             ".editorconfig": "root = true\n"}
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "files")
    return repo, git(repo, "rev-parse", "HEAD")


def _doc(commit: str | None) -> dict:
    doc = valid_doc()
    if commit is None:
        del doc["metadata"]["repo_info"]["commit"]
    else:
        doc["metadata"]["repo_info"]["commit"] = commit
    return doc


def _coverage(doc: dict, repo: Path, *, complete: bool = True):
    report = check_doc(doc, repo=repo, only=["coverage"], context=Context(require_complete=complete))
    return report.oracles["coverage"], [f for f in report.findings if f.oracle == "coverage"]


def test_without_require_complete_a_packverify_pack_is_not_judged(tmp_path):
    repo, commit = _repo(tmp_path)
    result, findings = _coverage(_doc(commit), repo, complete=False)
    assert result.status.value == "skipped" and findings == []
    assert result.reason == ("a packverify pack is a token-budgeted selection of its repository; "
                             "--require-complete asks whether it holds every tracked text file")


def test_every_tracked_text_file_left_out_is_an_error_at_the_commit(tmp_path):
    repo, commit = _repo(tmp_path)
    result, findings = _coverage(_doc(commit), repo)
    assert result.status.value == "fail"
    assert [(f.code, f.severity, f.actual, f.message) for f in findings] == [
        ("coverage.left-out", Severity.ERROR, ".editorconfig",
         f".editorconfig is a tracked text file at {commit} that the pack leaves out"),
        ("coverage.left-out", Severity.ERROR, "docs/guide.md",
         f"docs/guide.md is a tracked text file at {commit} that the pack leaves out"),
    ]  # logo.png is binary; README.md, src/a.py and src/b.py are packed


def test_the_commit_is_read_not_the_working_tree(tmp_path):
    repo, commit = _repo(tmp_path)
    (repo / "docs" / "guide.md").unlink()  # gone from the working tree, still at the commit
    (repo / "new.md").write_text("untracked\n", encoding="utf-8")
    _, findings = _coverage(_doc(commit), repo)
    assert [f.actual for f in findings] == [".editorconfig", "docs/guide.md"]


def test_a_commit_of_zeros_or_none_means_the_working_tree(tmp_path):
    repo, _ = _repo(tmp_path)
    git(repo, "rm", "-q", "--cached", ".editorconfig")  # untracked now: not listed
    for commit in (ZEROS, None):
        result, findings = _coverage(_doc(commit), repo)
        assert result.status.value == "fail", commit
        assert [(f.actual, f.message) for f in findings] == [
            ("docs/guide.md", "docs/guide.md is a tracked text file in the working tree that the pack leaves out")]


def test_a_pack_holding_every_tracked_text_file_passes(tmp_path):
    repo, commit = _repo(tmp_path)
    for rel in ("docs/guide.md", ".editorconfig"):
        git(repo, "rm", "-q", rel)
    git(repo, "commit", "-q", "-m", "fewer")
    result, findings = _coverage(_doc(git(repo, "rev-parse", "HEAD")), repo)
    assert result.status.value == "pass" and findings == []
    assert commit != git(repo, "rev-parse", "HEAD")


def test_a_commit_the_repository_does_not_have_is_left_to_the_source_oracle(tmp_path):
    repo, _ = _repo(tmp_path)
    result, findings = _coverage(_doc("1" * 40), repo)
    assert result.status.value == "pass" and findings == []


def test_skip_reasons_without_a_git_repository(tmp_path):
    repo, commit = _repo(tmp_path)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert _coverage(_doc(commit), plain)[0].reason == \
        f"--repo {plain} is not a git repository: coverage lists the files git tracks"
    missing = tmp_path / "missing"
    assert _coverage(_doc(commit), missing)[0].reason == f"--repo {missing} is not a directory"
    report = check_doc(_doc(commit), only=["coverage"], context=Context(require_complete=True))
    assert report.oracles["coverage"].reason == "no --repo given"
