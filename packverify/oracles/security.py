"""security — nothing in the pack escapes the repository or leaks a credential.

Paths: every ``file_path`` is a normalized relative POSIX path — not absolute, no
``..``, no ``.``/empty segments or backslashes, no control characters.

Secrets, by the ``detect-secrets`` library (Yelp; maintained, used in pre-commit
hooks): its high-precision detectors only — private keys, AWS, Azure storage,
GitHub, GitLab, OpenAI, PyPI, npm, Slack, Stripe, SendGrid, Square, Mailchimp
tokens. Its entropy and keyword detectors are left out on purpose: on source code
they flag hashes, test vectors and ``password = os.environ[...]`` lines, and a gate
that cries wolf gets switched off. Honoured like detect-secrets: a line containing
``pragma: allowlist secret``; AWS's documented example keys (``…EXAMPLE``).

Speed: running every detector's regexes over 100 MB takes ≈6 s, so lines are
first picked by a literal-prefixed prefilter per detector (gitleaks' keyword
approach: a detector can only match a line that contains its literal), and only
those lines go to detect-secrets. Two detectors that detect-secrets runs
case-insensitively are prefiltered on the spellings real credentials use (Slack
tokens are lower case; ``aws``/``AWS``/``Aws``): a scan for every case costs 5×.

Secret files, by name: ``.env`` (not ``.env.example``/``.sample``/``.template``),
SSH private keys (``id_rsa``…), ``*.key``, keystores (``.p12 .pfx .jks .keystore
.ppk .kdbx``), ``.git-credentials``, ``.netrc``, ``.pypirc``, ``.aws/credentials``.
Names that merely contain "key" or "secret" (``monkey_patch.py``) are not flagged.
A secret is never echoed in a report: only its kind, place and a redacted prefix.

A pack in another format: the same, over every path it names (relative to the repository:
files-to-prompt's ``./`` removed), every file's text, and every other text it carries
(header, summary, directory tree, statistics: ``ForeignPack.metadata``) — each finding at
its line:column in the pack.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from packverify.model import Finding
from packverify.oracles._base import ERROR, Code

NAME = "security"

CODES = {
    "security.absolute-path": Code("Absolute path", ERROR,
                                   "An absolute path leaks the packing machine's layout and escapes the repository.",
                                   "/home/ci/repo/src/a.py"),
    "security.path-traversal": Code("Path traversal", ERROR, "A '..' segment points outside the repository.",
                                    "../../etc/passwd"),
    "security.non-normalized-path": Code("Non-normalized path", ERROR,
                                         "'./', '//', trailing '/' or backslashes make two spellings of one file.",
                                         "src//a.py, src\\\\a.py"),
    "security.control-character": Code("Control character in path", ERROR,
                                       "Control characters in paths spoof terminal output and break line-based tools.",
                                       "a.py\\x1b[2K"),
    "security.secret": Code("Secret in content", ERROR,
                            "A credential in a pack is sent to a model provider and often logged.",
                            "AKIA… AWS access key id"),
    "security.secret-file": Code("Secret file", ERROR,
                                 "A file that by its name holds credentials should never be packed.",
                                 ".env, id_rsa, deploy.key"),
}

_ENV_SAFE = {"example", "sample", "template", "dist", "defaults", "schema", "test", "ci"}
_KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
_SECRET_NAMES = {".git-credentials", ".netrc", "_netrc", ".pypirc", ".htpasswd"}
_SECRET_SUFFIXES = (".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx")
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_ALLOW_PRAGMA = "pragma: allowlist secret"
_BATCH_CHARS = 8 << 20


def path_problems(path: str) -> list[tuple[str, str]]:
    """(code, message) for everything unsafe about one ``file_path``."""
    problems = []
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in path):
        problems.append(("security.control-character", "the path contains a control character"))
    if path.startswith(("/", "\\")) or _WINDOWS_ABSOLUTE.match(path):
        problems.append(("security.absolute-path", "the path is absolute"))
    segments = re.split(r"[/\\]", path)
    if ".." in segments:
        problems.append(("security.path-traversal", "the path has a '..' segment"))
    if "\\" in path or "." in segments or any(s == "" for s in segments[1:] if not path.startswith("/")) or \
            (segments and segments[-1] == "" and path):
        problems.append(("security.non-normalized-path",
                         "the path is not normalized (backslash, '.' segment, empty segment or trailing '/')"))
    return problems


def secret_file_reason(path: str) -> str | None:
    """Why a path names a secret file, or ``None``."""
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    if name == ".env" or (name.startswith(".env.") and name[5:] not in _ENV_SAFE):
        return "an environment file (.env) usually holds credentials"
    if name in _KEY_NAMES:
        return "an SSH private key"
    if name in _SECRET_NAMES:
        return f"{name} holds credentials"
    if lower.endswith("/.aws/credentials") or lower == ".aws/credentials":
        return "AWS credentials file"
    if name.endswith(_SECRET_SUFFIXES):  # public halves (id_rsa.pub, x.pem.pub) end otherwise
        return f"a key or keystore file ({name.rsplit('.', 1)[-1]})"
    return None


@lru_cache(maxsize=1)
def _detectors() -> list[tuple[re.Pattern, object]]:
    """(prefilter, detect-secrets detector) pairs. A detector matches only lines its
    prefilter matches: the prefilter is a literal part of every match."""
    from detect_secrets.plugins import (
        aws,
        azure_storage_key,
        github_token,
        gitlab_token,
        mailchimp,
        npm,
        openai,
        private_key,
        pypi_token,
        sendgrid,
        slack,
        square_oauth,
        stripe,
    )

    rules = [
        (r"A(?:KIA|SIA|BIA|CCA|3T)", aws.AWSKeyDetector()),
        # detect-secrets matches this form case-insensitively; the prefilter takes the
        # spellings code uses (aws_secret_key, AWS_SECRET_ACCESS_KEY, AwsSecret): a scan
        # for every case costs 5× more (bench/check_bench.py).
        (r"aws", aws.AWSKeyDetector()),
        (r"AWS", aws.AWSKeyDetector()),
        (r"Aws", aws.AWSKeyDetector()),
        (r"AccountKey=", azure_storage_key.AzureStorageKeyDetector()),
        (r"gh[pousr]_", github_token.GitHubTokenDetector()),
        (r"gl[a-z]{2,6}-", gitlab_token.GitLabTokenDetector()),
        (r"GR1348941", gitlab_token.GitLabTokenDetector()),
        (r"-us\d", mailchimp.MailchimpDetector()),
        (r"_authToken=", npm.NpmDetector()),
        (r"T3BlbkFJ", openai.OpenAIDetector()),
        (r"PRIVATE KEY", private_key.PrivateKeyDetector()),
        (r"PuTTY-User-Key-File-2", private_key.PrivateKeyDetector()),
        (r"pypi-Ag", pypi_token.PypiTokenDetector()),
        (r"SG\.", sendgrid.SendGridDetector()),
        (r"xox[abposr]-", slack.SlackDetector()),  # Slack issues tokens in lower case
        (r"hooks\.slack\.com", slack.SlackDetector()),
        (r"sq0csp-", square_oauth.SquareOAuthDetector()),
        (r"k_live_", stripe.StripeDetector()),
    ]
    return [(re.compile(pattern), detector) for pattern, detector in rules]


def _redact(secret: str) -> str:
    return (secret[:4] if len(secret) > 12 else secret[:2]) + "…(redacted)"


def _allowlisted(line: str, secret: str) -> bool:
    return _ALLOW_PRAGMA in line or secret.endswith("EXAMPLE")


def check(pack, ctx) -> Iterator[Finding]:
    seen_paths: set[str] = set()
    for chunk in pack.chunks:
        path = chunk.file_path
        if path is None or path in seen_paths:
            continue
        seen_paths.add(path)
        for code, message in path_problems(path):
            yield Finding(code, chunk.path + ("file_path",), f"{message}: {path!r}", actual=path)
        reason = secret_file_reason(path)
        if reason is not None:
            yield Finding("security.secret-file", chunk.path + ("file_path",),
                          f"{path!r} is a secret file: {reason}", actual=path)
    yield from _secrets(pack)


def _secrets(pack) -> Iterator[Finding]:
    with_content = [c for c in pack.chunks if c.content]
    batch: list = []
    size = 0
    for chunk in with_content:
        batch.append(chunk)
        size += len(chunk.content) + 1
        if size >= _BATCH_CHARS:
            yield from _scan_batch(batch)
            batch, size = [], 0
    if batch:
        yield from _scan_batch(batch)


def _scan_text(text: str) -> Iterator[tuple[int, int, object, str]]:
    """(line start, line end, detector, secret) for every credential in ``text``,
    in order of position; allowlisted lines and example keys left out."""
    candidates: dict[tuple[int, int], set[int]] = {}  # (line start, line end) → detector indexes
    detectors = _detectors()
    for number, (prefilter, _) in enumerate(detectors):
        position = 0
        while True:
            match = prefilter.search(text, position)
            if match is None:
                break
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line_end = len(text) if line_end == -1 else line_end
            candidates.setdefault((line_start, line_end), set()).add(number)
            position = line_end
    for line_start, line_end in sorted(candidates):
        line = text[line_start:line_end]
        for number in sorted(candidates[(line_start, line_end)]):
            detector = detectors[number][1]
            for secret in detector.analyze_string(line):
                if not _allowlisted(line, secret):
                    yield line_start, line_end, detector, secret


def find_secrets(text: str) -> list[tuple[int, str]]:
    """(1-based line, kind) of every credential in ``text`` — what the reference packer
    uses to leave a file out, so its packs pass this oracle."""
    return [(text.count("\n", 0, start) + 1, detector.secret_type) for start, _, detector, _ in _scan_text(text)]


def _scan_batch(batch: list) -> Iterator[Finding]:
    joined = "\n".join(c.content for c in batch)
    starts, offset = [], 0
    for c in batch:
        starts.append(offset)
        offset += len(c.content) + 1
    reported: set[tuple[int, str]] = set()
    for line_start, _, detector, secret in _scan_text(joined):
        k = bisect.bisect_right(starts, line_start) - 1
        chunk = batch[k]
        if (chunk.index, secret) in reported:
            continue
        reported.add((chunk.index, secret))
        line_in_chunk = joined.count("\n", starts[k], line_start)
        where = f"{chunk.file_path}:{chunk.start_line + line_in_chunk}" if chunk.start_line else f"line {line_in_chunk + 1} of the chunk"
        yield Finding("security.secret", chunk.path + ("content",),
                      f"{detector.secret_type} at {where}", actual=_redact(secret))


def check_foreign(view, ctx) -> Iterator[Finding]:
    seen: set[str] = set()
    for entry in view.files:
        path = view.relative(entry)
        if path in seen:
            continue
        seen.add(path)
        for code, message in path_problems(path):
            yield Finding(code, (), f"{message}: {entry.path!r}", actual=entry.path, location=entry.location)
        reason = secret_file_reason(path)
        if reason is not None:
            yield Finding("security.secret-file", (), f"{entry.path!r} is a secret file: {reason}", actual=entry.path,
                          location=entry.location)
    for entry in view.files:
        for line, kind in find_secrets(entry.text or ""):
            yield Finding("security.secret", (), f"{kind} in {entry.path}, line {line} of its packed text",
                          location=view.line_location(entry, line))
    for label, text, start in view.pack.metadata:
        for line, kind in find_secrets(text):
            yield Finding("security.secret", (), f"{kind} in the pack's {label}, line {line} of it",
                          location=view.text_line_location(text, start, line))
