"""A credential is found wherever it is in the pack, by hand: as a property name, and in
a pack that does not parse (its text is searched) — and the report never echoes it."""

from __future__ import annotations

import json

import orjson
import pytest
from helpers import check_doc, transport_bytes, valid_doc

from packverify.context import Context
from packverify.model import Location, Report, Status, Verdict
from packverify.report.json_report import dumps

AWS = "AKIA" + "QWERTYUIOPASDFGH"
GITHUB = "ghp_" + "a1B2" * 9


def _secret_findings(pack):
    return [(f.path, f.message, f.location) for f in pack.findings if f.code == "security.secret"]


def _never_echoed(pack, secret: str) -> None:
    assert secret not in dumps(Report((pack,), Verdict.FAIL))
    assert secret not in json.dumps([f.to_dict() for f in pack.findings])


def test_a_credential_as_a_property_name_is_found_at_its_object():
    doc = valid_doc()
    doc["metadata"]["generator"]["x-notes"] = {"fine": 1, AWS: 2}
    pack = check_doc(doc)
    assert _secret_findings(pack) == [(("metadata", "generator", "x-notes"),
                                       "AWS access key id in a property name of /metadata/generator/x-notes", None)]
    _never_echoed(pack, AWS)


def test_a_credential_as_a_top_level_name_is_found_at_the_top():
    doc = valid_doc()
    doc["x-" + GITHUB] = 1
    assert _secret_findings(check_doc(doc)) == [((), "GitHub token in a property name of the top level", None)]


def test_the_same_credential_as_a_value_and_then_as_a_name_is_reported_once_at_its_first_place():
    doc = valid_doc()
    doc["metadata"]["generator"]["x-a"] = AWS  # "generator" sorts before the top-level "x-…" below
    doc["x-z"] = {AWS: 1}
    assert [p for p, _, _ in _secret_findings(check_doc(doc))] == [("metadata", "generator", "x-a")]


@pytest.mark.parametrize(("raw", "parse_code", "where"), [
    (orjson.dumps(f"key {AWS}"), "parse.not-an-object", Location(1, 6)),
    (orjson.dumps(["a", {"k": AWS}]), "parse.not-an-object", Location(1, 12)),
    (b'{"a": 1,\n "b": "' + AWS.encode() + b'",\n "a": 2}', "parse.duplicate-key", Location(2, 8)),
    (b'{"chunks": [{"content": "x = \'' + AWS.encode() + b'\'\\n', "parse.invalid-json", Location(1, 31)),  # truncated
    (b'\xff\xfe{"k":\n"' + AWS.encode() + b'"}', "parse.invalid-utf8", Location(2, 2)),
])
def test_a_pack_that_does_not_parse_is_still_searched_for_credentials(raw, parse_code, where):
    pack = check_doc(None, raw=raw)
    assert parse_code in {f.code for f in pack.findings}
    [(path, message, location)] = _secret_findings(pack)
    assert (path, location) == ((), where)
    assert message == f"AWS access key id at line {where.line}, column {where.column} of the file " \
                      "(it did not parse: its text was scanned)"
    assert pack.oracles["security"].status is Status.FAIL
    assert pack.verdict is Verdict.FAIL
    _never_echoed(pack, AWS)


def test_a_pack_that_does_not_parse_and_holds_no_credential_leaves_security_skipped():
    pack = check_doc(None, raw=transport_bytes(valid_doc())[:-1])  # the closing brace cut off
    result = pack.oracles["security"]
    assert result.status is Status.SKIPPED and "searched for credentials: none" in result.reason
    assert pack.oracles["tokens"].status is Status.SKIPPED  # the others judge nothing of it


def test_one_credential_twice_in_an_unparsed_pack_is_one_finding():
    pack = check_doc(None, raw=orjson.dumps([AWS, AWS, GITHUB]))
    assert [m.split(" at ")[0] for _, m, _ in _secret_findings(pack)] == ["AWS access key id", "GitHub token"]


def test_a_credential_in_the_path_of_a_foreign_entry_is_found(tmp_path):
    import packverify

    pack = tmp_path / "pack.txt"  # files-to-prompt's default format, by hand
    pack.write_text(f"./README.md\n---\n# Demo\n\n---\n./src/{GITHUB}.py\n---\nprint(1)\n\n---\n", encoding="utf-8")
    [report] = packverify.check([str(pack)]).packs
    assert [(f.message, f.location) for f in report.findings if f.code == "security.secret"] == [
        ("GitHub token in the path of the entry at line 6", Location(6, 1))]
    _never_echoed(report, GITHUB)


@pytest.mark.parametrize(("text", "expected"), [
    ("nothing here", "nothing here"),
    (f"a {AWS} b", "a AKIA…(redacted) b"),
    (f"{AWS}/{GITHUB}", "AKIA…(redacted)/ghp_…(redacted)"),
    (f"k={GITHUB}\n{GITHUB}", "k=ghp_…(redacted)\nghp_…(redacted)"),
])
def test_redact_credentials_by_hand(text, expected):
    from packverify.secrets import redact_credentials

    assert redact_credentials(text) == expected


def test_a_foreign_pack_its_reader_cannot_read_is_still_searched_for_credentials(tmp_path):
    import packverify

    pack = tmp_path / "repomix-output.json"  # repomix's JSON style, cut off inside a file's text
    pack.write_text('{\n  "fileSummary": {"purpose": "x"},\n  "files": {\n    "src/k.py": "key = \'' + AWS + '\'\\n',
                    encoding="utf-8")
    # line 4 is `    "src/k.py": "key = 'AKIA…`: four spaces, the 10-character name, ': "', 'key = ' and
    # the quote: the key starts at column 25
    [report] = packverify.check([str(pack)], context=Context(input_format="repomix-json")).packs
    assert report.oracles["parse"].status is Status.FAIL
    assert [(f.location, f.message) for f in report.findings if f.code == "security.secret"] == [
        (Location(4, 25), "AWS access key id at line 4, column 25 of the file (it did not parse: its text was scanned)")]
    assert report.oracles["tokens"].status is Status.SKIPPED
