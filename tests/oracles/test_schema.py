"""schema: every violation, each at its pointer; formats enforced; fallback code for other keywords."""

from __future__ import annotations

import jsonschema_rs
from helpers import check_doc, mutated, pairs

from packverify.oracles import schema as schema_oracle


def test_all_errors_are_reported_not_just_the_first():
    def break_many(doc):
        doc["metadata"]["created_at"] = "not-a-date"
        doc["chunks"][0]["tokens"] = -1
        doc["chunks"][1]["start_line"] = "1"
        doc["chunks"][2]["content_hash"] = "xyz"
        del doc["tokenizer_info"]["version"]

    found = pairs(check_doc(mutated(break_many), only=["schema"]))
    assert found == {("schema.format", "/metadata/created_at"), ("schema.range", "/chunks/0/tokens"),
                     ("schema.type", "/chunks/1/start_line"), ("schema.pattern", "/chunks/2/content_hash"),
                     ("schema.required", "/tokenizer_info")}


def test_expected_and_actual_are_filled():
    report = check_doc(mutated(lambda d: d["chunks"][1].update(tokens="12")), only=["schema"])
    [finding] = report.findings
    assert finding.expected == "integer" and finding.actual == "string"


def test_a_failed_schema_does_not_stop_the_other_oracles():
    def mutate(doc):
        doc["chunks"][1]["tokens"] = "many"
        doc["chunks"][0]["content_hash"] = "0" * 64

    report = check_doc(mutated(mutate))
    assert report.oracles["schema"].status.value == "fail"
    assert ("integrity.content-hash-mismatch", "/chunks/0/content_hash") in pairs(report)
    assert report.oracles["budget"].status.value == "pass"  # cannot sum; says nothing wrong it cannot see
    assert not any(f.oracle == "internal-error" or f.code.endswith("internal-error") for f in report.findings)


def test_long_strings_are_cut_in_messages():
    report = check_doc(mutated(lambda d: d["chunks"][0].update(content_hash="q" * 100_000)), only=["schema"])
    [finding] = report.findings
    assert len(finding.message) < 300 and len(str(finding.actual)) <= 200


def test_other_keywords_fall_back_to_schema_violation(monkeypatch):
    # The shipped schema uses no keyword outside the mapped ones; prove the fallback with one that does.
    validator = jsonschema_rs.Draft202012Validator({"properties": {"n": {"multipleOf": 7}}})
    monkeypatch.setattr(schema_oracle, "validator", lambda: validator)
    report = check_doc({"n": 8}, only=["schema"])
    assert pairs(report) == {("schema.violation", "/n")}
