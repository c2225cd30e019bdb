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


def test_the_fallback_reports_the_validators_own_message_cut_at_300(monkeypatch):
    """A keyword without a code of its own (``uniqueItems`` here; the shipped schema may
    gain one): ``schema.violation`` at the instance with jsonschema-rs's own message —
    its ``repr``, cut to 300 characters like every message value — ``expected`` the
    keyword's value in the schema, ``actual`` None. Expected values from jsonschema-rs
    directly, not from the oracle."""
    schema = {"type": "object", "properties": {"body_spans": {"type": "array", "uniqueItems": True}}}
    validator = jsonschema_rs.Draft202012Validator(schema)
    monkeypatch.setattr(schema_oracle, "validator", lambda: validator)
    monkeypatch.setattr(schema_oracle, "schema", lambda: schema)
    doc = {"body_spans": [{"chunk_id": "a" * 12, "start": 0, "end": 1}] * 12}
    [error] = validator.iter_errors(doc)
    assert len(repr(error.message)) > 301  # long enough that a cut at 120, 300 or 301 differs
    [finding] = check_doc(doc, only=["schema"]).findings
    assert (finding.code, finding.pointer, finding.expected, finding.actual) == (
        "schema.violation", "/body_spans", True, None)
    assert finding.message == repr(error.message)[:299] + "…"


def test_only_invalid_chunks_reach_the_error_iterator(monkeypatch):
    """jsonschema-rs builds every error object before it yields the first (11 s for
    100,000 empty chunks), so each chunk is first judged by the cheap ``is_valid`` and
    only an invalid one is iterated: a regression here is a performance bug."""
    real = schema_oracle.chunk_validator()
    iterated = []

    class Spy:
        def is_valid(self, chunk):
            return real.is_valid(chunk)

        def iter_errors(self, chunk):
            iterated.append(chunk)
            return real.iter_errors(chunk)

    monkeypatch.setattr(schema_oracle, "chunk_validator", lambda: Spy())
    doc = mutated(lambda d: d["chunks"][2].update(tokens=-1))
    assert pairs(check_doc(doc, only=["schema"])) == {("schema.range", "/chunks/2/tokens")}
    assert iterated == [doc["chunks"][2]]
