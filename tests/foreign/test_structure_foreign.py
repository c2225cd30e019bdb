"""structure over packs of other tools (structure.check_foreign): what a reader found broken
in a pack's own structure is reported with its code, severity and line:column in the pack;
what is broken in a ``--claims`` file is named (file and place) in the message; packverify
JSON is not judged here (schema does) and says so.

Packs are written by hand; expected places are computed from the text written (:func:`at`)."""

from __future__ import annotations

from pathlib import Path

from helpers import valid_doc, write

import packverify
from packverify.context import Context
from packverify.model import Location, Severity, Status

DATA = Path(__file__).resolve().parent.parent / "data" / "foreign"
SCRIBE = DATA / "scribe-1.0.0"
REPOMIX_HEAD = ("This file is a merged representation of the entire codebase, combined into a single document by "
                "Repomix.\n\n<file_summary>\nsummary\n</file_summary>\n\n")
INTRO = "This section contains the contents of the repository's files.\n\n"
RULE = "=" * 50


def at(text: str, offset: int) -> Location:
    return Location(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def repomix_xml(files: list[tuple[str, str]], *, tree: str | None = None, before: str = "") -> str:
    listed = tree if tree is not None else "\n".join(p for p, _ in files)
    body = "".join(f'<file path="{p}">\n{c}\n</file>\n\n' for p, c in files)
    return (REPOMIX_HEAD + f"<directory_structure>\n{listed}\n</directory_structure>\n\n<files>\n{INTRO}{before}"
            f"{body}</files>\n")


def check(tmp_path, text: str | bytes, name: str = "pack.txt", strict: bool = False, **context):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    report = packverify.engine.check([str(path)], only=["parse", "structure"], strict=strict,
                                     context=Context(**context))
    (pack,) = report.packs
    return pack


def structure(pack) -> list:
    return list(pack.oracles["structure"].findings)


def test_a_well_formed_pack_passes(tmp_path):
    pack = check(tmp_path, repomix_xml([("src/a.py", "x = 1"), ("b.py", "y")]))
    assert structure(pack) == []
    assert pack.oracles["structure"].status is Status.PASS


def test_a_truncated_repomix_xml_has_an_unterminated_entry_and_section(tmp_path):
    full = repomix_xml([("src/a.py", "x = 1\ny = 2"), ("b.py", "z")])
    text = full[:full.index("y = 2") + 3]
    pack = check(tmp_path, text)
    got = {(f.code, f.severity, f.message, f.location) for f in structure(pack)}
    assert got == {
        ("structure.unterminated-section", Severity.ERROR, "<files> is never closed", at(text, text.index("<files>\n"))),
        ("structure.unterminated-entry", Severity.ERROR, '<file path="src/a.py"> is never closed',
         at(text, text.index('<file path="src/a.py">'))),
    }
    assert all(f.oracle == "structure" and f.pointer == "" for f in structure(pack))
    assert pack.oracles["structure"].status is Status.FAIL


def test_text_outside_any_entry(tmp_path):
    text = repomix_xml([("a.py", "x")], before="stray words\n")
    (f,) = structure(check(tmp_path, text))
    assert f.code == "structure.unexpected-text"
    assert f.severity is Severity.ERROR
    assert f.message == "expected '<file path=\"…\">', found 'stray words'"
    assert f.location == at(text, text.index("stray words"))


def test_a_malformed_entry_header(tmp_path):
    text = repomix_xml([("a.py", "x")]).replace('<file path="a.py">', '<file name="a.py">')
    (f,) = structure(check(tmp_path, text))
    assert f.code == "structure.malformed-header"
    assert f.message == "expected '<file path=\"…\">', found '<file name=\"a.py\">'"
    assert f.location == at(text, text.index('<file name="a.py">'))


def test_a_file_the_tree_does_not_list_and_an_empty_path(tmp_path):
    text = repomix_xml([("", "x")], tree="other.py")
    got = {(f.code, f.message, f.location) for f in structure(check(tmp_path, text))}
    where = at(text, text.index('<file path="">'))
    assert got == {
        ("structure.not-in-tree", "'' is not in <directory_structure>", where),
        ("structure.missing-path", "a <file> entry with an empty path", where),
    }


def test_an_ambiguous_boundary_is_a_warning_that_fails_only_strict(tmp_path):
    text = repomix_xml([("a.py", 'x\n</file>\n\n<file path="a.py">\ny'), ("b.py", "z")])
    pack = check(tmp_path, text)
    (f,) = structure(pack)
    assert f.code == "structure.ambiguous-boundary"
    assert f.severity is Severity.WARNING
    assert f.message == "a second <file path=\"a.py\"> inside 'a.py': taken as that file's content"
    second = text.index('<file path="a.py">', text.index('<file path="a.py">') + 1)
    assert f.location == at(text, second)
    assert pack.oracles["structure"].status is Status.PASS
    assert check(tmp_path, text, strict=True).oracles["structure"].status is Status.FAIL


def test_a_wrong_document_index_carries_expected_and_actual(tmp_path):
    """files-to-prompt --cxml numbers its documents 1, 2, …"""
    text = ('<documents>\n<document index="2">\n<source>a.py</source>\n<document_content>\nx\n</document_content>\n'
            "</document>\n</documents>\n")
    (f,) = structure(check(tmp_path, text))
    assert f.code == "structure.malformed-header"
    assert f.message == "document index 2, expected 1"
    assert (f.expected, f.actual) == (1, 2)
    assert f.location == at(text, text.index('<document index="2">'))


def test_an_invalid_escape_in_parsable_xml_is_at_its_ampersand(tmp_path):
    text = '<repomix><files><file path="a.py">a &bogus; b</file></files></repomix>\n'
    pack = check(tmp_path, text)
    (f,) = structure(pack)
    assert f.code == "structure.invalid-escape"
    assert f.message == "an undecodable '&' in 'a.py'"
    assert f.location == at(text, text.index("&bogus;"))


def test_parse_findings_are_not_structure_findings(tmp_path):
    text = repomix_xml([("a.py", "x")]).encode() + b"\xff"
    pack = check(tmp_path, text)
    assert [f.code for f in pack.oracles["parse"].findings] == ["parse.invalid-utf8"]
    assert structure(pack) == []


def test_claims_file_problems_are_named_in_the_message(tmp_path):
    stats = (SCRIBE / "stats.txt").read_text(encoding="utf-8")
    assert stats.endswith(f"}}\n{RULE}\n")
    cut = stats[:-len(RULE) - 2]  # the closing rule and the newline before it gone
    claims = tmp_path / "stats.txt"
    claims.write_text(cut, encoding="utf-8")
    pack = check(tmp_path, (SCRIBE / "stats.txt.pack").read_bytes(), claims=claims)
    (f,) = structure(pack)
    where = at(cut, len(cut))
    assert f.code == "structure.unterminated-section"
    assert f.message == f"in {claims} at {where.line}:{where.column}: the statistics block does not end with its " \
                        f"50 '=' rule"
    assert f.location is None  # its place is in the other file, not the pack
    assert pack.oracles["structure"].status is Status.FAIL


def test_an_intact_claims_file_adds_no_structure_finding(tmp_path):
    pack = check(tmp_path, (SCRIBE / "stats.txt.pack").read_bytes(), claims=SCRIBE / "stats.txt")
    assert structure(pack) == []
    assert pack.oracles["structure"].status is Status.PASS


def test_packverify_json_is_left_to_schema(tmp_path):
    path = write(tmp_path, "pack.json", valid_doc())
    report = packverify.engine.check([str(path)], only=["structure"])
    result = report.packs[0].oracles["structure"]
    assert result.status is Status.SKIPPED
    assert result.reason == "the schema oracle judges the structure of packverify JSON"
    assert result.applies is False
    assert result.findings == ()
