"""Oracle helpers whose edges the mutation run found untested: the registry's own
consistency checks, ``short``, secret redaction, path rules at the ends of the C1
control range, secret-file names, ``find_secrets`` line numbers — and one bug it
turned up in the ``source`` oracle (a directory at the commit)."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

import pytest
from killer_cases import AWS, make_repo

from packverify.context import Context
from packverify.engine import check_loaded
from packverify.load import parse_bytes
from packverify.oracles import _build, budget, stats
from packverify.oracles._base import short
from packverify.paths import path_problems
from packverify.secrets import find_secrets, secret_file_reason
from packverify.secrets import redact as _redact
from packverify.strategies import Excerpt, reference_bytes, reference_pack


def _module(name, codes):
    return SimpleNamespace(NAME=name, CODES=dict.fromkeys(codes))


def test_the_registry_refuses_duplicates_and_foreign_codes_and_keeps_modules():
    registry = _build((_module("a", ["a.x"]), _module("b", ["b.y"])))
    assert list(registry) == ["a", "b"] and registry["b"].CODES == {"b.y": None}
    with pytest.raises(RuntimeError, match=r"^duplicate oracle name 'a'$"):
        _build((_module("a", []), _module("a", [])))
    with pytest.raises(RuntimeError, match=r"^code 'ab\.x' does not belong to oracle 'a'$"):
        _build((_module("a", ["ab.x"]),))
    assert list(_build((budget, stats))) == ["budget", "stats"]


def test_short_keeps_values_up_to_the_limit_and_cuts_longer_ones():
    assert short("abc", limit=5) == "'abc'"
    assert short("abcd", limit=6) == "'abcd'"
    assert short("abcde", limit=6) == "'abcd…"
    assert len(short("x" * 500)) == 120


def test_redaction_keeps_four_characters_of_long_secrets_and_two_of_short_ones():
    assert _redact("a" * 13) == "aaaa…(redacted)"
    assert _redact("abcdefghijkl") == "ab…(redacted)"


@pytest.mark.parametrize(("path", "code"), [
    ("a\x7fb", "security.control-character"), ("a\x80b", "security.control-character"),
    ("a\x9fb", "security.control-character"), ("a\xa0b", None), ("a\x1fb", "security.control-character"),
    ("\\x.py", "security.absolute-path"), ("a/b/", "security.non-normalized-path"),
])
def test_path_rules_at_their_edges(path, code):
    codes = [c for c, _ in path_problems(path)]
    assert (code in codes) if code else codes == []


def test_path_problem_messages():
    assert path_problems("/x") == [("security.absolute-path", "the path is absolute")]
    assert path_problems("a/../b") == [("security.path-traversal", "the path has a '..' segment")]
    assert path_problems("a\x01") == [("security.control-character", "the path contains a control character")]
    assert path_problems("a/./b") == [("security.non-normalized-path", "the path is not normalized (backslash, "
                                                                       "'.' segment, empty segment or trailing '/')")]


@pytest.mark.parametrize(("path", "reason"), [
    (".env", "an environment file (.env) usually holds credentials"),
    ("deploy/.env", "an environment file (.env) usually holds credentials"),
    ("a/b/c/.env.local", "an environment file (.env) usually holds credentials"),
    (".env.example", None),
    ("x/id_ed25519", "an SSH private key"),
    ("x/.netrc", ".netrc holds credentials"),
    ("home/.aws/credentials", "AWS credentials file"),
    (".aws/credentials", "AWS credentials file"),
    ("HOME/.AWS/CREDENTIALS", "AWS credentials file"),
    ("keys/Deploy.KEY", "a key or keystore file (key)"),
    ("certs/site.tar.pfx", "a key or keystore file (pfx)"),
    ("a.b/c.d/site.p12", "a key or keystore file (p12)"),
    ("id_rsa.pub", None),
    ("x.key.pub", None),
    ("monkey.py", None),
])
def test_secret_file_names(path, reason):
    assert secret_file_reason(path) == reason


def test_find_secrets_numbers_lines_from_one_wherever_the_secret_is():
    def lines(text):
        return [(hit.line, hit.kind) for hit in find_secrets(text)]

    assert lines(f"{AWS}\n") == [(1, "AWS access key id")]
    assert lines(f"\n\nx = '{AWS}'") == [(3, "AWS access key id")]
    assert lines(f"a\nb = '{AWS}'\nc\nd = '{AWS}'\n") == [(2, "AWS access key id"), (4, "AWS access key id")]
    assert lines(f"\n{AWS}") == [(2, "AWS access key id")]


def _git_pack(tmp_path, selections):
    repo = tmp_path / "repo"
    commit = make_repo(repo, git=True)
    doc = reference_pack(selections, target_budget=1000, total_tokens=10**4, commit=commit)
    return check_loaded(parse_bytes(reference_bytes(doc)), Context(repo=repo), ("source",))


def test_source_reads_every_file_of_the_commit(tmp_path):
    report = _git_pack(tmp_path, [Excerpt("README.md", 1, 1, "# Demo\n"), Excerpt("src/dir/inner.py", 1, 1,
                                                                                          "pass\n")])
    assert report.oracles["source"].status.value == "pass", report.findings


def test_source_stays_in_step_after_a_directory_at_the_commit(tmp_path):
    report = _git_pack(tmp_path, [Excerpt("src/dir", 1, 1, "x\n"), Excerpt("src/dir/inner.py", 1, 1, "pass\n")])
    assert [(f.code, f.pointer) for f in report.findings] == [("source.file-missing", "/chunks/0/file_path")]


def test_git_is_available():
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0
