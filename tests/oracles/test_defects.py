"""Every finding code fires on its defect, at the right pointer; valid packs are quiet.

Each row plants one defect in a valid pack (tests/helpers.py) and names the code
and pointer that must be reported. ``tests/test_consistency.py`` checks that every
code of every oracle appears in this table or in an oracle's own test module.
"""

from __future__ import annotations

import hashlib

import pytest
from helpers import check_doc, mutated, pairs, valid_doc

from packverify.strategies import Excerpt, reference_bytes, reference_pack


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def mutate(doc):
        node = doc
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


def _del(*keys):
    def mutate(doc):
        node = doc
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return mutate


def _chunk(i, **changes):
    def mutate(doc):
        doc["chunks"][i].update(changes)

    return mutate


def _content(i, text):
    def mutate(doc):
        c = doc["chunks"][i]
        c["content"] = text
        c["content_hash"] = hashlib.sha256(text.encode()).hexdigest()

    return mutate


def _both(*mutations):
    def mutate(doc):
        for m in mutations:
            m(doc)

    return mutate


def _swap(i, j):
    def mutate(doc):
        doc["chunks"][i], doc["chunks"][j] = doc["chunks"][j], doc["chunks"][i]

    return mutate


def _over_budget(doc):
    doc["budget_info"]["actual_tokens"] = doc["budget_info"]["target_budget"] + 1


def _overlap(doc):
    # chunks[1] is src/a.py 1–15, chunks[2] is src/a.py 16–30: stretch 2 back over 1.
    doc["chunks"][2]["start_line"] = 14


DEFECTS = [
    # schema
    ("schema.type", _chunk(1, tokens="12"), "/chunks/1/tokens"),
    ("schema.type", _chunk(1, tokens=True), "/chunks/1/tokens"),
    ("schema.type", _set("chunks", {}), "/chunks"),
    ("schema.required", _del("chunks", 0, "content_hash"), "/chunks/0"),
    ("schema.required", _del("statistics"), ""),
    ("schema.additional-property", _chunk(0, conent="x"), "/chunks/0/conent"),
    ("schema.additional-property", _set("extra", 1), "/extra"),
    ("schema.pattern", _chunk(0, content_hash="A" * 64), "/chunks/0/content_hash"),
    ("schema.pattern", _set("metadata", "version", "1.0"), "/metadata/version"),
    ("schema.format", _set("metadata", "created_at", "not-a-date"), "/metadata/created_at"),
    ("schema.format", _set("metadata", "created_at", "2024-13-01T00:00:00Z"), "/metadata/created_at"),
    ("schema.range", _chunk(0, start_line=0), "/chunks/0/start_line"),
    ("schema.range", _set("budget_info", "target_budget", 999), "/budget_info/target_budget"),
    ("schema.range", _chunk(0, tokens=18446744073709551615), "/chunks/0/tokens"),
    ("schema.enum", _chunk(0, selected_mode="partial"), "/chunks/0/selected_mode"),
    ("schema.enum", _set("tokenizer_info", "name", "p50k"), "/tokenizer_info/name"),
    ("schema.length", _chunk(0, id=""), "/chunks/0/id"),
    # budget
    ("budget.overflow", _over_budget, "/budget_info/actual_tokens"),
    ("budget.sum-mismatch", _chunk(0, tokens=1), "/budget_info/actual_tokens"),
    ("budget.utilization-mismatch", _set("budget_info", "utilization", 0.5), "/budget_info/utilization"),
    ("budget.underflow", _set("statistics", "total_tokens", 10**6), "/budget_info/actual_tokens"),
    # tokens
    ("tokens.mismatch", _both(_chunk(3, tokens=7), lambda d: d["budget_info"].update(
        actual_tokens=sum(c["tokens"] for c in d["chunks"]))), "/chunks/3/tokens"),
    ("tokens.not-recounted", _del("chunks", 0, "content"), "/chunks"),
    # integrity
    ("integrity.content-hash-mismatch", _chunk(0, content_hash="0" * 64), "/chunks/0/content_hash"),
    ("integrity.manifest-digest-mismatch", _set("manifest_digest", "f" * 64), "/manifest_digest"),
    # overlap
    ("overlap.shared-lines", _overlap, "/chunks/2"),
    ("overlap.duplicate-id", lambda d: d["chunks"][1].update(id=d["chunks"][0]["id"]), "/chunks/1/id"),
    ("overlap.inverted-range", _chunk(2, start_line=30, end_line=16), "/chunks/2/end_line"),
    ("overlap.line-count-mismatch", _content(0, "# Demo\n\nSee src/.\nextra\n"), "/chunks/0/content"),
    # determinism
    ("determinism.chunk-order", _swap(0, 3), "/chunks/1"),
    ("determinism.unstable-id", _chunk(0, id="chunk-0"), "/chunks/0/id"),
    # stats
    ("stats.total-chunks", _set("statistics", "total_chunks", 3), "/statistics/total_chunks"),
    ("stats.total-files", _set("statistics", "total_files", 2), "/statistics/total_files"),
    ("stats.total-tokens", _set("statistics", "total_tokens", 5), "/statistics/total_tokens"),
    ("stats.language-distribution", _set("statistics", "language_distribution", {"python": 1}),
     "/statistics/language_distribution"),
    ("stats.language-distribution", _set("statistics", "language_distribution", {"python": 20, "markdown": 1}),
     "/statistics/language_distribution"),
    # security
    ("security.absolute-path", _chunk(0, file_path="/home/ci/README.md"), "/chunks/0/file_path"),
    ("security.absolute-path", _chunk(0, file_path="C:\\repo\\README.md"), "/chunks/0/file_path"),
    ("security.path-traversal", _chunk(0, file_path="../README.md"), "/chunks/0/file_path"),
    ("security.path-traversal", _chunk(0, file_path="docs/../../x"), "/chunks/0/file_path"),
    ("security.non-normalized-path", _chunk(0, file_path="./README.md"), "/chunks/0/file_path"),
    ("security.non-normalized-path", _chunk(0, file_path="src//README.md"), "/chunks/0/file_path"),
    ("security.non-normalized-path", _chunk(0, file_path="src\\README.md"), "/chunks/0/file_path"),
    ("security.non-normalized-path", _chunk(0, file_path="src/"), "/chunks/0/file_path"),
    ("security.control-character", _chunk(0, file_path="READ\x1b[2KME.md"), "/chunks/0/file_path"),
    ("security.control-character", _chunk(0, file_path="a\nb.md"), "/chunks/0/file_path"),
    ("security.secret-file", _chunk(0, file_path=".env"), "/chunks/0/file_path"),
    ("security.secret-file", _chunk(0, file_path="config/.env.production"), "/chunks/0/file_path"),
    ("security.secret-file", _chunk(0, file_path="home/.ssh/id_rsa"), "/chunks/0/file_path"),
    ("security.secret-file", _chunk(0, file_path="certs/deploy.key"), "/chunks/0/file_path"),
    ("security.secret-file", _chunk(0, file_path=".aws/credentials"), "/chunks/0/file_path"),
    ("security.secret", _content(0, "# Demo\naws_key = 'AKIAQWERTYUIOPASDFGH'\nSee src/.\n"), "/chunks/0/content"),
    ("security.secret", _content(0, "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), "/chunks/0/content"),
    ("security.secret", _content(0, "x\ntoken = 'ghp_Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo'\ny\n"), "/chunks/0/content"),
    ("security.secret", _content(0, "x\nSLACK=xoxb-1234567890-abcdefghij\ny\n"), "/chunks/0/content"),
    ("security.secret", _content(0, "x\nstripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'\ny\n"), "/chunks/0/content"),
    # issue 12: secrets outside chunk content, in summaries, and after a key's BEGIN line
    ("security.secret", _set("metadata", "repo_info", "remote",
                             "https://x-access-token:ghs_Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo@github.com/acme/app.git"),
     "/metadata/repo_info/remote"),
    ("security.secret", _set("metadata", "repo_info", "remote", "https://deploy:Tr0ub4dor3xK@git.example.com/app.git"),
     "/metadata/repo_info/remote"),
    ("security.secret", _set("metadata", "repo_info", "branch", "hotfix/npm_Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo"),
     "/metadata/repo_info/branch"),
    ("security.secret", _set("metadata", "x-ci", {"token": "glpat-Zq7T1mPx9RkW3vLs8YdN"}), "/metadata/x-ci/token"),
    ("security.secret", _set("metadata", "generator", {"name": "p", "version": "1",
                                                       "x-key": "AKIAQWERTYUIOPASDFGH"}), "/metadata/generator/x-key"),
    ("security.secret", _chunk(0, file_path="tokens/ghp_Zq7T1mPx9RkW3vLs8YdN2cHb6FgJ4aQe0uKo.txt"), "/chunks/0/file_path"),
    ("security.secret", _both(_chunk(0, selected_mode="summary"), _content(0, "uses key AKIAQWERTYUIOPASDFGH …\n")),
     "/chunks/0/content"),
    ("security.secret", _content(0, "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                                    "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n"
                                    "-----END RSA PRIVATE KEY-----\n"), "/chunks/0/content"),
    # issue 12: paths
    ("security.bidi-control", _chunk(0, file_path="src/admin\u202egnp.py"), "/chunks/0/file_path"),
    ("security.bidi-control", _chunk(0, file_path="src/\u2066a.py"), "/chunks/0/file_path"),
    ("security.invisible-character", _chunk(0, file_path="src/con\u200bfig.py"), "/chunks/0/file_path"),
    ("security.invisible-character", _chunk(0, file_path="\ufeffREADME.md"), "/chunks/0/file_path"),
    ("security.control-character", _chunk(0, file_path="a\u2028b.md"), "/chunks/0/file_path"),
    ("security.git-internal-path", _chunk(0, file_path=".git/config"), "/chunks/0/file_path"),
    ("security.git-internal-path", _chunk(0, file_path="vendor/lib/.GIT/hooks/pre-commit"), "/chunks/0/file_path"),
    ("security.non-nfc-path", _chunk(0, file_path="cafe\u0301.md"), "/chunks/0/file_path"),
    ("security.normalization-collision", _both(_chunk(0, file_path="caf\u00e9.md"), _chunk(3, file_path="cafe\u0301.md")),
     "/chunks/3/file_path"),
    ("security.case-collision", _chunk(3, file_path="readme.md"), "/chunks/3/file_path"),
    ("security.case-collision", _chunk(3, file_path="SRC/A.py"), "/chunks/3/file_path"),
    ("security.machine-path", _set("metadata", "repo_info", "path", "/home/alice/src/app"), "/metadata/repo_info/path"),
    ("security.machine-path", _set("metadata", "repo_info", "path", "~/src/app"), "/metadata/repo_info/path"),
    ("security.machine-path", _set("metadata", "repo_info", "path", "C:\\Users\\alice\\app"), "/metadata/repo_info/path"),
]


@pytest.mark.parametrize("code,mutate,pointer", DEFECTS, ids=[f"{d[0]}-{i}" for i, d in enumerate(DEFECTS)])
def test_defect_is_reported_with_code_and_pointer(code, mutate, pointer):
    report = check_doc(mutated(mutate))
    assert (code, pointer) in pairs(report), sorted(pairs(report))
    finding = next(f for f in report.findings if f.code == code and f.pointer == pointer)
    assert finding.oracle == code.split(".")[0]
    assert finding.message
    assert report.oracles[finding.oracle].status.value == "fail" or finding.severity.value == "warning"
    assert report.verdict.value == "fail" or finding.severity.value == "warning"


def test_tokens_real_overflow():
    # Every claim adds up, but the claimed counts are lies and the real total overflows.
    selections = [Excerpt(f"f{i}.txt", 1, 1, "word " * 400 + "\n") for i in range(3)]
    doc = valid_doc(selections=selections)
    real = doc["budget_info"]["actual_tokens"]
    assert real > 1000
    for c in doc["chunks"]:
        c["tokens"] = 300
    doc["budget_info"].update(target_budget=1000, actual_tokens=900, utilization=0.9)
    doc["statistics"]["total_tokens"] = 900
    doc.pop("manifest_digest")
    report = check_doc(doc)
    assert ("tokens.real-overflow", "/budget_info/target_budget") in pairs(report)
    assert not any(f.code.startswith("budget.") for f in report.findings)


def test_budget_overflow_of_the_chunk_sum_even_when_actual_tokens_lies():
    doc = mutated(lambda d: d["budget_info"].update(target_budget=1000))
    total = sum(c["tokens"] for c in doc["chunks"])
    doc["chunks"][3]["tokens"] += 1000 - total + 50  # the sum now exceeds the budget
    report = check_doc(doc)
    assert ("budget.overflow", "/chunks") in pairs(report)


def test_non_canonical_bytes_warn_for_foreign_packs_and_fail_when_declared():
    import json

    doc = valid_doc()
    declared = check_doc(doc, raw=json.dumps(doc, indent=2).encode())
    [finding] = [f for f in declared.findings if f.code == "determinism.non-canonical-bytes"]
    assert finding.severity.value == "error" and finding.pointer == ""
    del doc["metadata"]["serialization"]
    foreign = check_doc(doc, raw=json.dumps(doc, indent=2).encode())
    [finding] = [f for f in foreign.findings if f.code == "determinism.non-canonical-bytes"]
    assert finding.severity.value == "warning"
    assert foreign.verdict.value == "pass"
    assert check_doc(doc, raw=json.dumps(doc, indent=2).encode(), strict=True).verdict.value == "fail"
    assert "first difference at byte 1" in finding.message


def test_non_canonical_number_format_is_found():
    doc = valid_doc()
    raw = reference_bytes(doc).replace(b'"start_line":1,', b'"start_line":1.0,', 1)
    report = check_doc(None, raw=raw)
    assert "determinism.non-canonical-bytes" in {f.code for f in report.findings}


BODY_SPAN_DEFECTS = [
    ("integrity.body-span-count", lambda d: d["body_spans"].pop(), "/body_spans"),
    ("integrity.body-span-mismatch", lambda d: d["body_spans"][1].update(chunk_id="other"), "/body_spans/1/chunk_id"),
    ("integrity.body-span-order", lambda d: d["body_spans"][2].update(start=0), "/body_spans/2"),
    ("integrity.body-span-length", lambda d: d["body_spans"][3].update(end=d["body_spans"][3]["end"] + 1),
     "/body_spans/3"),
]


@pytest.mark.parametrize("code,mutate,pointer", BODY_SPAN_DEFECTS, ids=[d[0] for d in BODY_SPAN_DEFECTS])
def test_body_span_defects(code, mutate, pointer):
    assert check_doc(valid_doc(body_spans=True)).findings == ()
    report = check_doc(mutated(mutate, body_spans=True))
    assert (code, pointer) in pairs(report), sorted(pairs(report))


VALID = {
    "base": {},
    "o200k": {"tokenizer": "o200k"},
    "body-spans": {"body_spans": True},
    "no-digest": {"digest": False},
    "empty": {"selections": [Excerpt("x", 1, 1, "")][:0] or None},
    "unicode-paths": {"selections": [Excerpt("dokümente/naïve 文件.md", 1, 2, "ä\nß"),
                                     Excerpt("zz/😀.txt", 1, 1, "<|endoftext|>")]},
    "summary-mode": {"selections": [Excerpt("a.py", 1, 300, "def a(): ...\n", mode="signature")]},
    # issue 12: what the new path and secret rules must leave alone
    "emoji-zwj-and-nfc-paths": {"selections": [Excerpt("docs/\U0001f468\u200d\U0001f469\u200d\U0001f467.md", 1, 1, "x\n"),
                                               Excerpt("docs/caf\u00e9/r\u00e9sum\u00e9.md", 1, 1, "y\n"),
                                               Excerpt(".github/.gitkeep", 1, 1, "z\n"),
                                               Excerpt("src/.gitignore", 1, 1, "*.pyc\n")]},
    "look-alikes": {"selections": [Excerpt("docs/aws.md", 1, 2, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
                                             "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
                                   Excerpt("src/pem.py", 1, 1, 'HEADER = "-----BEGIN RSA PRIVATE KEY-----"\n'),
                                   Excerpt("src/db.py", 1, 1, "url = 'postgres://app:${DB_PASSWORD}@db/app'\n", mode="summary")]},
}


@pytest.mark.parametrize("name", VALID)
def test_valid_packs_are_quiet_even_strict(name):
    kwargs = dict(VALID[name])
    if name == "empty":
        doc = reference_pack([], target_budget=1000, total_tokens=0, total_files=0, total_chunks=0)
    else:
        doc = valid_doc(**kwargs)
    if name == "look-alikes":  # metadata a CI checkout writes, without credentials
        doc["metadata"]["repo_info"].update(remote="https://github.com/acme/app.git", branch="main", path="../app")
        doc["metadata"]["x-ci"] = {"token_var": "${GITHUB_TOKEN}", "url": "git@github.com:acme/app.git"}
    report = check_doc(doc, strict=True)
    assert report.findings == (), [f.to_dict() for f in report.findings]
    assert report.verdict.value == "pass"
    statuses = {n: r.status.value for n, r in report.oracles.items()}
    assert statuses["source"] == "skipped"
    if name != "empty":
        assert statuses["tokens"] == "pass"


def test_empty_pack_skips_what_it_cannot_judge():
    doc = reference_pack([], target_budget=1000, total_tokens=0, total_files=0, total_chunks=0, digest=False)
    report = check_doc(doc)
    assert report.oracles["tokens"].status.value == "skipped"
    assert report.oracles["integrity"].status.value == "skipped"
    assert report.verdict.value == "pass"


def test_the_packer_writes_canonical_ids_and_the_oracle_accepts_exactly_those():
    """Expected values by hand: sha256 of the JCS bytes ``["src/a.py",1,10]`` (typed out
    below, checked with ``printf '["src/a.py",1,10]' | sha256sum``) — not the function
    the packer and the determinism oracle share."""
    from packverify.packer.assemble import assemble

    by_hand = {("src/a.py", 1, 10): hashlib.sha256(b'["src/a.py",1,10]').hexdigest()[:16],
               ("README.md", 1, 3): hashlib.sha256(b'["README.md",1,3]').hexdigest()[:16],
               ("dokümente/ä.md", 2, 2): hashlib.sha256('["dokümente/ä.md",2,2]'.encode()).hexdigest()[:16]}
    assert by_hand[("src/a.py", 1, 10)] == "b1e0a00acad52eab"  # docs/format.md §Chunk id
    doc = assemble([Excerpt(path, start, end, "x\n" * (end - start + 1)) for path, start, end in by_hand],
                   target_budget=1000)
    assert {(c["file_path"], c["start_line"], c["end_line"]): c["id"] for c in doc["chunks"]} == by_hand
    assert check_doc(doc, only=["determinism"]).findings == ()
    doc["chunks"][0]["id"] = by_hand[("src/a.py", 1, 10)][:-1] + "0"  # one hex digit off
    assert [(f.code, f.pointer) for f in check_doc(doc, only=["determinism"]).findings] == [
        ("determinism.unstable-id", "/chunks/0/id")]
