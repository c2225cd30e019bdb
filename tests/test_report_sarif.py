"""The SARIF reporter: schema-valid SARIF 2.1.0 that GitHub code scanning accepts,
built from reports the real engine produced, byte-identical run after run."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

import packverify
from packverify.model import UNSET, Severity
from packverify.oracles import NAMES, REGISTRY, all_codes
from packverify.report import REPORTERS, sarif
from packverify.strategies import reference_bytes, reference_token_count

# The official schema (OASIS SARIF 2.1.0 errata01), vendored: tests/data/README.md says
# where it comes from, under which terms, and its sha256.
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
HOSTILE = 'p<&"é\x1b.json'


# ------------------------------------------------------------------ helpers

def valid_document(content: str = "print('hello')\n") -> dict:
    """A pack every oracle but ``source`` passes: real cl100k count (tiktoken's own), real hash."""
    tokens = reference_token_count("cl100k", content)
    return {
        "metadata": {"version": "1.0.0", "created_at": "2024-01-01T00:00:00Z",
                     "repo_info": {"path": "demo", "commit": "0" * 40}},
        "tokenizer_info": {"name": "cl100k", "version": "1"},
        "budget_info": {"target_budget": 1000, "actual_tokens": tokens, "utilization": tokens / 1000},
        "chunks": [{"id": "c1", "file_path": "a.py", "start_line": 1, "end_line": 1, "tokens": tokens,
                    "content_hash": hashlib.sha256(content.encode()).hexdigest(), "content": content}],
        "statistics": {"total_files": 1, "total_chunks": 1, "total_tokens": tokens},
    }


@pytest.fixture
def packs(tmp_path, monkeypatch):
    """Pack files in a temporary directory that is also the working directory, so
    the engine sees the relative paths a user would type."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.json").write_bytes(reference_bytes(valid_document()))
    (tmp_path / "bad.json").write_text('{"metadata": {}}\n', encoding="utf-8")  # schema errors + a warning
    (tmp_path / "broken.json").write_bytes(b'{"chunks": [')  # parse error, the rest skipped
    document = valid_document()
    document["chunks"][0]["file_path"] = 'src/a<&"é\x1b.py'  # security.control-character
    document["chunks"][0]["content_hash"] = "0" * 64  # integrity.content-hash-mismatch
    (tmp_path / HOSTILE).write_bytes(reference_bytes(document))
    return tmp_path


@pytest.fixture(scope="module")
def schema():
    data = SCHEMA_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, "tests/data/sarif-schema-2.1.0.json is not the official file"
    document = json.loads(data)
    assert document["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    return document


def render(report) -> str:
    out = io.StringIO()
    sarif.render(report, out)
    return out.getvalue()


def sarif_of(report) -> dict:
    return json.loads(render(report))


def schema_errors(schema: dict, log: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def all_findings(report):
    return [(pack, f) for pack in report.packs for f in pack.findings]


# ------------------------------------------------------------------ schema validity

def test_passing_report_is_valid_sarif(packs, schema):
    report = packverify.check(["good.json"])
    assert report.verdict.value == "pass"
    log = sarif_of(report)
    assert schema_errors(schema, log) == []
    run, = log["runs"]
    assert run["results"] == []
    assert log["version"] == "2.1.0"


def test_failing_report_is_valid_sarif(packs, schema):
    report = packverify.check(["bad.json", "broken.json", HOSTILE], skip=["tokens"])
    assert report.verdict.value == "fail"
    log = sarif_of(report)
    assert schema_errors(schema, log) == []
    assert len(log["runs"][0]["results"]) == len(all_findings(report)) > 0


def test_chunk_findings_land_on_the_source_line_with_the_pack_related(packs):
    """Issue 10: a finding about a chunk's content points at file_path:start_line in the
    repository (under --repo as given); the pack stays a related location."""
    document = valid_document("a = 1\nb = 2\n")
    document["chunks"][0].update(end_line=2, tokens=1)  # tokens.mismatch at /chunks/0/tokens
    (packs / "lines.json").write_bytes(reference_bytes(document))
    (packs / "proj").mkdir()
    log = sarif_of(packverify.check(["lines.json"], repo="proj"))
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "tokens.mismatch"]
    assert result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "proj/a.py"},
                                                          "region": {"startLine": 1, "endLine": 2}}
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "/chunks/0/tokens"}]
    assert result["relatedLocations"] == [{"id": 1, "physicalLocation": {"artifactLocation": {"uri": "lines.json"},
                                                                         "region": {"startLine": 1}},
                                           "message": {"text": "the pack, at /chunks/0/tokens"}}]
    without_repo = sarif_of(packverify.check(["lines.json"]))
    [result] = [r for r in without_repo["runs"][0]["results"] if r["ruleId"] == "tokens.mismatch"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "a.py"}


def test_findings_about_the_pack_or_an_unsafe_path_stay_on_the_pack(packs):
    document = valid_document()
    document["chunks"][0]["file_path"] = "../escape.py"
    document["chunks"][0]["tokens"] = 99
    (packs / "unsafe.json").write_bytes(reference_bytes(document))
    log = sarif_of(packverify.check(["unsafe.json"]))
    uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris["tokens.mismatch"] == "unsafe.json" and uris["budget.sum-mismatch"] == "unsafe.json"
    assert "relatedLocations" not in log["runs"][0]["results"][0]


def test_source_locations_are_valid_sarif(packs, schema):
    document = valid_document()
    document["chunks"][0]["tokens"] = 99
    (packs / "one.json").write_bytes(reference_bytes(document))
    log = sarif_of(packverify.check(["one.json"], repo="."))
    assert any("relatedLocations" in r for r in log["runs"][0]["results"])
    assert schema_errors(schema, log) == []


def test_schema_check_is_not_vacuous(packs, schema):
    # The validator must reject what GitHub would: a level SARIF does not define,
    # and a result without a message.
    log = sarif_of(packverify.check(["bad.json"]))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert schema_errors(schema, log)
    log = sarif_of(packverify.check(["bad.json"]))
    del log["runs"][0]["results"][0]["message"]
    assert schema_errors(schema, log)


# ------------------------------------------------------------------ the tool and its rules

def test_driver_and_rules(packs):
    run, = sarif_of(packverify.check(["good.json"]))["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "packverify"
    assert driver["version"] == packverify.__version__
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == list(all_codes()) + [f"{name}.internal-error" for name in NAMES] + [
        f"{name}.not-run" for name in NAMES]
    assert len(set(ids)) == len(ids)
    codes = all_codes()
    for rule in driver["rules"]:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"]), rule["name"]
        assert rule["properties"]["tags"] and "packverify" in rule["properties"]["tags"]
        info = codes.get(rule["id"])
        if info is None:  # an internal-error rule
            assert rule["defaultConfiguration"]["level"] == "error"
            assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
            continue
        assert rule["shortDescription"]["text"] == info.title
        assert rule["fullDescription"]["text"] == info.why
        assert info.why in rule["help"]["text"]
        assert info.example in rule["help"]["text"]
        # SARIF's levels are error, warning, note: an info (it never fails a verdict) is a note
        assert rule["defaultConfiguration"]["level"] == {"info": "note"}.get(info.severity.value, info.severity.value)
    by_id = dict(zip(ids, driver["rules"]))
    assert by_id["coverage.left-out"]["defaultConfiguration"]["level"] == "note"
    assert by_id["schema.additional-property"]["name"] == "SchemaAdditionalProperty"
    assert by_id["determinism.non-canonical-bytes"]["defaultConfiguration"]["level"] == "warning"


# ------------------------------------------------------------------ results

def test_results_match_findings(packs):
    report = packverify.check(["bad.json", "broken.json", HOSTILE], skip=["tokens"])
    run, = sarif_of(report)["runs"]
    rules = run["tool"]["driver"]["rules"]
    pairs = all_findings(report)
    assert len(run["results"]) == len(pairs)
    for result, (pack, finding) in zip(run["results"], pairs):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == finding.severity.value
        location, = result["locations"]
        physical = location["physicalLocation"]
        assert unquote(physical["artifactLocation"]["uri"]) == pack.path
        assert not physical["artifactLocation"]["uri"].startswith("/")
        assert physical["region"] == {"startLine": 1}
        logical, = location["logicalLocations"]
        assert isinstance(logical["fullyQualifiedName"], str)
        assert logical["fullyQualifiedName"] == finding.pointer
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        expected_print = hashlib.sha256(
            f"{finding.code}\0{finding.pointer}\0{finding.message}\0{uri}".encode()).hexdigest()
        assert result["partialFingerprints"] == {"packverifyFinding/v1": expected_print}
        assert finding.message in result["message"]["text"]


def test_levels_follow_severity(packs):
    report = packverify.check(["bad.json"])
    levels = {r["ruleId"]: r["level"] for r in sarif_of(report)["runs"][0]["results"]}
    assert levels["schema.required"] == "error"
    assert levels["determinism.non-canonical-bytes"] == "warning"
    # --strict fails on the warning but does not re-grade it; it is recorded on the run
    run, = sarif_of(packverify.check(["bad.json"], strict=True))["runs"]
    assert {r["ruleId"]: r["level"] for r in run["results"]} == levels
    assert run["properties"] == {"verdict": "fail", "strict": True}


def test_pointers_are_present(packs):
    run, = sarif_of(packverify.check(["bad.json"]))["runs"]
    names = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in run["results"]]
    assert "/metadata" in names  # missing metadata.version etc.
    assert "" in names  # missing top-level properties: the root pointer
    texts = [r["message"]["text"] for r in run["results"]]
    assert any("at /metadata" in t for t in texts)
    assert any("at the document root" in t for t in texts)


def test_message_has_expected_and_actual_only_when_set(packs):
    report = packverify.check(["bad.json", "broken.json", HOSTILE], skip=["tokens"])
    run, = sarif_of(report)["runs"]
    for result, (_, finding) in zip(run["results"], all_findings(report)):
        text = result["message"]["text"]
        has_expected = finding.expected is not UNSET and finding.expected is not None
        has_actual = finding.actual is not UNSET and finding.actual is not None
        assert ("; expected " in text) == has_expected, text
        assert ("; actual " in text) == has_actual, text
        if has_expected:
            assert json.dumps(finding.expected, ensure_ascii=False) in text
    texts = [r["message"]["text"] for r in run["results"]]
    assert any('expected "budget_info"' in t for t in texts)
    assert not any("None" in t or "UNSET" in t for t in texts)


def test_internal_error_has_a_rule(packs, monkeypatch):
    def boom(pack, ctx):
        raise ValueError("oracle bug <&>")

    monkeypatch.setattr(REGISTRY["stats"], "check", boom)
    report = packverify.check(["good.json"])
    assert report.internal_errors == 1
    run, = sarif_of(report)["runs"]
    result, = run["results"]
    assert result["ruleId"] == "stats.internal-error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "stats.internal-error"
    assert result["level"] == "error"
    assert "oracle bug <&>" in result["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False


# ------------------------------------------------------------------ invocations

def test_skipped_oracles_become_notes(packs):
    report = packverify.check(["broken.json"])
    invocation, = sarif_of(report)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    skipped = [(name, r.reason) for name, r in report.packs[0].oracles.items() if r.status.value == "skipped"]
    assert len(notes) == len(skipped) == len(NAMES) - 1  # all but parse
    for note, (name, reason) in zip(notes, skipped):
        assert note["level"] == "note"
        assert note["properties"] == {"oracle": name}
        assert reason in note["message"]["text"] and name in note["message"]["text"]
        assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.json"


def test_no_notifications_when_nothing_skipped(packs):
    report = packverify.check(["good.json"], only=["parse", "schema", "budget"])
    invocation, = sarif_of(report)["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True}


# ------------------------------------------------------------------ determinism, paths, characters

def test_output_is_deterministic(packs):
    paths = ["bad.json", "broken.json", HOSTILE, "good.json"]
    first = packverify.check(paths)
    again = packverify.check(paths)
    text = render(first)
    assert text == render(first) == render(again)
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert str(packs) not in text  # no absolute path of ours
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)  # no timestamps
    keys = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    assert not {k for k in keys if re.search(r"(?i)guid|time|automationDetails|workingDirectory|commandLine", k)}


def test_reporter_is_registered(packs):
    report = packverify.check(["bad.json"])
    out = io.StringIO()
    REPORTERS["sarif"](report, out, color=True)
    assert out.getvalue() == render(report)


def test_relative_paths_stay_relative(packs):
    os.mkdir("sub dir")
    Path("sub dir", "x.json").write_bytes(Path("bad.json").read_bytes())
    run, = sarif_of(packverify.check(["sub dir/x.json"]))["runs"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "sub%20dir/x.json"}


def test_artifact_uri():
    assert sarif.artifact_uri("packs/a.json") == "packs/a.json"
    assert sarif.artifact_uri("packs\\a b.json", sep="\\") == "packs/a%20b.json"
    assert sarif.artifact_uri("C:\\p\\a.json", sep="\\") == "C%3A/p/a.json"  # no "C:" scheme
    assert sarif.artifact_uri("\udcff.json") == "%FF.json"  # an undecodable file-name byte


def test_hostile_characters_survive(packs):
    report = packverify.check([HOSTILE], skip=["tokens"])
    text = render(report)
    run, = json.loads(text)["runs"]
    codes = [r["ruleId"] for r in run["results"]]
    assert "security.control-character" in codes and "integrity.content-hash-mismatch" in codes
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "p%3C%26%22%C3%A9%1B.json"
    assert unquote(uri) == HOSTILE
    assert "é" in text  # ensure_ascii=False
    assert "\x1b" not in text  # JSON escapes control characters


def test_undecodable_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        with open(b"\xff.json", "wb") as handle:
            handle.write(b'{"metadata": {}}')
    except OSError as exc:  # pragma: no cover - depends on the file system
        pytest.skip(f"the file system refuses a non-UTF-8 file name: {exc}")
    name = os.fsdecode(b"\xff.json")
    report = packverify.check([name], only=["schema"])
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    sarif.render(report, stream)  # must not raise UnicodeEncodeError
    stream.flush()
    run, = json.loads(raw.getvalue().decode("utf-8"))["runs"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "%FF.json"}


def test_severity_of_the_finding_wins_over_the_rule_default(packs):
    # determinism.non-canonical-bytes is a warning by default and an error when the
    # pack declares rfc8785; the result carries the finding's own level.
    document = valid_document()
    document["metadata"]["serialization"] = "rfc8785"
    Path("declared.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    report = packverify.check(["declared.json"], only=["determinism"])
    finding, = report.packs[0].findings
    assert finding.severity is Severity.ERROR
    run, = sarif_of(report)["runs"]
    result, = run["results"]
    assert result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["defaultConfiguration"]["level"] == "warning"
