"""Canonical serialisation round-trips and is idempotent; oracle results do not
depend on JSON key order (valid packs and packs with any planted defect).

The canonical bytes are ``rfc8785``'s (the reference implementation); packverify's own
serialisation (:func:`packverify.canonical.jcs_bytes`) and the loader's canonical flag
are judged against them."""

from __future__ import annotations

import json

from helpers import check_doc, shuffled_keys
from hypothesis import given
from hypothesis import strategies as st

from packverify.canonical import jcs_bytes
from packverify.load import parse_bytes
from packverify.strategies import INJECTORS, defects, packs, reference_bytes

DOCUMENT_DEFECTS = sorted(code for code in INJECTORS if not code.startswith("parse.")
                          and code != "determinism.non-canonical-bytes")


@given(packs(tokenizer=None))
def test_canonical_bytes_round_trip_and_are_idempotent(doc):
    data = reference_bytes(doc)
    loaded = parse_bytes(data)
    assert loaded.findings == [] and loaded.canonical is True
    assert loaded.document == doc
    assert json.loads(data) == doc
    assert jcs_bytes(loaded.document) == data  # packverify's serialisation is the reference's
    assert jcs_bytes(json.loads(data.decode("utf-8"))) == data


def _results(report):
    findings = sorted((f.code, f.pointer, f.message, json.dumps(f.to_dict()["expected"], sort_keys=True, default=str),
                       json.dumps(f.to_dict()["actual"], sort_keys=True, default=str))
                      for f in report.findings if f.code != "determinism.non-canonical-bytes")
    statuses = {name: r.status.value for name, r in report.oracles.items() if name != "determinism"}
    return findings, statuses


@given(defects(DOCUMENT_DEFECTS) | packs(tokenizer=None).map(lambda d: d), st.randoms(use_true_random=False))
def test_oracle_results_do_not_depend_on_key_order(case, rng):
    doc = case if isinstance(case, dict) else case.document
    canonical = check_doc(None, raw=reference_bytes(doc))
    messy_doc = shuffled_keys(doc, rng)
    messy = check_doc(None, raw=json.dumps(messy_doc, ensure_ascii=rng.random() < 0.5).encode("utf-8"))
    assert _results(canonical) == _results(messy)
    # The only difference a reordering may make: the bytes are no longer canonical.
    extra = {f.code for f in messy.findings} - {f.code for f in canonical.findings}
    assert extra <= {"determinism.non-canonical-bytes"}
    assert jcs_bytes(parse_bytes(json.dumps(messy_doc).encode()).document) == reference_bytes(doc)
