"""Property: wherever a credential stands in a pack — a property name, a path, an id, a
value some oracle quotes — no report of it, in any format, holds the credential; and the
``security`` oracle finds each one. The oracle here is textual (is the credential's text
in the rendered report?), independent of how the engine redacts."""

from __future__ import annotations

import io

from helpers import check_doc, profile_settings, valid_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify.model import Report, Verdict
from packverify.report import github, json_report, junit, sarif, text

CREDENTIALS = ["AKIA" + "QWERTYUIOPASDFGH", "ghp_" + "a1B2" * 9, "glpat-" + "x7Rk2mQ9vT4nW8pL3sYb"]


def _name_in_chunk(doc, secret):
    doc["chunks"][0][secret] = 1  # an unknown property: schema quotes its name


def _value_in_chunk(doc, secret):
    doc["chunks"][-1]["x-note"] = f"see {secret}"


def _name_in_metadata(doc, secret):
    doc["metadata"][secret] = {"a": 1}


def _absolute_path(doc, secret):
    doc["chunks"][0]["file_path"] = f"/home/ci/{secret}/a.py"  # security quotes the path


def _path(doc, secret):
    doc["chunks"][1]["file_path"] = f"src/{secret}.py"  # the repository location of findings


def _id(doc, secret):
    doc["chunks"][0]["id"] = secret  # a duplicate id below quotes it
    doc["chunks"][1]["id"] = secret


def _date(doc, secret):
    doc["metadata"]["created_at"] = secret  # schema quotes a bad date-time


def _tokenizer(doc, secret):
    doc["tokenizer_info"]["name"] = secret  # an enum violation quotes the value


def _nested_name(doc, secret):
    doc["metadata"].setdefault("generator", {})["x-ext"] = [{secret: [secret]}]


PLACES = [_name_in_chunk, _value_in_chunk, _name_in_metadata, _absolute_path, _path, _id, _date, _tokenizer,
          _nested_name]


def _rendered(report: Report) -> str:
    out = []
    for module in (json_report, sarif, github, junit, text):
        stream = io.StringIO()
        module.render(report, stream, color=False)
        out.append(stream.getvalue())
    return "\n".join(out)


@profile_settings(multiplier=0.5, deadline=None)
@given(placed=st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(CREDENTIALS)), min_size=1, max_size=4))
def test_no_report_echoes_a_credential_and_security_finds_it(placed):
    doc = valid_doc()
    for place, secret in placed:
        place(doc, secret)
    pack = check_doc(doc)
    rendered = _rendered(Report((pack,), Verdict.FAIL))
    for _, secret in placed:
        assert secret not in rendered
        assert secret.replace("/", "~1") not in rendered
    assert "security.secret" in {f.code for f in pack.findings}
