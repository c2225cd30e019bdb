"""No input of any shape makes the engine crash, hang or lie about where.

* arbitrary bytes and arbitrary JSON documents: a report, never an exception, never
  an ``<oracle>.internal-error``;
* a valid pack with any one value replaced by any JSON value — NaN, infinities,
  integers far beyond a double, -0.0 and subnormals included: same, and every
  finding's pointer resolves in the document;
* any number of a valid pack's bytes replaced by an extreme number literal: the loader
  accepts or refuses it exactly as docs/format.md §Parsing says (a number means its
  double value; NaN and Infinity are not JSON; beyond a double's range is refused), and
  an accepted pack is judged by every oracle without an internal error;
* findings do not depend on key order or whitespace (the bytes aside).
"""

from __future__ import annotations

import copy
import json
import random
import sys

import pytest
from helpers import check_doc, valid_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify.load import parse_bytes
from packverify.pointer import resolve
from packverify.strategies import reference_bytes

# Every float hypothesis makes (NaN, ±inf, -0.0, subnormals, the largest doubles) and
# integers up to 10^400 (far beyond a double): json.dumps writes them all, and the loader
# must refuse or accept each as docs/format.md says, never crash.
scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60)
           | st.integers(min_value=-(10**400), max_value=10**400) | st.floats() | st.text(max_size=20))
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


def _at(node, path):
    for key in path:
        node = node[key]
    return node


NUMBER_PATHS = [p for p in PATHS if type(_at(BASE, p)) in (int, float)]


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


def _number_literals():
    """Number literals at the edges of docs/format.md §Parsing, as text."""
    extremes = st.sampled_from(["NaN", "Infinity", "-Infinity", "-0", "-0.0", "0e0", "1E+2", "5e-324", "-5e-324",
                                "2.4703282292062327e-324", "1e-400", "1.7976931348623157e308",
                                "1.7976931348623159e308", "-1.7976931348623157e308", "1e308", "1e309", "-1e400",
                                "9007199254740991", "9007199254740993", "18446744073709551616",
                                "1" + "0" * 308, "2" + "0" * 308, "-" + "9" * 400])
    floats = st.floats().map(lambda x: repr(x) if x == x and abs(x) != float("inf") else
                             ("NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")))
    integers = st.integers(min_value=-(10**400), max_value=10**400).map(str)
    return st.one_of(extremes, floats, integers)


def _expected_parse_codes(literal: str) -> list[str]:
    """docs/format.md §Parsing, as a model: NaN and the infinities are not JSON numbers;
    a number means its double value, and one beyond every double is refused."""
    if literal in ("NaN", "Infinity", "-Infinity"):
        return ["parse.non-finite-number"]
    try:
        value = float(literal)
    except OverflowError:  # Python refuses to make a double of a huge integer
        return ["parse.number-out-of-range"]
    return [] if abs(value) != float("inf") else ["parse.number-out-of-range"]


@given(st.sampled_from(NUMBER_PATHS), _number_literals())
def test_extreme_numbers_are_refused_or_judged_as_the_format_says(path, literal):
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "@@number@@"
    raw = reference_bytes(doc).replace(b'"@@number@@"', literal.encode(), 1)
    loaded = parse_bytes(raw)
    assert [f.code for f in loaded.findings] == _expected_parse_codes(literal), (path, literal)
    report = check_doc(None, raw=raw)
    _no_internal_errors(report)
    if loaded.document is not None:
        assert report.oracles["parse"].status.value == "pass" and report.oracles["schema"].status.value != "skipped"
        for finding in report.findings:
            resolve(loaded.document, finding.pointer)


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


# Inputs built to make a parser or an oracle do more than linear work, by size n.
PATHOLOGICAL = {
    "deep-arrays": lambda n: b"[" * n,
    "deep-objects": lambda n: b'{"a":' * n,
    "nul-escapes": lambda n: b'"' + b"\\u0000" * n + b'"',
    "long-number": lambda n: b"1" * n,
    "many-empty-chunks": lambda n: b'{"chunks": [' + b"{}," * n + b"{}]}",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_inputs_get_a_verdict(name):
    # Full size (10^5–10^6 bytes): a finding or a document, never an exception. A hang is
    # pytest-timeout's; how fast is bench/'s and the linear-work test below.
    raw = PATHOLOGICAL[name](10**6 if name in ("deep-arrays", "long-number") else 10**5)
    loaded = parse_bytes(raw)
    assert loaded.findings or loaded.document is not None
    _no_internal_errors(check_doc(None, raw=raw))


def _calls(raw: bytes) -> int:
    """Function calls (Python and C, made from Python code) while the input is parsed and
    checked: counted work, the same on an idle and a loaded machine."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        parse_bytes(raw)
        check_doc(None, raw=raw)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_inputs_cost_linear_work(name):
    # Four times the input may cost at most about four times the calls (quadratic work
    # would be sixteen); a fixed part (imports, caches, the report) is the warm-up's.
    make = PATHOLOGICAL[name]
    _calls(make(500))
    small, large = _calls(make(2_000)), _calls(make(8_000))
    assert large <= 4.5 * small, (name, small, large)


def test_findings_are_capped_per_oracle_and_say_so():
    from packverify.context import Context

    raw = b'{"chunks": [' + b"{}," * 999 + b"{}]}"
    capped = check_doc(None, raw=raw, context=Context(max_findings=50))
    schema = capped.oracles["schema"]
    assert len(schema.findings) == 50 and schema.status.value == "fail" and "--max-findings" in schema.reason
    everything = check_doc(None, raw=raw, context=Context(max_findings=0)).oracles["schema"]
    assert len(everything.findings) == 1000 * 6 + 4 and everything.reason is None
