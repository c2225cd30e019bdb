"""The reference packer: its packs pass every oracle, fill the budget, skip what they must,
and are byte-identical across runs."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from helpers import check_doc, run_captured

import packverify
from packverify.packer.build import build_pack, score_key
from packverify.packer.chunking import chunk_ranges

PY = "".join(f"def function_{i}(value):\n    '''Doc {i} — ünïcode.'''\n    return value * {i}\n\n\n" for i in range(60))


def make_repo(root, *, git: bool, extra: dict[str, str | bytes] | None = None):
    files: dict[str, str | bytes] = {
        "README.md": "# Demo\n\nA demo repository.\n",
        "src/app/main.py": PY,
        "src/app/util.py": PY.replace("function_", "helper_"),
        "tests/test_app.py": "def test_x():\n    assert True\n",
        "notes.txt": "no final newline",
        ".gitignore": "*.log\nbuild/\n",
        "debug.log": "ignored\n",
        "build/out.py": "ignored = True\n",
        "node_modules/lib/index.js": "module.exports = 1;\n",
        "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "latin1.txt": "caf\xe9\n".encode("latin-1"),
        ".env": "SECRET=1\n",
        "config/keys.py": "AWS_KEY = 'AKIAQWERTYUIOPASDFGH'\n",
        "package-lock.json": "{}\n",
    }
    files.update(extra or {})
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    if git:
        run = lambda *a: subprocess.run(["git", "-C", str(root), *a], check=True, capture_output=True)  # noqa: E731
        run("init", "-q")
        run("add", "-A")
        env = {**os.environ, "GIT_COMMITTER_DATE": "2021-02-03T04:05:06Z", "GIT_AUTHOR_DATE": "2021-02-03T04:05:06Z"}
        subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"],
                       check=True, capture_output=True, env=env)
    return root


@pytest.fixture(params=["git", "plain"])
def repo(request, tmp_path):
    return make_repo(tmp_path / "demo", git=request.param == "git")


@pytest.mark.parametrize("budget", [1000, 3000, 100_000])
def test_pack_passes_every_oracle_strictly_with_repo(repo, budget):
    result = build_pack(repo, budget=budget, jobs=2)
    report = check_doc(None, raw=result.data, strict=True, repo=repo)
    assert report.findings == (), [f.to_dict() for f in report.findings]
    assert report.oracles["source"].status.value == "pass"
    info = result.document["budget_info"]
    total = result.document["statistics"]["total_tokens"]
    assert info["actual_tokens"] <= budget
    if total > budget:
        assert info["actual_tokens"] >= 0.995 * budget
    else:
        assert info["actual_tokens"] == total


def test_skips_what_must_not_be_packed(repo):
    result = build_pack(repo, budget=100_000)
    paths = {c["file_path"] for c in result.document["chunks"]}
    assert paths == {"README.md", "src/app/main.py", "src/app/util.py", "tests/test_app.py", "notes.txt",
                     ".gitignore"}
    skipped = result.discovery.skipped
    assert skipped["image.png"] == "binary" and skipped["latin1.txt"] == "not UTF-8 text"
    assert skipped[".env"].startswith("secret file") and "AWS" in skipped["config/keys.py"]
    assert skipped["package-lock.json"] == "generated file"
    assert any(p.startswith("node_modules") for p in skipped)
    assert result.document["statistics"]["ignored_files"] == sum(1 for p in skipped if not p.endswith("/"))


def test_ranking_puts_readme_and_entry_points_first():
    paths = ["tests/test_a.py", "src/x/deep.py", "README.md", "src/main.py", "docs/guide.md", "data.json",
             "pyproject.toml"]
    ranked = sorted(paths, key=lambda p: score_key(p, 1))
    assert ranked == ["README.md", "pyproject.toml", "src/main.py", "docs/guide.md", "src/x/deep.py",
                      "tests/test_a.py", "data.json"]


def test_small_budget_selects_readme_and_entry_point_first(repo):
    doc = build_pack(repo, budget=1000).document
    files = [c["file_path"] for c in doc["chunks"]]
    assert "README.md" in files and "src/app/main.py" in files
    assert any(c["file_path"] == "src/app/main.py" and c["start_line"] == 1 for c in doc["chunks"])


def test_chunks_end_at_blank_lines_before_top_level_code():
    ranges = chunk_ranges(PY)
    assert ranges[0][0] == 1 and ranges[-1][1] == PY.count("\n")
    lines = PY.splitlines()
    for start, end in ranges[1:]:
        assert lines[start - 1].startswith("def ") and lines[start - 2] == ""
        assert end - start + 1 <= 80
    text = "x = 1\n" * 500
    assert all(end - start + 1 == 80 for start, end in chunk_ranges(text)[:-1])


def test_two_runs_are_byte_identical_and_created_at_is_not_the_clock(repo, monkeypatch):
    first = build_pack(repo, budget=3000).data
    assert build_pack(repo, budget=3000).data == first
    created = json.loads(first)["metadata"]["created_at"]
    assert created in ("2021-02-03T04:05:06Z", "1970-01-01T00:00:00Z")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert json.loads(build_pack(repo, budget=3000).data)["metadata"]["created_at"] == "2023-11-14T22:13:20Z"


def test_git_mode_packs_the_commit_not_the_working_tree(tmp_path):
    root = make_repo(tmp_path / "g", git=True)
    (root / "src/app/main.py").write_text("# uncommitted edit\n")
    doc = build_pack(root, budget=100_000).document
    assert doc["metadata"]["repo_info"]["commit"] != "0" * 40
    main = [c for c in doc["chunks"] if c["file_path"] == "src/app/main.py"]
    assert main[0]["content"].startswith("def function_0")
    report = check_doc(doc, strict=True, repo=root)
    assert report.findings == ()
    worktree = build_pack(root, budget=100_000, worktree=True).document
    assert worktree["metadata"]["repo_info"]["commit"] == "0" * 40
    assert any(c["content"] == "# uncommitted edit\n" for c in worktree["chunks"])


def test_o200k_pack(repo):
    result = build_pack(repo, budget=2000, tokenizer="o200k")
    assert check_doc(None, raw=result.data, strict=True, repo=repo).findings == ()


def test_cli_pack_then_check(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_captured(["pack", str(repo), "--budget", "2000", "-o", "p.json"])
    assert code == 0, err
    assert "packed" in err
    assert run_captured(["check", "p.json", "--strict", "--repo", str(repo)])[0] == 0
    log = json.loads((tmp_path / "artifacts" / "pack.run.json").read_text())
    assert list(log)[0] == "environment" and log["exit_code"] == 0 and log["summary"]["actual_tokens"] <= 2000


@pytest.mark.parametrize("argv,needle", [
    (["pack", "MISSING", "--budget", "2000"], "not a directory"),
    (["pack", "REPO", "--budget", "10"], "at least 1000"),
    (["pack", "REPO"], "Missing option"),
    (["pack", "REPO", "--budget", "2000", "--tokenizer", "p50k"], "Invalid value"),
    (["pack", "REPO", "--budget", "2000", "-o", "NODIR/x.json"], "cannot write"),
])
def test_cli_pack_errors_exit_2(argv, needle, repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("MISSING", str(tmp_path / "nope")).replace("REPO", str(repo))
            .replace("NODIR", str(tmp_path / "no" / "dir")) for a in argv]
    code, _, err = run_captured(argv)
    assert code == 2 and needle in err, err


def test_pack_to_stdout_as_a_subprocess(repo, tmp_path):
    import sys

    done = subprocess.run([sys.executable, "-m", "packverify", "pack", str(repo), "--budget", "1500", "-q",
                           "--no-run-log"], capture_output=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    report = packverify.parse_bytes(done.stdout)
    assert report.canonical is True


def test_locale_and_working_directory_do_not_change_a_pack(tmp_path):
    """Non-UTF-8 locales once garbled file names; an artifacts/ dir once changed ignored_files."""
    import sys

    root = make_repo(tmp_path / "r", git=False, extra={"docs/über.md": "# Über\n"})
    outputs = []
    for locale, cwd in (("C.UTF-8", tmp_path), ("en_US.ISO-8859-1", root)):
        env = {**os.environ, "LC_ALL": locale, "LANG": locale, "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
        done = subprocess.run([sys.executable, "-m", "packverify", "pack", str(root), "--budget", "5000", "-q"],
                              capture_output=True, cwd=cwd, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert any(c["file_path"] == "docs/über.md" for c in json.loads(outputs[0])["chunks"])


def test_file_names_that_are_not_utf8_are_skipped(tmp_path):
    root = make_repo(tmp_path / "r", git=False)
    (root / "src").joinpath(os.fsdecode(b"bad\xff.py")).write_text("x = 1\n")
    result = build_pack(root, budget=100_000)
    assert any(reason == "file name is not UTF-8" for reason in result.discovery.skipped.values())
    assert check_doc(None, raw=result.data, strict=True, repo=root).findings == ()
