"""The source oracle on packs of other tools (``check_foreign`` / ``requires_foreign``).

Each test builds a small git repository in ``tmp_path`` and writes a pack by hand in the
tool's template (docs/formats/*.md), so the expected finding — code, severity, message
facts, expected/actual and the line:column in the pack — is read off the text written here.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git

from packverify import engine
from packverify.context import Context
from packverify.model import Location, Severity, Status
from packverify.readers.base import TRANSFORMATIONS

SEP = "=" * 48
REPOMIX_HEAD = ("This file is a merged representation of the entire codebase, combined into a single document by "
                "Repomix.\nThe content has been processed where {notes}security check has been disabled.")


def make_repo(tmp_path: Path, files: dict[str, bytes], *, commit: bool = True) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    if commit:
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "fixture")
    return repo


def check(tmp_path: Path, raw: str | bytes, fmt: str, repo: Path | None, *, rev: str | None = None):
    pack = tmp_path / "pack.txt"
    pack.write_bytes(raw.encode("utf-8") if isinstance(raw, str) else raw)
    report = engine.check([str(pack)], repo=None if repo is None else str(repo),
                          context=Context(input_format=fmt, rev=rev))
    return report.packs[0]


def source(pack):
    return pack.oracles["source"], [f for f in pack.findings if f.oracle == "source"]


def at(raw: str, offset: int) -> Location:
    """line:column of ``offset`` in ``raw`` (1-based, columns in characters)."""
    return Location(raw.count("\n", 0, offset) + 1, offset - (raw.rfind("\n", 0, offset) + 1) + 1)


def ftp(*entries: tuple[str, str]) -> str:
    """files-to-prompt's default style: path, ---, content, a blank line, ---."""
    return "".join(f"{p}\n---\n{t}\n\n---\n" for p, t in entries)


def gitingest(*entries: tuple[str, str]) -> str:
    """gitingest's digest of root-level files: tree, then SEP/FILE/SEP/content blocks."""
    names = [p for p, _ in entries]
    tree = "".join(f"    {'└── ' if i == len(names) - 1 else '├── '}{n}\n" for i, n in enumerate(names))
    blocks = [f"{SEP}\nFILE: {p}\n{SEP}\n{t}\n\n" for p, t in entries]
    return "Directory structure:\n└── repo/\n" + tree + "\n" + "\n".join(blocks)


def repomix_xml(*entries: tuple[str, str], notes: str = "") -> str:
    out = [REPOMIX_HEAD.format(notes=notes), "", "<file_summary>", "This section contains a summary of this file.",
           "</file_summary>", "", "<directory_structure>", "\n".join(p for p, _ in entries),
           "</directory_structure>", "", "<files>", "This section contains the contents of the repository's files.", ""]
    for path, text in entries:
        out += [f'<file path="{path}">', text, "</file>", ""]
    out.append("</files>")
    return "\n".join(out).strip() + "\n"


def packrepo(*chunks: tuple[str, int, int, str, str]) -> str:
    index = [{"id": f"c{i}", "rel_path": p, "start_line": a, "end_line": b, "selected_mode": m,
              "selected_tokens": 0} for i, (p, a, b, m, _) in enumerate(chunks)]
    doc = {"format_version": "0.3", "packrepo_version": "0.1.0", "tokenizer": "cl100k_base", "chunks": index}
    body = "\n".join(f"### path: {p} lines: {a}-{b} mode: {m}\n\n{t}\n" for p, a, b, m, t in chunks)
    return json.dumps(doc, indent=2) + "\n\n" + body


# ---------------------------------------------------------------- exactly what the tool writes

def test_identical_text_passes_with_no_finding(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\ny = 2\n", "b.py": b"z = 3\n"})
    status, found = source(check(tmp_path, ftp(("a.py", "x = 1\ny = 2\n"), ("b.py", "z = 3\n")),
                                 "files-to-prompt", repo))
    assert (status.status, found) == (Status.PASS, [])


def test_crlf_to_lf_is_a_warning_named_once_per_file(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\r\ny = 2\r\n"})
    raw = ftp(("a.py", "x = 1\ny = 2\n"), ("a.py", "x = 1\ny = 2\n"))  # the same file twice: one warning
    status, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert status.status == Status.PASS  # a warning does not fail the oracle
    assert [(f.code, f.severity, f.message, f.expected, f.actual, f.location) for f in found] == [
        ("source.transformed", Severity.WARNING, "a.py: crlf-to-lf (files-to-prompt's documented transformation)",
         TRANSFORMATIONS["crlf-to-lf"], "crlf-to-lf", Location(1, 1))]


def test_files_to_prompt_keeps_a_bom_so_a_dropped_bom_is_an_error(tmp_path):
    repo = make_repo(tmp_path, {"a.py": "\ufeffx = 1\n".encode()})
    raw = ftp(("a.py", "x = 1\n"))
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [(f.code, f.severity, f.expected, f.actual) for f in found] == [
        ("source.content-mismatch", Severity.ERROR, "\ufeffx = 1", "x = 1")]


def test_repomix_bom_and_trim_are_warnings_in_the_order_applied(tmp_path):
    repo = make_repo(tmp_path, {"a.py": "\ufeff\n\nx = 1\ny = 2  \n".encode()})
    raw = repomix_xml(("a.py", "x = 1\ny = 2"))
    status, found = source(check(tmp_path, raw, "repomix-xml", repo))
    where = at(raw, raw.index('<file path="a.py">'))
    assert [(f.code, f.actual, f.expected, f.location) for f in found] == [
        ("source.transformed", "bom-removed", TRANSFORMATIONS["bom-removed"], where),
        ("source.transformed", "surrounding-whitespace-trimmed", TRANSFORMATIONS["surrounding-whitespace-trimmed"],
         where)]
    assert found[0].message == "a.py: bom-removed (repomix's documented transformation)"
    assert {f.severity for f in found} == {Severity.WARNING}


def test_repomix_latin1_file_transcoded(tmp_path):
    repo = make_repo(tmp_path, {"l.txt": b"caf\xe9 cr\xe8me\n"})
    raw = repomix_xml(("l.txt", "café crème"))
    _, found = source(check(tmp_path, raw, "repomix-xml", repo))
    assert [(f.code, f.actual) for f in found] == [("source.transformed", "legacy-encoding-transcoded"),
                                                   ("source.transformed", "surrounding-whitespace-trimmed")]


def test_trimmed_leading_lines_shift_the_reported_line(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"\n\nx = 1\ny = 2\nz = 3\n"})
    raw = repomix_xml(("a.py", "x = 1\ny = 9\nz = 3"))
    _, found = source(check(tmp_path, raw, "repomix-xml", repo))
    (f,) = found
    assert f.code == "source.content-mismatch"
    # the file's line 4 (two blank lines were trimmed away), the pack's second line of text
    assert f.message == "a.py: line 4 differs from the file in the working tree"
    assert (f.expected, f.actual) == ("y = 2", "y = 9")
    assert f.location == at(raw, raw.index("y = 9"))


def test_gitingest_empty_and_binary_stand_ins_are_warnings(tmp_path):
    repo = make_repo(tmp_path, {"e.txt": b"", "p.png": b"\x89PNG\r\n\x1a\n\x00\xff\xfe"})
    raw = gitingest(("e.txt", "[Empty file]"), ("p.png", "[Binary file]"))
    status, found = source(check(tmp_path, raw, "gitingest", repo))
    assert [(f.code, f.message, f.actual, f.location) for f in found] == [
        ("source.transformed", "e.txt: empty-as-placeholder (gitingest's documented transformation)",
         "empty-as-placeholder", at(raw, raw.index(SEP + "\nFILE: e.txt"))),
        ("source.transformed", "p.png: binary-as-placeholder (gitingest's documented transformation)",
         "binary-as-placeholder", at(raw, raw.index(SEP + "\nFILE: p.png")))]


NOTEBOOK = json.dumps({"cells": [{"cell_type": "markdown", "source": ["# T"]},
                                 {"cell_type": "code", "source": ["x = 1"], "outputs": []}]}).encode()
# gitingest's process_notebook, by hand: header, markdown as a triple-quoted string, code; blank lines between
SCRIPT = '# Jupyter notebook converted to Python script.\n\n"""\n# T\n"""\n\nx = 1\n'


def test_notebook_as_script_warning_and_error_in_script_lines(tmp_path):
    repo = make_repo(tmp_path, {"n.ipynb": NOTEBOOK})
    _, found = source(check(tmp_path, gitingest(("n.ipynb", SCRIPT)), "gitingest", repo))
    assert [(f.code, f.actual) for f in found] == [("source.transformed", "notebook-as-script")]
    raw = gitingest(("n.ipynb", SCRIPT.replace("x = 1", "x = 2")))
    _, found = source(check(tmp_path, raw, "gitingest", repo))
    (f,) = found
    assert f.message == ("n.ipynb: line 7 of the script gitingest makes of it differs from the file in the working "
                         "tree")
    assert (f.code, f.expected, f.actual, f.location) == ("source.content-mismatch", "x = 1", "x = 2",
                                                          at(raw, raw.index("x = 2")))


# ---------------------------------------------------------------- stand-ins that are wrong or not compared

def test_empty_stand_in_for_a_file_with_text(tmp_path):
    repo = make_repo(tmp_path, {"a.txt": b"one\ntwo\n"})
    raw = gitingest(("a.txt", "[Empty file]"))
    _, found = source(check(tmp_path, raw, "gitingest", repo))
    assert [(f.code, f.severity, f.message, f.expected, f.actual, f.location) for f in found] == [
        ("source.content-mismatch", Severity.ERROR,
         "a.txt: the pack writes '[Empty file]', but for this file gitingest writes 2 line(s) of text",
         "one\ntwo\n", "[Empty file]", at(raw, raw.index(SEP + "\nFILE: a.txt")))]


def test_binary_stand_in_for_an_empty_file(tmp_path):
    repo = make_repo(tmp_path, {"e.txt": b""})
    _, found = source(check(tmp_path, gitingest(("e.txt", "[Binary file]")), "gitingest", repo))
    assert [(f.code, f.message, f.expected, f.actual) for f in found] == [
        ("source.content-mismatch", "e.txt: the pack writes '[Binary file]', but for this file gitingest writes "
         "'[Empty file]'", "[Empty file]", "[Binary file]")]


def test_binary_stand_in_for_a_notebook_gitingest_cannot_convert(tmp_path):
    repo = make_repo(tmp_path, {"n.ipynb": b"{not json"})
    _, found = source(check(tmp_path, gitingest(("n.ipynb", "[Binary file]")), "gitingest", repo))
    assert [(f.code, f.message, f.expected, f.actual) for f in found] == [
        ("source.content-mismatch", "n.ipynb: the pack writes '[Binary file]', but for this file gitingest writes "
         "nothing", None, "[Binary file]")]


def test_long_expected_text_is_cut_at_200_characters(tmp_path):
    body = "a" * 150 + "\n" + "b" * 150 + "\n"
    repo = make_repo(tmp_path, {"a.txt": body.encode()})
    _, found = source(check(tmp_path, gitingest(("a.txt", "[Empty file]")), "gitingest", repo))
    assert found[0].expected == body[:199] + "…"
    assert len(found[0].expected) == 200


def test_undocumented_stand_in_is_not_compared(tmp_path):
    repo = make_repo(tmp_path, {"a.txt": b"caf\xe9\n"})
    stand_in = "Error reading file with 'cp1252': boom"
    raw = gitingest(("a.txt", stand_in))
    status, found = source(check(tmp_path, raw, "gitingest", repo))
    assert status.status == Status.PASS
    assert [(f.code, f.severity, f.message, f.actual, f.location) for f in found] == [
        ("source.not-compared", Severity.INFO, f"a.txt: the pack holds {stand_in!r} instead of its text: not compared",
         stand_in, at(raw, raw.index(SEP + "\nFILE: a.txt")))]


def test_packrepo_signature_is_not_compared(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"def f():\n    return 1\n"})
    raw = packrepo(("a.py", 1, 1, "signature", "def f(): ..."))
    _, found = source(check(tmp_path, raw, "packrepo", repo))
    assert [(f.code, f.severity, f.message, f.actual, f.location) for f in found] == [
        ("source.not-compared", Severity.INFO, "a.py: a signature of the file, not its lines: not compared",
         "signature", at(raw, raw.index("### path: a.py")))]


def test_text_where_gitingest_writes_a_binary_stand_in(tmp_path):
    repo = make_repo(tmp_path, {"b.bin": b"\xff\xfe\x00\x01"})
    raw = gitingest(("b.bin", "garbage"))
    _, found = source(check(tmp_path, raw, "gitingest", repo))
    assert [(f.code, f.message, f.expected, f.actual, f.location) for f in found] == [
        ("source.content-mismatch", "b.bin: the pack holds text where gitingest writes none (it writes "
         "'[Binary file]'): binary bytes emitted as text?", "[Binary file]", "garbage", at(raw, raw.index("garbage")))]


def test_text_where_repomix_leaves_a_nul_file_out(tmp_path):
    repo = make_repo(tmp_path, {"b.dat": b"ab\x00cd"})
    raw = repomix_xml(("b.dat", "abcd"))
    _, found = source(check(tmp_path, raw, "repomix-xml", repo))
    assert [(f.code, f.message, f.expected) for f in found] == [
        ("source.content-mismatch", "b.dat: the pack holds text where repomix writes none (the file holds NUL bytes: "
         "repomix leaves binary files out): binary bytes emitted as text?", None)]


def test_text_for_a_latin1_file_files_to_prompt_skips(tmp_path):
    repo = make_repo(tmp_path, {"l.txt": b"caf\xe9\n"})
    _, found = source(check(tmp_path, ftp(("l.txt", "café\n")), "files-to-prompt", repo))
    assert [(f.code, f.message, f.actual) for f in found] == [
        ("source.content-mismatch", "l.txt: the pack holds text where files-to-prompt writes none (the file is not "
         "UTF-8: files-to-prompt packs no text for it): binary bytes emitted as text?", "café\n")]


# ---------------------------------------------------------------- what a difference looks like

def test_plain_difference_names_the_first_differing_line(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\ny = 2\nz = 3\n"})
    raw = ftp(("./a.py", "x = 1\ny = 2\nz = 4\n"))
    status, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert status.status == Status.FAIL
    assert [(f.code, f.severity, f.message, f.expected, f.actual, f.location) for f in found] == [
        ("source.content-mismatch", Severity.ERROR, "./a.py: line 3 differs from the file in the working tree",
         "z = 3", "z = 4", at(raw, raw.index("z = 4")))]


def test_first_line_difference_is_at_the_text_start(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\ny = 2\n"})
    raw = ftp(("a.py", "x = 0\ny = 2\n"))
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [(f.message, f.location) for f in found] == [
        ("a.py: line 1 differs from the file in the working tree", at(raw, raw.index("x = 0")))]


def test_truncated_text(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\ny = 2\nz = 3\n"})
    raw = ftp(("a.py", "x = 1\n"))
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 2 differs from the file in the working tree: the packed text stops there, the file goes on to "
         "line 3 (truncated)", "y = 2", "")]


def test_extra_text_is_not_called_truncated(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\n"})
    raw = ftp(("a.py", "x = 1\ny = 2\n"))
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 2 differs from the file in the working tree", "", "y = 2")]


def test_swapped_contents_name_the_other_file(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"alpha = 1\n", "b.py": b"beta = 2\n"})
    raw = ftp(("a.py", "beta = 2\n"), ("b.py", "alpha = 1\n"))
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 1 differs from the file in the working tree: its packed text is b.py's (contents swapped?)",
         "alpha = 1", "beta = 2"),
        ("b.py: line 1 differs from the file in the working tree: its packed text is a.py's (contents swapped?)",
         "beta = 2", "alpha = 1")]


def test_utf8_read_as_cp1252_is_mojibake(tmp_path):
    repo = make_repo(tmp_path, {"a.txt": "x\ncafé\n".encode()})
    _, found = source(check(tmp_path, ftp(("a.txt", "x\ncafÃ©\n")), "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.txt: line 2 differs from the file in the working tree: the file's UTF-8 read as cp1252 (mojibake)",
         "café", "cafÃ©")]


def test_utf8_read_as_latin1_is_mojibake(tmp_path):
    repo = make_repo(tmp_path, {"a.txt": "it\u2019s\n".encode()})  # e2 80 99: cp1252 and latin-1 differ
    misread = "it\u2019s".encode().decode("latin-1")
    _, found = source(check(tmp_path, ftp(("a.txt", misread + "\n")), "files-to-prompt", repo))
    assert [f.message for f in found] == [
        "a.txt: line 1 differs from the file in the working tree: the file's UTF-8 read as latin-1 (mojibake)"]


def test_long_differing_line_is_cut(tmp_path):
    line = "q" * 250
    repo = make_repo(tmp_path, {"a.txt": (line + "\n").encode()})
    _, found = source(check(tmp_path, ftp(("a.txt", "r" * 250 + "\n")), "files-to-prompt", repo))
    assert found[0].expected == "q" * 199 + "…"
    assert found[0].actual == "r" * 199 + "…"


def test_line_of_exactly_200_characters_is_kept_whole(tmp_path):
    repo = make_repo(tmp_path, {"a.txt": ("q" * 200 + "\n").encode()})
    _, found = source(check(tmp_path, ftp(("a.txt", "r" * 200 + "\n")), "files-to-prompt", repo))
    assert (found[0].expected, found[0].actual) == ("q" * 200, "r" * 200)


# ---------------------------------------------------------------- line ranges (PackRepo)

def test_packrepo_range_compared_with_those_lines(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"l1\nl2\nl3\nl4\n"})
    _, found = source(check(tmp_path, packrepo(("a.py", 2, 4, "full", "l2\nl3\nl4\n")), "packrepo", repo))
    assert found == []
    raw = packrepo(("a.py", 2, 4, "full", "l2\nlX\nl4\n"))
    _, found = source(check(tmp_path, raw, "packrepo", repo))
    assert [(f.code, f.message, f.expected, f.actual) for f in found] == [
        ("source.content-mismatch", "a.py: line 3 differs from the file in the working tree", "l3", "lX")]
    assert found[0].location == at(raw, raw.index("lX"))


def test_packrepo_range_past_the_end(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"l1\nl2\nl3\nl4\n"})
    raw = packrepo(("a.py", 4, 5, "full", "l4\nl5"))
    _, found = source(check(tmp_path, raw, "packrepo", repo))
    assert [(f.code, f.severity, f.message, f.expected, f.actual, f.location) for f in found] == [
        ("source.line-range", Severity.ERROR, "a.py has 4 lines; the entry ends at line 5", "<= 4", 5,
         at(raw, raw.index("### path: a.py")))]


# ---------------------------------------------------------------- which files, which revision

def test_file_missing_from_the_repository(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n"})
    raw = ftp(("a.py", "x\n"), ("gone.py", "y\n"))
    status, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert status.status == Status.FAIL
    assert [(f.code, f.severity, f.message, f.actual, f.location) for f in found] == [
        ("source.file-missing", Severity.ERROR, f"gone.py is not a file in {repo} in the working tree", "gone.py",
         at(raw, raw.index("gone.py")))]


def test_rev_compares_with_the_commit_not_the_working_tree(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"old = 1\n"})
    (repo / "a.py").write_bytes(b"new = 2\n")
    raw = ftp(("a.py", "old = 1\n"))
    status, found = source(check(tmp_path, raw, "files-to-prompt", repo, rev="HEAD"))
    assert (status.status, found) == (Status.PASS, [])
    _, found = source(check(tmp_path, raw, "files-to-prompt", repo))
    assert [f.message for f in found] == ["a.py: line 1 differs from the file in the working tree"]
    _, found = source(check(tmp_path, ftp(("a.py", "new = 2\n")), "files-to-prompt", repo, rev="HEAD"))
    assert [(f.message, f.expected) for f in found] == [("a.py: line 1 differs from the file at HEAD", "old = 1")]


def test_file_only_in_the_working_tree_is_missing_at_rev(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n"})
    (repo / "new.py").write_bytes(b"n\n")
    _, found = source(check(tmp_path, ftp(("new.py", "n\n")), "files-to-prompt", repo, rev="HEAD"))
    assert [(f.code, f.message) for f in found] == [("source.file-missing", f"new.py is not a file in {repo} at HEAD")]


# ---------------------------------------------------------------- requires_foreign

def test_skipped_without_repo(tmp_path):
    status, found = source(check(tmp_path, ftp(("a.py", "x\n")), "files-to-prompt", None))
    assert (status.status, status.reason, found) == (Status.SKIPPED, "no --repo given", [])


def test_skipped_when_repo_is_not_a_directory(tmp_path):
    missing = tmp_path / "nowhere"
    status, _ = source(check(tmp_path, ftp(("a.py", "x\n")), "files-to-prompt", missing))
    assert (status.status, status.reason) == (Status.SKIPPED, f"--repo {missing} is not a directory")


def test_skipped_when_repomix_states_unreproducible_processing(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1  # c\n"})
    raw = repomix_xml(("a.py", "x = 1"), notes="content has been compressed, comments have been removed, ")
    status, found = source(check(tmp_path, raw, "repomix-xml", repo))
    assert (status.status, found) == (Status.SKIPPED, [])
    assert status.reason == ("repomix output (repomix-xml) states that its content was processed in a way packverify "
                             "cannot reproduce exactly (comments-removed, compressed): not compared")


def test_repomix_without_stated_processing_is_compared(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1  # c\n"})
    status, found = source(check(tmp_path, repomix_xml(("a.py", "x = 1")), "repomix-xml", repo))
    assert status.status == Status.FAIL
    assert [f.code for f in found] == ["source.content-mismatch"]


def test_skipped_when_the_pack_holds_no_file(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n"})
    status, _ = source(check(tmp_path, repomix_xml(), "repomix-xml", repo))
    assert (status.status, status.reason) == (Status.SKIPPED, "repomix output (repomix-xml) packs no file")


def test_skipped_for_scribe_stats_which_describes_a_pack(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n"})
    stats = (Path(__file__).parent.parent / "data" / "foreign" / "scribe-1.0.0" / "stats.txt").read_bytes()
    status, _ = source(check(tmp_path, stats, "scribe-stats", repo))
    assert status.status == Status.SKIPPED
    assert status.reason == (f"scribe output (scribe-stats) describes a pack but holds none (check that pack "
                             f"with --claims {tmp_path / 'pack.txt'})")


def test_a_transformed_file_that_also_differs_gets_only_the_error(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\r\ny\r\n"})
    _, found = source(check(tmp_path, ftp(("a.py", "x\nz\n")), "files-to-prompt", repo))
    assert [(f.code, f.message) for f in found] == [
        ("source.content-mismatch", "a.py: line 2 differs from the file in the working tree")]


def test_text_going_on_past_a_file_without_final_newline(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1"})
    _, found = source(check(tmp_path, ftp(("a.py", "x = 1\ny\n")), "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 2 differs from the file in the working tree", None, "y")]


def test_text_cut_before_its_last_newline(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x = 1\ny\n"})
    _, found = source(check(tmp_path, ftp(("a.py", "x = 1")), "files-to-prompt", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 2 differs from the file in the working tree: the packed text stops there, the file goes on to "
         "line 2 (truncated)", "y", None)]


def test_empty_packed_text_is_truncation_not_an_empty_file_s_text(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n", "e.txt": b""})
    _, found = source(check(tmp_path, ftp(("a.py", ""), ("e.txt", "")), "files-to-prompt", repo))
    assert [f.message for f in found] == [
        "a.py: line 1 differs from the file in the working tree: the packed text stops there, the file goes on to "
        "line 1 (truncated)"]


def test_a_range_holding_its_own_whole_file_is_not_called_swapped(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"l1\nl2\n"})
    _, found = source(check(tmp_path, packrepo(("a.py", 1, 1, "full", "l1\nl2\n")), "packrepo", repo))
    assert [(f.message, f.expected, f.actual) for f in found] == [
        ("a.py: line 2 differs from the file in the working tree", "", "l2")]  # reference "l1\n" splits to ["l1", ""]


def test_scribe_stats_reason_comes_before_a_missing_repo(tmp_path):
    stats = (Path(__file__).parent.parent / "data" / "foreign" / "scribe-1.0.0" / "stats.txt").read_bytes()
    status, _ = source(check(tmp_path, stats, "scribe-stats", None))
    assert status.reason.startswith("scribe output (scribe-stats) describes a pack but holds none")


def test_unreproducible_processing_reason_comes_before_no_file(tmp_path):
    repo = make_repo(tmp_path, {"a.py": b"x\n"})
    status, _ = source(check(tmp_path, repomix_xml(notes="line numbers have been added, "), "repomix-xml", repo))
    assert status.reason == ("repomix output (repomix-xml) states that its content was processed in a way packverify "
                             "cannot reproduce exactly (line-numbers-added): not compared")
