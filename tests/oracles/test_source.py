"""source: compares chunk content with the repository at the pack's commit."""

from __future__ import annotations

import pytest
from helpers import check_doc, git, pairs

from packverify.format import ZERO_COMMIT
from packverify.strategies import Excerpt, reference_pack

FILES = {"src/a.py": "def a():\n    return 1\n\n\ndef b():\n    return 2\n", "README.md": "# R\n\nno final newline"}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    git(root.parent, "init", "-q", str(root))
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def _pack(commit, **changes):
    selections = [Excerpt("README.md", 1, 3, FILES["README.md"]),
                  Excerpt("src/a.py", 1, 2, "def a():\n    return 1\n"),
                  Excerpt("src/a.py", 5, 6, "def b():\n    return 2\n")]
    return reference_pack(selections, target_budget=1000, commit=commit)


def test_pack_of_the_commit_passes(repo):
    report = check_doc(_pack(git(repo, "rev-parse", "HEAD")), repo=repo, strict=True)
    assert report.oracles["source"].status.value == "pass", [f.to_dict() for f in report.findings]


def test_commit_is_read_not_the_working_tree(repo):
    commit = git(repo, "rev-parse", "HEAD")
    (repo / "src/a.py").write_text("def a():\n    return 9\n")
    assert check_doc(_pack(commit), repo=repo).oracles["source"].status.value == "pass"
    # A zero commit means: compare with the working tree, which now differs.
    report = check_doc(_pack(ZERO_COMMIT), repo=repo)
    assert ("source.content-mismatch", "/chunks/1/content") in pairs(report)
    assert ("source.line-range", "/chunks/2/end_line") in pairs(report)


def test_edited_content_is_a_mismatch_with_the_line(repo):
    doc = _pack(git(repo, "rev-parse", "HEAD"))
    doc["chunks"][2]["content"] = "def b():\n    return 3\n"
    report = check_doc(doc, repo=repo)
    [finding] = [f for f in report.findings if f.code == "source.content-mismatch"]
    assert finding.pointer == "/chunks/2/content" and "first at line 6" in finding.message
    assert finding.expected == "    return 2" and finding.actual == "    return 3"


def test_missing_file_and_unknown_commit(repo):
    doc = _pack(git(repo, "rev-parse", "HEAD"))
    doc["chunks"][1]["file_path"] = "src/gone.py"
    assert ("source.file-missing", "/chunks/1/file_path") in pairs(check_doc(doc, repo=repo))
    doc["chunks"][1]["file_path"] = "src/a b.py"  # git answers "<commit>:src/a b.py missing"
    report = check_doc(doc, repo=repo)
    assert ("source.file-missing", "/chunks/1/file_path") in pairs(report) and report.internal_errors == 0
    report = check_doc(_pack("1" * 40), repo=repo)
    assert ("source.commit-not-found", "/metadata/repo_info/commit") in pairs(report)


def test_non_git_directory_compares_the_working_tree_with_a_warning(tmp_path):
    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    report = check_doc(_pack("2" * 40), repo=tmp_path)
    assert {f.code for f in report.findings} == {"source.working-tree"}
    assert report.verdict.value == "pass"
    assert check_doc(_pack(ZERO_COMMIT), repo=tmp_path).findings == ()


def test_paths_outside_the_repository_are_never_read(tmp_path):
    (tmp_path / "secret.txt").write_text("# R\n\nno final newline")
    inner = tmp_path / "inner"
    inner.mkdir()
    doc = _pack(ZERO_COMMIT)
    doc["chunks"][0]["file_path"] = "../secret.txt"
    report = check_doc(doc, repo=inner)
    assert ("source.file-missing", "/chunks/0/file_path") in pairs(report)


def test_skipped_without_repo():
    report = check_doc(_pack(ZERO_COMMIT))
    assert report.oracles["source"].status.value == "skipped"
    assert report.oracles["source"].reason == "no --repo given"


def test_a_bare_repository_holding_the_commit_is_read(repo, tmp_path):
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    commit = git(repo, "rev-parse", "HEAD")
    report = check_doc(_pack(commit), repo=bare, strict=True)
    assert report.oracles["source"].status.value == "pass", [f.to_dict() for f in report.findings]
    doc = _pack(commit)
    doc["chunks"][2]["content"] = "def b():\n    return 3\n"
    assert ("source.content-mismatch", "/chunks/2/content") in pairs(check_doc(doc, repo=bare))
    # all zeros asks for a working tree, which a bare repository does not have
    skipped = check_doc(_pack(ZERO_COMMIT), repo=bare).oracles["source"]
    assert skipped.status.value == "skipped" and "bare repository" in skipped.reason


def test_a_sha256_repository_and_its_64_hex_commit(tmp_path):
    root = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(root))
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    commit = git(root, "rev-parse", "HEAD")
    assert len(commit) == 64
    report = check_doc(_pack(commit), repo=root, strict=True)
    assert report.findings == (), [f.to_dict() for f in report.findings]  # the schema accepts it too
    assert report.oracles["source"].status.value == "pass"
    assert ("source.commit-not-found", "/metadata/repo_info/commit") in pairs(check_doc(_pack("1" * 64), repo=root))


@pytest.mark.parametrize("mode", ["summary", "signature"])
def test_summary_chunks_must_name_existing_files_and_lines(repo, mode):
    commit = git(repo, "rev-parse", "HEAD")
    doc = _pack(commit)
    doc["chunks"][1].update(selected_mode=mode, file_path="src/gone.py")
    assert ("source.file-missing", "/chunks/1/file_path") in pairs(check_doc(doc, repo=repo))
    doc = _pack(commit)
    doc["chunks"][2].update(selected_mode=mode, end_line=60)  # src/a.py has 6 lines
    report = check_doc(doc, repo=repo)
    [finding] = [f for f in report.findings if f.code == "source.line-range"]
    assert finding.pointer == "/chunks/2/end_line" and finding.expected == "<= 6" and finding.actual == 60
    # within the file, a summary is not compared line for line
    doc = _pack(commit)
    doc["chunks"][2].update(selected_mode=mode, content="def b(): ...\n")
    assert not [f for f in check_doc(doc, repo=repo).findings if f.oracle == "source"]
