"""Every JSON example in README.md and docs/ behaves as its text says (issue 10).

A fenced ``json`` block must be preceded by an expectation comment:

* ``<!-- example: pack passes -->`` — written canonically, the document passes ``check
  --strict`` with every oracle that judges a packverify pack without a repository required
  (all but ``source``; ``structure`` judges other formats, ``coverage`` needs ``--repo``);
* ``<!-- example: pack fails CODE... -->`` — it fails, with at least those codes;
* ``<!-- example: json (what it is) -->`` — strict JSON (no duplicate keys, no NaN);
* ``<!-- example: not json (why) -->`` — a template, with the reason.

A block without one fails here, so a new example cannot go untested.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packverify import ORACLES, canonical_json
from packverify.load import parse_bytes
from packverify.testing import check_pack

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"(?:<!-- example: (?P<mark>[^>]*?) -->\n)?```json\n(?P<body>.*?)```", re.S)


def _examples() -> list[tuple[str, int, str | None, str]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("body"))
            found.append((page.relative_to(ROOT).as_posix(), line, match["mark"], match["body"]))
    return found


EXAMPLES = _examples()


def test_there_are_examples_and_each_says_what_it_is():
    assert len(EXAMPLES) >= 6
    unmarked = [f"{page}:{line}" for page, line, mark, _ in EXAMPLES if mark is None]
    assert unmarked == [], "a ```json block without an <!-- example: ... --> comment"


@pytest.mark.parametrize(("page", "line", "mark", "body"), EXAMPLES, ids=[f"{p}:{n}" for p, n, _, _ in EXAMPLES])
def test_example_behaves_as_documented(page, line, mark, body):
    kind = (mark or "").split()
    if kind[:2] == ["not", "json"]:
        assert re.fullmatch(r"not json \(.+\)", mark), "say why it is not JSON"
        return
    loaded = parse_bytes(body.encode("utf-8"), path=f"{page}:{line}")
    assert loaded.findings == [], [f.message for f in loaded.findings]
    if kind[:1] == ["json"]:
        return
    assert kind[:1] == ["pack"], f"unknown expectation {mark!r}"
    # source and coverage compare with a repository (there is none here); structure judges other formats
    required = [name for name in ORACLES if name not in ("source", "structure", "coverage")]
    report = check_pack(canonical_json(loaded.document), strict=True, require=required)
    codes = {f.code for f in report.findings}
    if kind[1] == "passes":
        assert report.verdict.value == "pass", sorted(codes)
    else:
        assert kind[1] == "fails" and report.verdict.value == "fail"
        assert set(kind[2:]) <= codes, (kind[2:], sorted(codes))


_TOML = re.compile(r"(?:<!-- example: (?P<mark>[^>]*?) -->\n)?```toml\n(?P<body>.*?)```", re.S)
TOML_EXAMPLES = [(page.relative_to(ROOT).as_posix(), m["mark"], m["body"])
                 for page in PAGES for m in _TOML.finditer(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("page", "mark", "body"), TOML_EXAMPLES, ids=[f"{p}:{i}" for i, (p, _, _) in
                                                                       enumerate(TOML_EXAMPLES)])
def test_configuration_example_is_valid_or_refused_as_documented(page, mark, body, tmp_path):
    from packverify.config import ConfigError, load_config

    assert mark is not None, f"{page}: a ```toml block without an <!-- example: toml ... --> comment"
    config = tmp_path / "pyproject.toml"
    config.write_text(body, encoding="utf-8")
    if mark == "toml valid":
        assert load_config(config).settings
    else:
        expected = re.fullmatch(r"toml invalid: (.+)", mark).group(1)
        with pytest.raises(ConfigError, match=re.escape(expected)):
            load_config(config)


def test_there_are_configuration_examples():
    assert {mark for _, mark, _ in TOML_EXAMPLES} >= {"toml valid"}
