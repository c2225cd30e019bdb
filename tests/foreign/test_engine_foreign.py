"""The engine and CLI path for packs of other tools (engine.check_path, engine._stdin_foreign,
foreign_view.choose_reader/open_foreign/view_of, pack_files._foreign_format): the format
is detected from the content (never the name) or forced with ``--input-format``; an unknown
or ambiguous input cannot be checked (exit 2, naming the formats); a ``.json`` no reader
knows stays packverify JSON (parse findings, exit 1); standard input holding a foreign pack
is read as that format; ``check DIR`` reads a repomix JSON pack and passes over
``package.json``; reports carry a foreign finding's line:column; determinism and schema say
why they do not judge a foreign pack.

Packs are written by hand; expected places are computed from the text written (:func:`at`)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from helpers import run_captured, valid_doc, write

import packverify
from packverify.context import Context
from packverify.engine import UsageError
from packverify.model import Location, Status, Verdict

DATA = Path(__file__).resolve().parent.parent / "data" / "foreign"
SCRIBE = DATA / "scribe-1.0.0"
FORMATS = ("repomix-xml, repomix-markdown, repomix-plain, repomix-json, gitingest, files-to-prompt, "
           "files-to-prompt-cxml, files-to-prompt-markdown, scribe, scribe-stats, packrepo, packverify-json")
GHP = "ghp_" + "Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo"  # a GitHub token shape (split: no secret in this file)
MARK = "combined into a single document by Repomix."
REPOMIX_HEAD = (f"This file is a merged representation of the entire codebase, {MARK}\n\n"
                "<file_summary>\nsummary\n</file_summary>\n\n")
INTRO = "This section contains the contents of the repository's files.\n\n"
NOUN = "repomix output (repomix-xml)"


def at(text: str, offset: int) -> Location:
    return Location(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def repomix_xml(files: list[tuple[str, str]]) -> str:
    listed = "\n".join(p for p, _ in files)
    body = "".join(f'<file path="{p}">\n{c}\n</file>\n\n' for p, c in files)
    return REPOMIX_HEAD + f"<directory_structure>\n{listed}\n</directory_structure>\n\n<files>\n{INTRO}{body}</files>\n"


CLEAN = repomix_xml([("src/a.py", "x = 1"), ("README.md", "# hi")])
LEAKY = repomix_xml([("src/a.py", f"x = 1\ntoken = '{GHP}'")])


def put(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def codes_of(pack) -> list[str]:
    return sorted(f.code for f in pack.findings)


# --- detection ------------------------------------------------------------------------

def test_the_format_comes_from_the_content_not_the_name(tmp_path):
    path = put(tmp_path, "notes.md", CLEAN)
    code, out, err = run_captured(["check", path, "--format", "json"])
    assert code == 0, err
    oracles = json.loads(out)["packs"][0]["oracles"]
    assert oracles["schema"] == {"status": "skipped", "findings": 0,
                                 "reason": f"{NOUN} has no JSON Schema: its reader judges its structure (see structure)"}
    assert oracles["structure"]["status"] == "pass"
    assert oracles["security"]["status"] == "pass"


def test_determinism_and_schema_do_not_apply_to_a_foreign_pack(tmp_path):
    report = packverify.engine.check([put(tmp_path, "pack.xml", CLEAN)])
    pack = report.packs[0]
    determinism, schema = pack.oracles["determinism"], pack.oracles["schema"]
    assert determinism.status is Status.SKIPPED and schema.status is Status.SKIPPED
    assert determinism.reason == (f"canonical bytes, order and ids are rules of packverify JSON, not of {NOUN}; whether "
                                  "its packer rebuilds it byte for byte is packverify repro's question (packverify "
                                  "convert makes it canonical)")
    assert (determinism.applies, schema.applies) == (False, False)
    assert report.verdict is Verdict.PASS
    assert pack.sha256 is not None and pack.size == len(CLEAN.encode())


def test_an_unknown_input_cannot_be_checked_and_the_formats_are_named(tmp_path):
    path = put(tmp_path, "notes.txt", "hello\nworld\n")
    code, out, err = run_captured(["check", path])
    assert code == 2
    assert err == (f"packverify check: error: {path}: not a pack format packverify reads (it reads: {FORMATS}); "
                   "name one with --input-format\n")


def test_an_ambiguous_input_cannot_be_checked(tmp_path):
    path = put(tmp_path, "pack.txt", f"x {MARK}\n<file_summary>\n\n# File Summary\n")
    code, out, err = run_captured(["check", path])
    assert code == 2
    assert (f"{path}: the input could be any of repomix-markdown, repomix-xml; choose with --input-format "
            f"(formats: {FORMATS})") in err


@pytest.mark.parametrize("name", ["pack.json", "PACK.JSON"])
def test_a_json_file_no_reader_knows_stays_packverify_json(tmp_path, name):
    path = put(tmp_path, name, "hello\n")
    code, out, err = run_captured(["check", path, "--format", "json"])
    assert code == 1, err
    pack = json.loads(out)["packs"][0]
    assert [f["code"] for f in pack["findings"]] == ["parse.invalid-json"]
    assert pack["oracles"]["schema"]["reason"] == "the file did not parse (see parse findings)"


def test_a_json_object_no_reader_knows_gets_schema_findings(tmp_path):
    report = packverify.engine.check([put(tmp_path, "x.json", '{"a": 1}')])
    pack = report.packs[0]
    assert pack.oracles["schema"].status is Status.FAIL
    assert pack.oracles["structure"].reason == "the schema oracle judges the structure of packverify JSON"


# --- --input-format ---------------------------------------------------------------------

def test_input_format_reads_what_detection_would_not(tmp_path):
    text = "#x.py\n---\nx\n\n---\n"  # files-to-prompt's layout, but its sniff refuses a leading '#'
    path = put(tmp_path, "pack.txt", text)
    assert run_captured(["check", path])[0] == 2
    code, out, err = run_captured(["check", path, "--input-format", "files-to-prompt", "--format", "json"])
    assert code == 1, err
    pack = json.loads(out)["packs"][0]
    (finding,) = pack["findings"]
    assert finding["code"] == "parse.not-this-format"
    assert finding["message"] == "the input does not look like files-to-prompt (default style)"
    assert finding["location"] == {"line": 1, "column": 1}
    reason = "the file could not be read as files-to-prompt (see parse findings)"
    assert pack["oracles"]["security"] == {"status": "skipped", "findings": 0,
                                           "reason": reason + "; its text was searched for credentials: none"}


def test_input_format_overrides_detection(tmp_path):
    """A repomix XML forced as files-to-prompt is judged as files-to-prompt."""
    path = put(tmp_path, "pack.xml", CLEAN)
    report = packverify.engine.check([path], context=Context(input_format="files-to-prompt"))
    pack = report.packs[0]
    assert "parse.not-this-format" in codes_of(pack)
    assert pack.oracles["structure"].reason == "the file could not be read as files-to-prompt (see parse findings)"


def test_input_format_packverify_json_reads_a_foreign_pack_as_json(tmp_path):
    path = put(tmp_path, "pack.xml", CLEAN)
    report = packverify.engine.check([path], context=Context(input_format="packverify-json"))
    assert codes_of(report.packs[0]) == ["parse.invalid-json"]


def test_input_format_packverify_json_checks_a_packverify_pack(tmp_path):
    path = write(tmp_path, "pack.txt", valid_doc())
    report = packverify.engine.check([str(path)], context=Context(input_format="packverify-json"))
    assert report.packs[0].findings == ()
    assert report.verdict is Verdict.PASS


def test_an_unknown_input_format_is_a_usage_error(tmp_path):
    path = put(tmp_path, "pack.xml", CLEAN)
    with pytest.raises(UsageError) as raised:
        packverify.engine.check([path], context=Context(input_format="bogus"))
    assert str(raised.value) == f"{path}: unknown input format 'bogus' (formats: {FORMATS})"
    code, out, err = run_captured(["check", path, "--input-format", "bogus"])
    assert code == 2 and "'bogus' is not one of" in err


# --- --claims ---------------------------------------------------------------------------

def test_claims_with_a_pack_that_is_not_scribe_is_a_usage_error(tmp_path):
    path = put(tmp_path, "pack.xml", CLEAN)
    code, out, err = run_captured(["check", path, "--claims", str(SCRIBE / "stats.txt")])
    assert code == 2
    assert f"{path}: --claims pairs a scribe --stats output with its scribe pack; {path} is repomix-xml" in err


def test_claims_that_cannot_be_read_is_a_usage_error(tmp_path):
    pack = put(tmp_path, "pack.txt", (SCRIBE / "stats.txt.pack").read_bytes())
    missing = tmp_path / "missing.txt"
    with pytest.raises(UsageError) as raised:
        packverify.engine.check([pack], context=Context(claims=missing))
    assert str(raised.value).startswith(f"{pack}: --claims {missing}: cannot read: ")


# --- standard input ---------------------------------------------------------------------

def test_standard_input_holding_a_foreign_pack_is_read_as_that_format():
    report = packverify.engine.check(["-"], stdin=io.BytesIO(LEAKY.encode()))
    (pack,) = report.packs
    assert pack.path == "<stdin>"
    assert pack.oracles["determinism"].reason.startswith(f"canonical bytes, order and ids are rules of packverify JSON, "
                                                         f"not of {NOUN};")
    (finding,) = pack.oracles["security"].findings
    assert finding.code == "security.secret"
    assert finding.message == "GitHub token in src/a.py, line 2 of its packed text"
    assert finding.location == at(LEAKY, LEAKY.index("token = "))
    assert report.verdict is Verdict.FAIL


def test_standard_input_with_a_forced_format():
    raw = b"#x.py\n---\nx\n\n---\n"
    with pytest.raises(UsageError) as raised:
        packverify.engine.check(["-"], stdin=io.BytesIO(raw))
    assert str(raised.value) == (f"<stdin>: not a pack format packverify reads (it reads: {FORMATS}); "
                                 "name one with --input-format")
    report = packverify.engine.check(["-"], stdin=io.BytesIO(raw), context=Context(input_format="files-to-prompt"))
    assert codes_of(report.packs[0]) == ["parse.not-this-format"]


def test_standard_input_ambiguous_is_a_usage_error():
    raw = f"x {MARK}\n<file_summary>\n\n# File Summary\n".encode()
    with pytest.raises(UsageError, match=r"^<stdin>: the input could be any of repomix-markdown, repomix-xml"):
        packverify.engine.check(["-"], stdin=io.BytesIO(raw))


def test_standard_input_claims_with_a_foreign_pack_that_is_not_scribe_is_a_usage_error():
    with pytest.raises(UsageError, match=r"^<stdin>: --claims pairs a scribe --stats output"):
        packverify.engine.check(["-"], stdin=io.BytesIO(CLEAN.encode()),
                                context=Context(claims=SCRIBE / "stats.txt"))


def test_standard_input_holding_packverify_json_is_judged_as_json(tmp_path):
    raw = write(tmp_path, "pack.json", valid_doc()).read_bytes()
    report = packverify.engine.check(["-"], stdin=io.BytesIO(raw))
    assert report.packs[0].findings == ()
    assert report.packs[0].oracles["schema"].status is Status.PASS


def test_standard_input_over_the_limit_is_too_large_whatever_its_format():
    raw = CLEAN.encode()
    report = packverify.engine.check(["-"], stdin=io.BytesIO(raw), max_bytes=len(raw) - 1)
    (finding,) = report.packs[0].findings
    assert finding.code == "parse.too-large"
    assert (finding.expected, finding.actual) == (len(raw) - 1, len(raw))
    at_limit = packverify.engine.check(["-"], stdin=io.BytesIO(raw), max_bytes=len(raw))
    assert at_limit.packs[0].findings == () and at_limit.verdict is Verdict.PASS


def test_a_foreign_file_over_the_limit_is_too_large(tmp_path):
    path = put(tmp_path, "pack.xml", CLEAN)
    size = len(CLEAN.encode())
    assert codes_of(packverify.engine.check([path], max_bytes=size - 1).packs[0]) == ["parse.too-large"]
    assert packverify.engine.check([path], max_bytes=size).packs[0].findings == ()


# --- check DIR ----------------------------------------------------------------------------

def test_check_dir_reads_a_repomix_json_pack_and_skips_package_json(tmp_path):
    shutil.copyfile(DATA / "repomix-1.18.1" / "repo.json", tmp_path / "repo.json")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}\n', encoding="utf-8")
    (tmp_path / "pack.xml").write_text(CLEAN, encoding="utf-8")  # not *.json: not looked at
    report = packverify.engine.check([str(tmp_path)])
    assert [Path(p.path).name for p in report.packs] == ["repo.json"]
    assert report.packs[0].oracles["schema"].reason == ("repomix output (repomix-json) has no JSON Schema: its reader "
                                                        "judges its structure (see structure)")
    assert [(Path(f).name, why) for f, why in report.skipped] == [
        ("package.json", 'not a pack: no "chunks" or "budget_info" key')]


def test_check_dir_with_only_package_json_holds_no_pack(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="directory holds no pack file"):
        packverify.engine.check([str(tmp_path)])


# --- reports ------------------------------------------------------------------------------

def test_json_and_sarif_reports_carry_the_line_and_column(tmp_path):
    path = put(tmp_path, "pack.xml", LEAKY)
    where = at(LEAKY, LEAKY.index("token = "))
    code, out, err = run_captured(["check", path, "--only", "security", "--format", "json"])
    assert code == 1, err
    (finding,) = json.loads(out)["packs"][0]["findings"]
    assert finding["location"] == {"line": where.line, "column": where.column}
    assert finding["pointer"] == ""
    code, out, err = run_captured(["check", path, "--only", "security", "--format", "sarif"])
    assert code == 1, err
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "security.secret"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": where.line, "startColumn": where.column}


def test_a_column_past_one_reaches_the_sarif_region(tmp_path):
    text = f'<repomix><files><file path="a.py">k = "{GHP}"</file></files></repomix>\n'
    path = put(tmp_path, "pack.xml", text)
    code, out, err = run_captured(["check", path, "--only", "security", "--format", "sarif"])
    assert code == 1, err
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": len('<repomix><files><file path="a.py">') + 1}
