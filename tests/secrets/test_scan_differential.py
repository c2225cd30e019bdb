"""The anchored secrets scan finds exactly what the plain one did (tests/secrets/reference_scan.py):
same codes, offsets, lines, redactions, overlap winners and allowlisted lines, on adversarial
text — secrets cut at text boundaries, overlapping and adjacent matches, separators and the
``\\0`` of the old batches, non-ASCII and lone surrogates, allowlist markers, long lines —
with both anchor engines, one text at a time and in batches of any size.
"""

from __future__ import annotations

import platform
import re
import tomllib
from pathlib import Path

import pytest
import reference_scan
from helpers import profile_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from packverify.secrets import find_secrets, private_keys, scan, scan_many
from packverify.secrets.anchors import AnchorFinder, find_each
from packverify.secrets.rules import RULES

CORPUS = Path(__file__).resolve().parent.parent / "data" / "secrets" / "corpus.toml"
CASES = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]
ALL_ANCHORS = sorted({a for rule in RULES for a in rule.anchors} | set(private_keys.ANCHORS))

# pieces of real (synthetic) credentials and their look-alikes: every corpus text, and each of its lines
CORPUS_PIECES = sorted({c["text"] for c in CASES} | {line + "\n" for c in CASES for line in c["text"].split("\n")})
SEPARATORS = ["\n", "\r\n", "\r", " ", "\t", "\0", "\n\0\n", "\\n", "\\r\\n", ":", "@", "=", "'", '"', "/", "_", "-",
              ".", "$", "{", "}", "#", "`"]
ODD = ["é", "ü", "😀", "\u2028", "\x85", "\ud800", "\udfff", "中文", "\u202e"]
MARKERS = ["pragma: allowlist secret", "gitleaks:allow", "# pragma: allowlist secret\n"]
SHAPES = ["-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
          "-----END PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
          "PuTTY-User-Key-File-3: ssh-ed25519", "machine ", "login ", "password ", "alice:", "root:",
          "0123456789abcdef0123456789abcdef", "3f2a9c7e1b0d4a6f8e2c5b7d9a1f3e0c", "-us12", "https://", "u:",
          "redis://:", "@db.example.com", "aws_secret_access_key = ", "AWS_SECRET = ", "awsSecret: "]
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/+=."


@st.composite
def tokens(draw) -> str:
    """An anchor followed by a run that often completes a rule's shape (random enough to be accepted)."""
    anchor = draw(st.sampled_from(ALL_ANCHORS))
    run = draw(st.text(alphabet=st.sampled_from(TOKEN_ALPHABET), max_size=110))
    return anchor + run


pieces = st.one_of(st.sampled_from(CORPUS_PIECES), tokens(), st.sampled_from(SEPARATORS), st.sampled_from(ODD),
                   st.sampled_from(MARKERS), st.sampled_from(SHAPES), st.sampled_from(ALL_ANCHORS), st.text(max_size=4))
# every corpus text from each of its line starts: texts that begin inside a key body or on a
# password-file line, where a shape's look at "the start of the text" decides
CORPUS_TAILS = sorted({"\n".join(c["text"].split("\n")[k:]) for c in CASES for k in range(len(c["text"].split("\n")))})
texts = st.builds(lambda head, rest: head + "".join(rest), st.one_of(st.just(""), st.sampled_from(CORPUS_TAILS)),
                  st.lists(pieces, max_size=25))


@pytest.fixture(params=["fast", "str.find"])
def engine(request, monkeypatch):
    """Run the scan with each anchor engine (Hyperscan where it is installed, str.find always)."""
    chosen = AnchorFinder(scan.anchor_finder().anchors, fast=request.param == "fast")
    monkeypatch.setattr(scan, "anchor_finder", lambda: chosen)
    return chosen


@settings(deadline=None)
@given(text=texts)
def test_one_text_as_before(text):
    assert find_secrets(text) == reference_scan.find_secrets(text)


def test_one_text_as_before_with_each_engine(engine):
    @settings(deadline=None)
    @given(text=texts)
    def check(text):
        assert find_secrets(text) == reference_scan.find_secrets(text)

    check()


@settings(deadline=None)
@given(many=st.lists(texts, max_size=12), batch_chars=st.integers(1, 400))
def test_many_texts_each_as_alone(many, batch_chars):
    items = list(enumerate(many))
    assert list(scan_many(items, batch_chars)) == list(reference_scan.scan_many(items))


@settings(deadline=None)
@given(text=texts)
def test_both_engines_find_every_anchor_occurrence(text):
    fast = scan.anchor_finder()
    assert fast.find(text) == find_each(text, fast.anchors)
    if text:
        assert AnchorFinder(fast.anchors, fast=False).find(text) == find_each(text, fast.anchors)


def test_hyperscan_is_the_engine_where_the_lock_installs_it():
    # requirements*.lock pin hyperscan for x86_64 (no Linux aarch64 wheel): there it must run
    if platform.machine().lower() in ("x86_64", "amd64"):
        assert scan.anchor_finder().engine == "hyperscan"


# ---------------------------------------------------------------- anchors are complete

def _literal_prefixes(items) -> tuple[set[str], bool]:
    """The literal strings every match of ``items`` (a parsed pattern) can start with, and
    whether ``items`` is literal throughout (so what follows extends the prefixes)."""
    from re import _constants as c  # noqa: PLC0415 — the test's own reading of the pattern
    out = {""}
    for op, av in items:
        if op is c.LITERAL:
            out = {p + chr(av) for p in out}
        elif op is c.IN and av and all(o is c.LITERAL for o, _ in av):
            out = {p + chr(v) for p in out for _, v in av}
        elif op is c.SUBPATTERN or op is c.BRANCH:
            branches = [av[-1]] if op is c.SUBPATTERN else av[1]
            parts = [_literal_prefixes(b) for b in branches]
            out = {p + q for p in out for found, _ in parts for q in found}
            if not all(complete for _, complete in parts):
                return out, False
        else:
            return out, False
    return out, True


def _starts(pattern: re.Pattern) -> set[str]:
    from re import _parser  # noqa: PLC0415
    return _literal_prefixes(_parser.parse(pattern.pattern, pattern.flags))[0]


SHAPES_WITH_ANCHORS = [(rule.id, rule.pattern, rule.anchors) for rule in RULES] + [
    ("begin", private_keys._BEGIN, ("-----BEGIN ",)), ("last-line-begin", private_keys._LAST_LINE_BEGIN, ("-----BEGIN ",)),
    ("putty", private_keys._PUTTY, ("PuTTY-User-Key-File-",)), ("netrc", private_keys._NETRC, ("machine",)),
] + [(f"htpasswd-{i}", pattern, anchors) for i, (pattern, anchors) in enumerate(private_keys._HTPASSWD)]


@pytest.mark.parametrize(("name", "pattern", "anchors"), SHAPES_WITH_ANCHORS, ids=[s[0] for s in SHAPES_WITH_ANCHORS])
def test_every_match_starts_with_one_of_its_anchors(name, pattern, anchors):
    starts = _starts(pattern)
    assert starts and all(any(s.startswith(a) for a in anchors) for s in starts), (starts, anchors)
    assert set(anchors) <= set(ALL_ANCHORS)


def test_the_locator_knows_every_anchor():
    assert set(scan.anchor_finder().anchors) == set(ALL_ANCHORS)


# ---------------------------------------------------------------- the oracle's walk over the document

SECRETS = ["ghp_" + "a1B2" * 9, "AKIA" + "QWERTYUIOPASDFGH", "https://u:Zq8vLm3Kp@db.example.com", "plain", "é 😀"]
values = st.one_of(st.sampled_from(SECRETS), texts)
json_values = st.recursive(st.one_of(values, st.integers(-9, 9), st.none()),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                               st.sampled_from(["content", "file_path", "x-note", "a", SECRETS[1], SECRETS[2]]), inner,
                               max_size=3),
                           max_leaves=12)
chunk_docs = st.fixed_dictionaries({"content": values, "file_path": st.sampled_from(SECRETS[:3] + ["a.py", "b.py"]),
                                    "start_line": st.integers(0, 3), "language": st.sampled_from(["python", "é"])},
                                   optional={"x-extra": json_values, "selected_mode": st.sampled_from(["full", "summary"]),
                                             SECRETS[0]: json_values})  # a credential as a name
# chunks as the schema wants them, and as a broken pack has them: other members among the
# objects, or an object in place of the list (whose members' contents are still contents)
chunk_lists = st.one_of(st.lists(chunk_docs, max_size=6), st.lists(st.one_of(chunk_docs, json_values), max_size=4),
                        st.dictionaries(st.sampled_from(["0", "a", "content"]), chunk_docs, max_size=2))
documents = st.fixed_dictionaries({"chunks": chunk_lists,
                                   "metadata": st.dictionaries(st.sampled_from(["repo_info", "branch", "x-y", SECRETS[1]]),
                                                               json_values, max_size=3)})


@settings(deadline=None)
@given(doc=documents)
def test_the_oracle_reports_what_it_did(doc):
    from types import SimpleNamespace  # noqa: PLC0415

    from packverify.oracles import security  # noqa: PLC0415
    from packverify.view import PackView  # noqa: PLC0415

    pack = PackView(SimpleNamespace(document=doc))  # the parsed document as the oracle sees it (surrogates too)
    found = [(f.path, f.message, f.actual) for f in security._secrets(pack)]
    assert found == reference_scan.security_findings(pack)


# ---------------------------------------------------------------- texts with somewhere to start

@settings(deadline=None)
@given(many=st.lists(st.one_of(texts, st.sampled_from(SECRETS)), max_size=12), batch_chars=st.integers(1, 400))
def test_every_text_with_a_secret_has_an_anchor(many, batch_chars):
    # the texts the plain scan finds anything in are among those kept, whatever the batches
    kept = scan.with_anchors(many, batch_chars)
    assert [t for t in many if reference_scan.find_secrets(t)] == [t for t in kept if reference_scan.find_secrets(t)]
    assert all(t in many for t in kept)


def test_every_text_with_a_secret_has_an_anchor_with_each_engine(engine):
    @profile_settings(multiplier=0.8, deadline=None)
    @given(many=st.lists(texts, max_size=8), batch_chars=st.integers(1, 200))
    def check(many, batch_chars):
        kept = scan.with_anchors(many, batch_chars)
        assert [t for t in many if reference_scan.find_secrets(t)] == [t for t in kept if reference_scan.find_secrets(t)]

    check()


BODY = ("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"  # one line starts like a key body
        "kzp9fTq5Ld0Y1ilKpTHvHNlH7v2Rd2vcpB0zBKcm8nfBTjGVwL8WZlz8Kxr7YZxQ\n")


@pytest.mark.parametrize(("texts_", "expected"), [
    (["plain", "d99ca653", "src/mod.py", ""], []),  # nothing a rule starts with
    (["a", "token ghp_x", "b"], ["token ghp_x"]),
    (["a", "x://y"], ["x://y"]),  # the anchor of a URL's credentials, no credential: kept all the same
    (["-----BEGIN", " RSA"], []),  # an anchor cut in two by the join is in neither text
    ([BODY, "b"], [BODY]),  # a key body at the very start
    (["a", BODY], [BODY]),  # ... of a text that is not the first
])
def test_texts_with_anchors_by_hand(texts_, expected):
    assert reference_scan.find_secrets(BODY)  # the plain scan finds a key body in it
    for batch_chars in (None, 1, 7):
        assert scan.with_anchors(texts_, batch_chars) == expected


@pytest.mark.parametrize(("doc", "where"), [
    ({"metadata": {"remote": SECRETS[0]}}, ("metadata", "remote")),  # no chunks at all
    ({"chunks": SECRETS[0]}, ("chunks",)),  # chunks that are a string
    ({"chunks": [{"content": "x", "x-note": SECRETS[0]}]}, ("chunks", 0, "x-note")),
])
def test_a_secret_in_a_document_of_any_shape_is_found_where_it_is(doc, where):
    # by hand: the one GitHub token, at its place; the oracle's cheap gathering of strings
    # must not lose the document's strings when the pack is not shaped as a pack (a
    # document that is not an object reaches the oracles as {}: the schema reports it)
    from types import SimpleNamespace  # noqa: PLC0415

    from packverify.oracles import security  # noqa: PLC0415
    from packverify.view import PackView  # noqa: PLC0415

    found = [(f.path, f.message) for f in security._secrets(PackView(SimpleNamespace(document=doc)))]
    assert found == [(where, "GitHub token in /" + "/".join(map(str, where)))]
