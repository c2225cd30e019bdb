"""Private keys and password files: credentials whose shape spans lines.

* a PEM private key (RFC 7468: PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted PKCS#8, DSA,
  OpenSSH, PGP) — its ``BEGIN`` line followed by a base64 line or an RFC 1421 header
  (``Proc-Type:``), across a real newline or a JSON ``\\n`` escape (service-account files),
  or a ``BEGIN`` line alone as the text's last line (a chunk cut right after it);
* the same key seen from inside, as a chunk that starts after the ``BEGIN`` line:
  its ``END`` line right after a base64 line, or the key's first base64 line alone —
  a DER ``SEQUENCE`` whose first member is ``INTEGER 0`` or ``1`` (the version field of
  every unencrypted private-key structure; certificates and public keys start with
  another ``SEQUENCE``) or OpenSSH's ``openssh-key-v1`` magic;
* a PuTTY key (``PuTTY-User-Key-File-2:``/``-3:`` at the start of a line);
* ``.netrc`` entries (``machine … login … password …``) and ``.htpasswd``/shadow
  lines (``user:$apr1$…``, bcrypt, SHA-crypt, ``{SHA}``).

Header strings alone — a TLS library's ``"-----BEGIN RSA PRIVATE KEY-----"`` constant,
documentation naming the line — are not keys: nothing key-like follows them.
Deliberately left out: a chunk holding only lines from the middle of a key body (no
``BEGIN``, no ``END``, not the first line): indistinguishable from any base64 data.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from packverify.secrets.rules import looks_random

_NL = r"(?:\r?\n|(?:\\r)?\\n)"  # a newline, or the two characters \n inside a JSON/YAML string
_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----" + _NL
                    + r"(?:[A-Za-z-]+: ?[^\r\n\\]*" + _NL + r")*" + _NL + r"?[A-Za-z0-9+/=]{4,}(?=[\r\n\\\"']|$)")
# \0 ends a text inside a batch (packverify.secrets.scan.SEPARATOR)
_LAST_LINE_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----[ \t\r\n]*(?=\0|\Z)")
_END = re.compile(r"(?m)^(?P<body>[A-Za-z0-9+/=]{16,})" + r"\r?\n-----END (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
_PUTTY = re.compile(r"PuTTY-User-Key-File-\d+: *[a-z0-9-]+")
_NETRC = re.compile(r"machine\s+\S+\s+(?:login\s+\S+\s+)?password\s+(?P<secret>[^\s`'\"]+)")
# one pattern per literal start: an alternation of them would be tried at every position (20× slower)
_HTPASSWD = tuple(re.compile(p) for p in (
    r"(?P<secret>\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22})",
    r"(?P<secret>\$2[aby]\$\d\d\$[./0-9A-Za-z]{53})",
    r"(?P<secret>\$[56]\$[^$:\s]{1,16}\$[./0-9A-Za-z]{43,86})",
    r"(?P<secret>\{SHA\}[A-Za-z0-9+/]{27}=)",
))
_USER_BEFORE = re.compile(r"(?:^|\n)[A-Za-z0-9._@-]{1,64}:$")
_BODY_LINE = re.compile(r"[A-Za-z0-9+/]{40,76}={0,2}\r?$")
_OPENSSH_MAGIC = "b3BlbnNzaC1rZXktdjE"  # base64 of "openssh-key-v1"

Hit = tuple[int, int, str, str]  # (start, end, rule id, kind)


def find(text: str) -> Iterator[Hit]:
    """Every key or password-file credential in ``text``, as character spans."""
    for m in _BEGIN.finditer(text):
        yield m.start(), m.end(), "private-key", _kind(m.group("label"))
    for m in _LAST_LINE_BEGIN.finditer(text):  # a whole last line: the body goes on in the next chunk
        if text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip(" \t") == "":
            yield m.start(), m.end("label") + 5, "private-key", _kind(m.group("label"))
    for m in _END_after_body(text):
        yield m
    for start in _line_starts_of(text, ("MI", "MH", "MG", "MC", _OPENSSH_MAGIC)):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if _BODY_LINE.fullmatch(line) and _next_is_body(text, end) and _private_der_or_openssh(line):
            yield start, end, "private-key", "private key (body)"
    for m in _PUTTY.finditer(text):
        if m.start() == 0 or text[m.start() - 1] == "\n":
            yield m.start(), m.end(), "putty-private-key", "PuTTY private key"
    for m in _NETRC.finditer(text):
        if looks_random(m.group("secret")) and (m.start() == 0 or text[m.start() - 1] in " \t\n"):
            yield m.start("secret"), m.end("secret"), "netrc-password", "password in a .netrc entry"
    for pattern in _HTPASSWD:
        for m in pattern.finditer(text):
            if _USER_BEFORE.search(text, max(0, m.start() - 66), m.start()):
                yield m.start("secret"), m.end("secret"), "password-hash", "password hash (.htpasswd, shadow)"


def _END_after_body(text: str) -> Iterator[Hit]:  # noqa: N802 — reads as the rule it is
    position = text.find("-----END ")
    while position != -1:
        # the body line before it, at most 80 characters back: a bounded look-back keeps this linear
        m = _END.search(text, max(0, position - 80), position + 80)
        if m is not None and m.start("label") - 9 == position:
            yield m.start(), m.end(), "private-key", _kind(m.group("label"))
        position = text.find("-----END ", position + 9)


def _line_starts_of(text: str, prefixes: tuple[str, ...]) -> Iterator[int]:
    """Offsets of lines that begin with one of ``prefixes`` (found with ``str.find``: C speed)."""
    for prefix in prefixes:
        if text.startswith(prefix):
            yield 0
        needle = "\n" + prefix
        position = text.find(needle)
        while position != -1:
            yield position + 1
            position = text.find(needle, position + 1)


def _next_is_body(text: str, end: int) -> bool:
    """The line after ``end`` is a base64 line too (or ``END``): a block, not one string."""
    if end >= len(text):
        return False
    following = text[end + 1:end + 90].split("\n", 1)[0]
    return _BODY_LINE.fullmatch(following) is not None or following.startswith("-----END ") or \
        (len(following) >= 4 and re.fullmatch(r"[A-Za-z0-9+/]+={0,2}\r?", following) is not None)


def _private_der_or_openssh(line: str) -> bool:
    if line.startswith(_OPENSSH_MAGIC):
        return True
    try:
        der = base64.b64decode(line.rstrip("\r")[:48])
    except (ValueError, binascii.Error):
        return False
    if len(der) < 8 or der[0] != 0x30:
        return False
    header = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)  # SEQUENCE tag, length (short or long form)
    return der[header:header + 3] in (b"\x02\x01\x00", b"\x02\x01\x01")


def _kind(label: str) -> str:
    return "private key (PKCS#8)" if label == "PRIVATE KEY" else label.lower().replace(" block", "")
