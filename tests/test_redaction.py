"""packverify.redaction by hand: each place a finding can quote the pack, redacted alone."""

from __future__ import annotations

import pytest

from packverify.model import UNSET, Finding, SourceLocation
from packverify.oracles._base import NotApplicable
from packverify.redaction import reason_without_credentials, without_credentials

AWS = "AKIA" + "QWERTYUIOPASDFGH"
CUT = "AKIA…(redacted)"


@pytest.mark.parametrize(("finding", "expected"), [
    (Finding("x.y", (), f"the key {AWS} here"), Finding("x.y", (), f"the key {CUT} here")),
    (Finding("x.y", (), "m", expected=AWS), Finding("x.y", (), "m", expected=CUT)),
    (Finding("x.y", (), "m", actual=f"/home/{AWS}/a.py"), Finding("x.y", (), "m", actual=f"/home/{CUT}/a.py")),
    (Finding("x.y", (), "m", actual=[1, AWS, (AWS,)]), Finding("x.y", (), "m", actual=[1, CUT, (CUT,)])),
    (Finding("x.y", (), "m", actual={AWS: [AWS], "k": 2}), Finding("x.y", (), "m", actual={CUT: [CUT], "k": 2})),
    (Finding("x.y", ("chunks", 0, AWS), "m"), Finding("x.y", ("chunks", 0, CUT), "m")),
    (Finding("x.y", (), "m", source=SourceLocation(f"src/{AWS}.py", 3, 4)),
     Finding("x.y", (), "m", source=SourceLocation(f"src/{CUT}.py", 3, 4))),
])
def test_each_place_a_finding_quotes_is_redacted(finding, expected):
    assert without_credentials([finding]) == [expected]


def test_findings_without_a_credential_are_kept_as_they_are_in_order():
    clean = [Finding("x.y", ("a", 1), "m", expected=3, actual=UNSET, source=SourceLocation("a.py", 1)),
             Finding("x.z", (), "ghp_ alone is not a token")]  # an anchor, no credential
    assert without_credentials(clean) == clean
    mixed = [clean[0], Finding("x.y", (), AWS), clean[1]]
    assert without_credentials(mixed) == [clean[0], Finding("x.y", (), CUT), clean[1]]


def test_a_skip_reason_is_redacted_and_keeps_its_kind():
    assert reason_without_credentials(f"unknown tokenizer {AWS!r}") == f"unknown tokenizer {CUT!r}"
    reason = reason_without_credentials(NotApplicable(f"for {AWS}"))
    assert type(reason) is NotApplicable and reason == f"for {CUT}"
    plain = NotApplicable("nothing to hide")
    assert reason_without_credentials(plain) is plain
