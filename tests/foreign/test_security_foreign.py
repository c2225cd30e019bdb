"""security over packs of other tools (security.check_foreign): path rules on each packed
path relative to the repository, secret files by name, NFC/case collisions, credentials in
each file's packed text and in the pack's own texts (header, summary, directory tree) —
every finding at its line:column in the pack, credentials redacted.

Packs are written by hand here; every expected location is computed from the text written
(:func:`at`), never by the reader or the oracle."""

from __future__ import annotations

import json

import pytest
from helpers import run_captured

import packverify
from packverify.context import Context
from packverify.model import Location, Severity, Status

AWS = "AKIA" + "QWERTYUIOPASDFGH"  # an AWS access key id shape (split: no secret in this file)
GHP = "ghp_" + "Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo"  # a GitHub token shape
REPOMIX_HEAD = ("This file is a merged representation of the entire codebase, combined into a single document by "
                "Repomix.\n")
INTRO = "This section contains the contents of the repository's files.\n\n"


def at(text: str, offset: int) -> Location:
    """Line:column (1-based, columns in characters) of ``offset`` in ``text``."""
    return Location(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def ftp(files: list[tuple[str, str]]) -> str:
    """files-to-prompt 0.6 default style: path, ---, content, blank line, ---."""
    return "".join(f"{path}\n---\n{content}\n\n---\n" for path, content in files)


def repomix_xml(files: list[tuple[str, str]], *, header: str = "", summary: str = "summary\n",
                tree: str | None = None) -> str:
    listed = tree if tree is not None else "\n".join(p for p, _ in files)
    body = "".join(f'<file path="{p}">\n{c}\n</file>\n\n' for p, c in files)
    return (REPOMIX_HEAD + header + f"\n<file_summary>\n{summary}</file_summary>\n\n"
            f"<directory_structure>\n{listed}\n</directory_structure>\n\n<files>\n{INTRO}{body}</files>\n")


def check(tmp_path, text: str, name: str = "pack.txt", **context) -> packverify.PackReport:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    report = packverify.engine.check([str(path)], only=["security"], context=Context(**context))
    (pack,) = report.packs
    return pack


def found(pack, code: str | None = None) -> list:
    return [f for f in pack.oracles["security"].findings if code is None or f.code == code]


def test_files_to_prompt_dot_prefix_is_removed_before_the_path_rules(tmp_path):
    pack = check(tmp_path, ftp([("./src/a.py", "x = 1"), ("./README.md", "# r")]))
    assert found(pack) == []
    assert pack.oracles["security"].status is Status.PASS


def test_a_dot_prefix_on_only_some_paths_is_not_removed(tmp_path):
    text = ftp([("./src/a.py", "x = 1"), ("b.py", "y = 2")])
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.code == "security.non-normalized-path"
    assert f.actual == "./src/a.py"
    assert f.location == Location(1, 1)


def test_traversal_is_judged_on_the_relative_path_and_named_as_the_pack_spells_it(tmp_path):
    text = ftp([("./src/a.py", "x = 1"), ("./../outside.txt", "o")])
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.code == "security.path-traversal"
    assert f.severity is Severity.ERROR
    assert f.message == "the path has a '..' segment: './../outside.txt'"
    assert f.actual == "./../outside.txt"
    assert f.pointer == ""
    assert f.location == at(text, text.index("./../outside.txt"))
    assert pack.oracles["security"].status is Status.FAIL


@pytest.mark.parametrize(("path", "code"), [
    ("/etc/passwd", "security.absolute-path"),
    ("src//b.py", "security.non-normalized-path"),
    ("src\\b.py", "security.non-normalized-path"),
    (".git/config", "security.git-internal-path"),
    ("src/admin\u202e.py", "security.bidi-control"),
    ("src/con\u200bfig.py", "security.invisible-character"),
    ("src/a\x1b[2K.py", "security.control-character"),
])
def test_each_path_rule_is_located_at_its_entry(tmp_path, path, code):
    text = ftp([("src/ok.py", "x = 1"), (path, "y = 2")])
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert (f.code, f.actual) == (code, path)
    assert f.message.endswith(f": {path!r}")
    assert f.location == at(text, text.index("---\ny = 2") - len(path) - 1)


def test_a_repeated_path_is_reported_once_and_later_paths_still_are(tmp_path):
    text = ftp([("../x.txt", "a"), ("../x.txt", "b"), ("/abs.txt", "c"), ("../x.txt", "d")])
    pack = check(tmp_path, text)
    got = [(f.code, f.actual, f.location) for f in found(pack)]
    assert sorted(got) == sorted([
        ("security.path-traversal", "../x.txt", Location(1, 1)),
        ("security.absolute-path", "/abs.txt", at(text, text.index("/abs.txt"))),
    ])


def test_secret_files_by_name(tmp_path):
    text = ftp([("./.env", "A=1"), ("./config/id_rsa", "k"), ("./.env.example", "A="), ("./.env", "again")])
    pack = check(tmp_path, text)
    got = {(f.code, f.actual, f.location, f.message) for f in found(pack)}
    assert got == {
        ("security.secret-file", "./.env", Location(1, 1),
         "'./.env' is a secret file: an environment file (.env) usually holds credentials"),
        ("security.secret-file", "./config/id_rsa", at(text, text.index("./config/id_rsa")),
         "'./config/id_rsa' is a secret file: an SSH private key"),
    }
    assert all(f.severity is Severity.ERROR for f in found(pack))


def test_case_collision_is_a_warning_at_the_later_entry_on_relative_paths(tmp_path):
    text = ftp([("./README.md", "a"), ("./docs/x.md", "b"), ("./readme.md", "c")])
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.code == "security.case-collision"
    assert f.severity is Severity.WARNING
    assert f.message == "'readme.md' and 'README.md' are the same path under case folding"
    assert f.expected == "distinct from 'README.md'"
    assert f.actual == "readme.md"
    assert f.location == at(text, text.index("./readme.md"))
    assert pack.oracles["security"].status is Status.PASS  # a warning does not fail


def test_normalization_collision_is_an_error_and_the_nfd_name_a_warning(tmp_path):
    nfc, nfd = "caf\u00e9.md", "cafe\u0301.md"
    text = ftp([(nfc, "a"), ("x.py", "b"), (nfd, "c")])
    pack = check(tmp_path, text)
    by_code = {f.code: f for f in found(pack)}
    assert set(by_code) == {"security.normalization-collision", "security.non-nfc-path"}
    collision = by_code["security.normalization-collision"]
    assert collision.severity is Severity.ERROR
    assert collision.message == f"{nfd!r} and {nfc!r} are the same path after Unicode NFC normalization"
    assert collision.expected == f"distinct from {nfc!r}"
    assert collision.actual == nfd
    assert collision.location == at(text, text.index(nfd))
    assert by_code["security.non-nfc-path"].severity is Severity.WARNING
    assert by_code["security.non-nfc-path"].location == at(text, text.index(nfd))
    assert pack.oracles["security"].status is Status.FAIL


def test_secret_in_a_file_is_located_at_its_line_in_the_pack(tmp_path):
    content = f"x = 1\nkey = '{AWS}'\ny = 2\ntoken = '{AWS}'"
    text = ftp([("./src/ok.py", "fine"), ("./src/a.py", content)])
    pack = check(tmp_path, text)
    got = [(f.code, f.message, f.actual, f.location) for f in found(pack)]
    first_line = text.index(f"key = '{AWS}'")
    second_line = text.index(f"token = '{AWS}'")
    assert got == [
        ("security.secret", "AWS access key id in ./src/a.py, line 2 of its packed text", "AKIA…(redacted)",
         at(text, first_line)),
        ("security.secret", "AWS access key id in ./src/a.py, line 4 of its packed text", "AKIA…(redacted)",
         at(text, second_line)),
    ]
    assert at(text, first_line).line == 9  # by hand: 5 lines of the first block, path, ---, "x = 1", the key


def test_secret_on_the_first_line_of_an_entry_is_at_its_column(tmp_path):
    """repomix --parsable-style: the content begins right after the opening tag."""
    text = f'<repomix>\n<files>\n<file path="a.py">k = "{GHP}"\nmore</file>\n</files>\n</repomix>\n'
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.message == "GitHub token in a.py, line 1 of its packed text"
    assert f.actual == "ghp_…(redacted)"
    assert f.location == Location(3, len('<file path="a.py">') + 1)


def test_secret_in_escaped_text_past_line_one_is_at_where_the_text_begins(tmp_path):
    """An escaped entry is not the packed text verbatim: its lines are not the pack's lines."""
    text = f'<repomix>\n<files>\n<file path="a.py">a &amp; b\nk = "{GHP}"</file>\n</files>\n</repomix>\n'
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.message == "GitHub token in a.py, line 2 of its packed text"
    assert f.location == Location(3, len('<file path="a.py">') + 1)


def test_secret_in_verbatim_parsable_text_past_line_one_is_at_its_line(tmp_path):
    text = f'<repomix>\n<files>\n<file path="a.py">a and b\nk = "{GHP}"</file>\n</files>\n</repomix>\n'
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.location == Location(4, 1)


def test_secrets_in_the_header_summary_and_tree_are_located(tmp_path):
    tree = f"src/\n  a.py\n{GHP}.txt"
    text = repomix_xml([("src/a.py", "x = 1")], header=f"note {AWS}\n", summary=f"line one\nsee {GHP}\n", tree=tree)
    pack = check(tmp_path, text)
    got = {(f.message, f.actual, f.location) for f in found(pack)}
    assert got == {
        ("AWS access key id in the pack's header, line 2 of it", "AKIA…(redacted)", Location(2, 1)),
        ("GitHub token in the pack's file_summary, line 2 of it", "ghp_…(redacted)",
         at(text, text.index(f"see {GHP}"))),
        ("GitHub token in the pack's directory_structure, line 3 of it", "ghp_…(redacted)",
         at(text, text.index(f"{GHP}.txt"))),
    }
    assert all(f.code == "security.secret" and f.severity is Severity.ERROR for f in found(pack))


def test_secret_on_the_first_line_of_a_metadata_text_is_at_its_column(tmp_path):
    text = (f'<repomix>\n<file_summary>key {GHP}</file_summary>\n<files>\n<file path="a.py">x</file>\n</files>\n'
            "</repomix>\n")
    pack = check(tmp_path, text)
    (f,) = found(pack)
    assert f.message == "GitHub token in the pack's file_summary, line 1 of it"
    assert f.location == Location(2, len("<file_summary>") + 1)


def test_a_clean_repomix_pack_passes(tmp_path):
    pack = check(tmp_path, repomix_xml([("src/a.py", "x = 1"), ("README.md", "# hi")]))
    assert found(pack) == []
    assert pack.oracles["security"].status is Status.PASS


def test_the_json_report_never_echoes_the_secret(tmp_path):
    text = repomix_xml([("src/a.py", f"x = 1\nkey = '{AWS}'")])
    path = tmp_path / "pack.xml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_captured(["check", str(path), "--only", "security", "--format", "json"])
    assert code == 1, err
    assert AWS[4:] not in out
    (finding,) = json.loads(out)["packs"][0]["findings"]
    assert finding["code"] == "security.secret"
    assert finding["actual"] == "AKIA…(redacted)"
    assert finding["location"] == at(text, text.index(f"key = '{AWS}'")).to_dict()
