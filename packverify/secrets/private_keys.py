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

from packverify.secrets.anchors import AnchoredTexts, matches
from packverify.secrets.rules import looks_random

_NL = r"(?:\r?\n|(?:\\r)?\\n)"  # a newline, or the two characters \n inside a JSON/YAML string
_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----" + _NL
                    + r"(?:[A-Za-z-]+: ?[^\r\n\\]*" + _NL + r")*" + _NL + r"?[A-Za-z0-9+/=]{4,}(?=[\r\n\\\"']|$)")
# a \0 ends the last line too: it separated texts when batches were scanned whole (before
# packverify.secrets.anchors bounded each text); kept, so findings did not change
_LAST_LINE_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----[ \t\r\n]*(?=\0|\Z)")
_END = re.compile(r"(?m)^(?P<body>[A-Za-z0-9+/=]{16,})" + r"\r?\n-----END (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
_PUTTY = re.compile(r"PuTTY-User-Key-File-\d+: *[a-z0-9-]+")
_NETRC = re.compile(r"machine\s+\S+\s+(?:login\s+\S+\s+)?password\s+(?P<secret>[^\s`'\"]+)")
# (pattern, the literals its matches start with)
_HTPASSWD = tuple((re.compile(p), anchors) for p, anchors in (
    (r"(?P<secret>\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22})", ("$apr1$",)),
    (r"(?P<secret>\$2[aby]\$\d\d\$[./0-9A-Za-z]{53})", ("$2a$", "$2b$", "$2y$")),
    (r"(?P<secret>\$[56]\$[^$:\s]{1,16}\$[./0-9A-Za-z]{43,86})", ("$5$", "$6$")),
    (r"(?P<secret>\{SHA\}[A-Za-z0-9+/]{27}=)", ("{SHA}",)),
))
_USER_BEFORE = re.compile(r"(?:^|\n)[A-Za-z0-9._@-]{1,64}:$")
_BODY_LINE = re.compile(r"[A-Za-z0-9+/]{40,76}={0,2}\r?$")
_OPENSSH_MAGIC = "b3BlbnNzaC1rZXktdjE"  # base64 of "openssh-key-v1"
_BODY_STARTS = ("MI", "MH", "MG", "MC", _OPENSSH_MAGIC)
_BEGIN_ANCHOR, _END_ANCHOR, _PUTTY_ANCHOR, _NETRC_ANCHOR = "-----BEGIN ", "-----END ", "PuTTY-User-Key-File-", "machine"

# every literal a shape here starts with (packverify.secrets.anchors); a body line's is
# its newline (the first line of a text is looked at apart)
ANCHORS = (_BEGIN_ANCHOR, _END_ANCHOR, _PUTTY_ANCHOR, _NETRC_ANCHOR, *("\n" + p for p in _BODY_STARTS),
           *(a for _, anchors in _HTPASSWD for a in anchors))

Hit = tuple[int, int, str, str]  # (start, end, rule id, kind)


def find(where: AnchoredTexts) -> Iterator[Hit]:
    """Every key or password-file credential in the texts of ``where``, as character spans,
    each found as in its text alone."""
    text = where.text
    for m in matches(_BEGIN, where, (_BEGIN_ANCHOR,)):
        yield m.start(), m.end(), "private-key", _kind(m.group("label"))
    for m in matches(_LAST_LINE_BEGIN, where, (_BEGIN_ANCHOR,)):  # a whole last line: the body goes on in the next chunk
        if text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip(" \t") == "":
            yield m.start(), m.end("label") + 5, "private-key", _kind(m.group("label"))
    yield from _end_after_body(where)
    yield from _body_lines(where)
    for m in matches(_PUTTY, where, (_PUTTY_ANCHOR,)):
        if m.start() == 0 or text[m.start() - 1] == "\n":
            yield m.start(), m.end(), "putty-private-key", "PuTTY private key"
    for m in matches(_NETRC, where, (_NETRC_ANCHOR,)):
        if looks_random(m.group("secret")) and (m.start() == 0 or text[m.start() - 1] in " \t\n"):
            yield m.start("secret"), m.end("secret"), "netrc-password", "password in a .netrc entry"
    for pattern, anchors in _HTPASSWD:
        for m in matches(pattern, where, anchors):
            if _USER_BEFORE.search(text, _user_window(where, m.start()), m.start()):
                yield m.start("secret"), m.end("secret"), "password-hash", "password hash (.htpasswd, shadow)"


def _user_window(where: AnchoredTexts, start: int) -> int:
    """Where to look back from ``start`` for ``user:`` — 66 characters, as far as its
    text's start. There the separator's newline is included: it stands for ``^``, which
    matches only at the start of the whole string."""
    lo = where.bounds(start)[0]
    if start - 66 > lo:
        return start - 66
    return lo - 1 if lo > 0 else 0


def _end_after_body(where: AnchoredTexts) -> Iterator[Hit]:
    text = where.text
    for position in where.at((_END_ANCHOR,)):
        lo, hi = where.bounds(position)
        # the body line before it, at most 80 characters back: a bounded look-back keeps this linear
        m = _END.search(text, max(lo, position - 80), min(hi, position + 80))
        if m is not None and m.start("label") - 9 == position:
            yield m.start(), m.end(), "private-key", _kind(m.group("label"))


def _body_lines(where: AnchoredTexts) -> Iterator[Hit]:
    """The first base64 line of a key body, at the start of a line and followed by another."""
    text = where.text
    for prefix in _BODY_STARTS:
        starts = [p + 1 for p in where.at(("\n" + prefix,))]
        if text.startswith(prefix):
            starts.insert(0, 0)
        for start in starts:
            hi = where.bounds(start)[1]
            end = text.find("\n", start, hi)
            end = hi if end == -1 else end
            line = text[start:end]
            if _BODY_LINE.fullmatch(line) and _next_is_body(text, end, hi) and _private_der_or_openssh(line):
                yield start, end, "private-key", "private key (body)"


def _next_is_body(text: str, end: int, hi: int) -> bool:
    """The line after ``end`` is a base64 line too (or ``END``): a block, not one string."""
    if end >= hi:
        return False
    following = text[end + 1:min(end + 90, hi)].split("\n", 1)[0]
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
