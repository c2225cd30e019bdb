"""security: fires on real secrets and unsafe paths, stays quiet on look-alikes, never echoes a secret."""

from __future__ import annotations

import json

import pytest
from helpers import check_doc, codes, mutated

from packverify.model import Report, Verdict
from packverify.paths import path_problems
from packverify.report.json_report import dumps
from packverify.secrets import secret_file_reason
from packverify.strategies import Excerpt

NOT_SECRET_FILES = ["monkey_patch.py", "src/keys.py", "keyboard.c", "secret_santa.md", ".env.example",
                    ".env.sample", "config/.env.template", "home/.ssh/id_rsa.pub", "docs/api-key-rotation.md",
                    "environment.py", "keystore_test.go", "pem/readme.md"]


@pytest.mark.parametrize("path", NOT_SECRET_FILES)
def test_names_that_merely_look_secret_are_not_secret_files(path):
    assert secret_file_reason(path) is None


@pytest.mark.parametrize("path", ["a.py", "src/ü/naïve.py", "a b/c-d_e.f", ".github/workflows/ci.yml", "x..y/z",
                                  "..foo", "foo.."])
def test_safe_paths_have_no_problems(path):
    assert path_problems(path) == []


LOOK_ALIKES = [
    "digest = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n",
    "password = os.environ['DB_PASSWORD']\n",
    "AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'\n",  # AWS's documented example key
    "key = 'AKIAQWERTYUIOPASDFGHJ'  # pragma: allowlist secret\n",
    "-----BEGIN PUBLIC KEY-----\n",
    "See https://docs.example.com/aws/keys for how to rotate.\n",
    "token = get_token('ghp_')\n",
]


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_look_alikes_are_not_secrets(line):
    doc = mutated(lambda d: None, selections=[Excerpt("src/x.py", 1, 1, line)])
    assert "security.secret" not in codes(check_doc(doc))


def test_a_secret_is_never_echoed_in_any_report():
    secret = "AKIA" + "QWERTYUIOPASDFGH"
    doc = mutated(lambda d: None, selections=[Excerpt("src/x.py", 1, 2, f"a = 1\nk = '{secret}'\n")])
    pack = check_doc(doc)
    [finding] = [f for f in pack.findings if f.code == "security.secret"]
    assert "src/x.py:2" in finding.message and "AWS" in finding.message
    report = Report((pack,), Verdict.FAIL)
    text = dumps(report)
    assert secret not in text
    # The content itself is in the pack, not in the report.
    assert secret not in json.dumps([f.to_dict() for f in pack.findings])


def test_secret_line_numbers_point_into_the_file():
    body = "".join(f"line {i}\n" for i in range(1, 10)) + "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    doc = mutated(lambda d: None, selections=[Excerpt("k/deploy.txt", 41, 50, body)])
    [finding] = [f for f in check_doc(doc).findings if f.code == "security.secret"]
    assert "k/deploy.txt:50" in finding.message


def test_secrets_in_many_chunks_and_batches_are_all_found(monkeypatch):
    from packverify.secrets import scan

    monkeypatch.setattr(scan, "BATCH_CHARS", 64)  # force many batches
    selections = [Excerpt(f"f{i:02}.txt", 1, 2, f"x{i}\nghp_Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo\n") for i in range(30)]
    doc = mutated(lambda d: None, selections=selections)
    found = [f for f in check_doc(doc).findings if f.code == "security.secret"]
    assert sorted(f.pointer for f in found) == sorted(f"/chunks/{i}/content" for i in range(30))


def test_unsafe_path_reported_once_per_file_not_per_chunk():
    doc = mutated(lambda d: [c.update(file_path="/abs/a.py") for c in d["chunks"][1:3]])
    found = [f for f in check_doc(doc).findings if f.code == "security.absolute-path"]
    assert len(found) == 1


def test_offsets_survive_text_whose_lowercase_changes_length():
    # 'İ'.lower() is two characters: candidate lines must still be cut at the right place.
    text = "İİİİ\n" * 50 + "slack = 'xoxb-1234567890-abcdefghij'\n"
    doc = mutated(lambda d: None, selections=[Excerpt("t.txt", 1, 51, text)])
    [finding] = [f for f in check_doc(doc).findings if f.code == "security.secret"]
    assert "t.txt:51" in finding.message and "Slack" in finding.message


def test_many_secrets_in_one_chunk_each_on_its_own_line():
    # key i sits on line 3*i + 3 of the chunk (two filler lines before each): counted by hand
    keys = [f"AKIA{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}QWERTYUIOPASDF" for i in range(600)]
    text = "".join(f"a = 1\nb = 2\nk{i} = '{key}'\n" for i, key in enumerate(keys))
    doc = mutated(lambda d: None, selections=[Excerpt("big.py", 101, 100 + 3 * len(keys), text)])
    found = [f for f in check_doc(doc).findings if f.code == "security.secret"]
    assert sorted(int(f.message.rsplit(":", 1)[1]) for f in found) == [100 + 3 * i + 3 for i in range(len(keys))]


def test_scan_many_numbers_lines_within_each_text():
    from packverify.secrets import scan_many

    key = "AKIAQWERTYUIOPASDFGH"
    texts = [("a", f"{key}\n"), ("b", "x\n\n"), ("c", f"1\n2\n3\n{key}"), ("d", ""), ("e", f"z\n{key}\n")]
    for batch in (None, 8):  # one batch, and one batch per text
        assert [(k, h.line, h.start) for k, h in scan_many(texts, batch)] == [("a", 1, 0), ("c", 4, 6), ("e", 2, 2)]


def test_a_begin_line_split_across_chunks_and_the_next_chunk():
    head = "# deploy key\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
    body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" \
           "QyNTUxOQAAACD1Lg/uoW5/hrprNE/3sFd0omqIiiOoGFGKAd5dBefQxgAAAJgiTLv9Iky7\n"
    doc = mutated(lambda d: None, selections=[Excerpt("k.txt", 1, 2, head), Excerpt("k.txt", 3, 4, body)])
    assert {f.pointer for f in check_doc(doc).findings if f.code == "security.secret"} == {"/chunks/0/content",
                                                                                            "/chunks/1/content"}


@pytest.mark.parametrize(("paths", "expected"), [
    (["a.md", "b.md"], []),
    (["README.md", "readme.md"], [("security.case-collision", "readme.md", "README.md")]),
    (["caf\u00e9.md", "cafe\u0301.md"], [("security.normalization-collision", "cafe\u0301.md", "caf\u00e9.md")]),
    (["Caf\u00e9.md", "cafe\u0301.md"], [("security.case-collision", "cafe\u0301.md", "Caf\u00e9.md")]),
    (["a/B.md", "a/b.md", "A/b.md"], [("security.case-collision", "a/b.md", "a/B.md"),
                                      ("security.case-collision", "A/b.md", "a/B.md")]),
    (["straße.md", "STRASSE.md"], [("security.case-collision", "STRASSE.md", "straße.md")]),
    (["x.md", "x.md"], []),
])
def test_path_collisions_by_hand(paths, expected):
    from packverify.paths import path_collisions

    assert path_collisions(paths) == expected


@pytest.mark.parametrize(("path", "leaks"), [
    ("app", False), ("../app", False), ("src/app", False), ("app~", False), (".", False), ("~app", True),  # ~user
    ("/home/alice/app", True), ("~/src/app", True), ("~", True), ("~alice/app", True), ("C:\\Users\\a\\app", True),
    ("c:/work/app", True), ("\\\\server\\share\\app", True), ("$HOME/app", True), ("%USERPROFILE%\\app", True),
])
def test_machine_paths_by_hand(path, leaks):
    from packverify.paths import machine_path_reason

    assert (machine_path_reason(path) is not None) is leaks
