"""No input of any shape makes the engine crash, hang or lie about where.

* arbitrary bytes and arbitrary JSON documents: a report, never an exception, never
  an ``<oracle>.internal-error``;
* a valid pack with any one value replaced by any JSON value: same, and every
  finding's pointer resolves in the document;
* findings do not depend on key order or whitespace (the bytes aside).
"""

from __future__ import annotations

import copy
import json
import random

from helpers import check_doc, valid_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify.load import parse_bytes
from packverify.pointer import resolve

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                           max_leaves=12)
BASE = valid_doc(body_spans=True)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]


def _no_internal_errors(report):
    assert report.internal_errors == 0, [f.message for f in report.findings if f.code.endswith("internal-error")]


@given(st.binary(max_size=2000))
def test_any_bytes(raw):
    _no_internal_errors(check_doc(None, raw=raw))


@given(json_values)
def test_any_json_document(value):
    _no_internal_errors(check_doc(None, raw=json.dumps(value).encode()))


@given(st.sampled_from(PATHS), json_values)
def test_any_value_anywhere_in_a_valid_pack(path, value):
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    report = check_doc(doc)
    _no_internal_errors(report)
    for finding in report.findings:
        resolve(doc, finding.pointer)  # raises KeyError if the pointer designates nothing


@given(st.sampled_from(PATHS), st.integers(min_value=0, max_value=2**32))
def test_findings_do_not_depend_on_key_order_or_whitespace(path, seed):
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "tampered" if not isinstance(node[path[-1]], str) else node[path[-1]] + "x"
    rng = random.Random(seed)

    def shuffled(value):
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffled(v) for k, v in items}
        if isinstance(value, list):
            return [shuffled(v) for v in value]
        return value

    canonical = check_doc(doc)
    messy = check_doc(None, raw=json.dumps(shuffled(doc), indent=rng.choice([None, 1, 4])).encode())

    def key(report):
        return sorted((f.code, f.pointer, f.message) for f in report.findings
                      if f.code != "determinism.non-canonical-bytes")

    assert key(canonical) == key(messy)


def test_pathological_inputs_finish_quickly():
    import time

    for raw in (b"[" * 10**6, b'{"a":' * 10**5, b'"' + b"\\u0000" * 10**5 + b'"', b"1" * 10**6,
                b'{"chunks": [' + b"{}," * 10**5 + b"{}]}"):
        start = time.perf_counter()
        loaded = parse_bytes(raw)
        check_doc(None, raw=raw)
        assert time.perf_counter() - start < 10, raw[:20]
        assert loaded.findings or loaded.document is not None


def test_findings_are_capped_per_oracle_and_say_so():
    from packverify.context import Context

    raw = b'{"chunks": [' + b"{}," * 999 + b"{}]}"
    capped = check_doc(None, raw=raw, context=Context(max_findings=50))
    schema = capped.oracles["schema"]
    assert len(schema.findings) == 50 and schema.status.value == "fail" and "--max-findings" in schema.reason
    everything = check_doc(None, raw=raw, context=Context(max_findings=0)).oracles["schema"]
    assert len(everything.findings) == 1000 * 6 + 4 and everything.reason is None
