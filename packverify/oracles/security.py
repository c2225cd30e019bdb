"""security — nothing in the pack escapes the repository, spoofs a name or leaks a credential.

Paths (rules in :mod:`packverify.paths`): every ``file_path`` is a normalized relative
POSIX path — not absolute, no ``..``, no ``.``/empty segments or backslashes — with no
control, bidirectional-control or invisible characters, nothing inside ``.git``, in
NFC (a warning); no two paths are one file after NFC (an error) or under case folding
(a warning: such a pack cannot be checked out on macOS or Windows).
``metadata.repo_info.path`` is not absolute or home-relative (it would leak the
packing machine's layout, docs/format.md).

Secrets (rules in :mod:`packverify.secrets`, chosen by measurement: docs/security.md):
credentials in every chunk's ``content`` — ``full``, ``summary`` and ``signature``
alike — and in every other string of the document: file paths, ``repo_info.remote``
(a CI checkout's ``https://x-access-token:…@`` remote), ``branch``, generator
fields, ``x-`` extensions. Secret files by name (``.env``, ``id_rsa``, ``.pgpass`` …).
A credential used as a property name is found too, reported at the object holding it. A
pack that does not parse is not left unscanned: its text is searched for credentials as it
is, each finding at its line:column. A secret is never echoed in a report: only its kind,
place and a redacted prefix.

A pack in another format: the same, over every path it names (relative to the repository:
files-to-prompt's ``./`` removed), every file's text, and every other text it carries
(header, summary, directory tree, statistics: ``ForeignPack.metadata``) — each finding at
its line:column in the pack.

Leaves alone: whether a path exists in the repository (``source``).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterator
from itertools import compress, repeat
from operator import is_, is_not
from typing import Any

from packverify.model import Finding, Location
from packverify.oracles._base import ERROR, WARNING, Code
from packverify.paths import machine_path_reason, path_collisions, path_problems
from packverify.pointer import to_pointer
from packverify.secrets import SecretHit, find_secrets, scan_many, secret_file_reason, with_anchors
from packverify.view import as_str

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
    "security.secret": Code("Secret in the pack", ERROR,
                            "A credential in a pack is sent to a model provider and often logged.",
                            "AKIA… AWS access key id in content; https://x-access-token:ghs_…@github.com in repo_info.remote"),
    "security.secret-file": Code("Secret file", ERROR,
                                 "A file that by its name holds credentials should never be packed.",
                                 ".env, id_rsa, deploy.key, .pgpass"),
    "security.bidi-control": Code("Bidirectional control in path", ERROR,
                                  "Bidi controls make a name display as another (Trojan Source, CVE-2021-42574).",
                                  "src/admin\\u202e.py"),
    "security.invisible-character": Code("Invisible character in path", ERROR,
                                         "Zero-width and other invisible format characters make two names look identical.",
                                         "src/con\\u200bfig.py"),
    "security.git-internal-path": Code("Path inside .git", ERROR,
                                       "Repository internals (config with remotes and tokens, hooks) are not content.",
                                       ".git/config"),
    "security.non-nfc-path": Code("Path not in Unicode NFC", WARNING,
                                  "A decomposed (NFD) name is a second spelling of the same name; tools disagree on it.",
                                  "cafe\\u0301.md (NFC: café.md)"),
    "security.normalization-collision": Code("Paths equal after NFC", ERROR,
                                             "Two paths that differ only in Unicode normalization look identical and are "
                                             "one file on macOS: one hides the other.",
                                             "café.md and cafe\\u0301.md"),
    "security.case-collision": Code("Paths equal under case folding", WARNING,
                                    "A pack with README.md and readme.md cannot be checked out on macOS or Windows.",
                                    "README.md and readme.md"),
    "security.machine-path": Code("repo_info.path names the packing machine", ERROR,
                                  "An absolute or home-relative repository path leaks the packing machine's layout "
                                  "(user names, directory structure); docs/format.md asks for a name or relative path.",
                                  "/home/alice/src/app, ~/src/app"),
}


def check(pack, ctx) -> Iterator[Finding]:
    yield from _paths(pack)
    repo_path = as_str(pack.get("metadata", "repo_info", "path"))
    reason = machine_path_reason(repo_path) if repo_path is not None else None
    if reason is not None:
        yield Finding("security.machine-path", ("metadata", "repo_info", "path"),
                      f"repo_info.path is {reason}: {repo_path!r}", actual=repo_path)
    yield from _secrets(pack)


def check_unparsed(pack, ctx) -> Iterator[Finding]:
    """A pack that did not parse (invalid JSON, a duplicate key, a truncated file, not
    an object; a foreign pack its reader could not read) still holds whatever credentials
    are in its text: they are found in the file's text as it is (undecodable bytes
    replaced), each at its line:column.
    Paths are not judged (there is no document to find them in), and a credential
    written with JSON escapes inside it is not seen."""
    text = pack.unparsed_text()  # empty when the file was not read (over --max-bytes)
    seen: set[str] = set()
    for hit in find_secrets(text):
        secret = text[hit.start:hit.end]
        if secret in seen:  # one finding per distinct credential, at its first place
            continue
        seen.add(secret)
        column = hit.start - text.rfind("\n", 0, hit.start)
        yield Finding("security.secret", (), f"{hit.kind} at line {hit.line}, column {column} of the file "
                      "(it did not parse: its text was scanned)", actual=hit.redacted,
                      location=Location(hit.line, column))


def _paths(pack) -> Iterator[Finding]:
    first: dict[str, Any] = {}
    for chunk in pack.chunks:
        path = chunk.file_path
        if path is None or path in first:
            continue
        first[path] = chunk
        for code, message in path_problems(path):
            yield Finding(code, chunk.path + ("file_path",), f"{message}: {path!r}", actual=path)
        reason = secret_file_reason(path)
        if reason is not None:
            yield Finding("security.secret-file", chunk.path + ("file_path",),
                          f"{path!r} is a secret file: {reason}", actual=path)
    for code, path, earlier in path_collisions(first):
        yield Finding(code, first[path].path + ("file_path",), _collision(code, path, earlier),
                      expected=f"distinct from {earlier!r}", actual=path)


def _collision(code: str, path: str, earlier: str) -> str:
    kind = "after Unicode NFC normalization" if code == "security.normalization-collision" else "under case folding"
    return f"{path!r} and {earlier!r} are the same path {kind}"


def _secrets(pack) -> Iterator[Finding]:
    # fed lazily: a list of every (key, text) would be held whole at the peak (docs/performance.md)
    items = ((("content", k), c.content) for k, c in enumerate(pack.chunks) if c.content)
    reported: set[tuple] = set()
    first_path: dict[str, tuple] = {}  # a string's findings belong to its first place in the document
    for key, hit in itertools.chain(scan_many(items), _string_hits(pack.doc)):
        if key[0] == "content":
            chunk = pack.chunks[key[1]]
            secret = chunk.content[hit.start:hit.end]
            if (chunk.index, secret) in reported:  # one finding per distinct credential per chunk
                continue
            reported.add((chunk.index, secret))
            where = f"{chunk.file_path}:{chunk.start_line + hit.line - 1}" if chunk.start_line and chunk.is_full \
                else f"line {hit.line} of the chunk"
            yield Finding("security.secret", chunk.path + ("content",), f"{hit.kind} at {where}", actual=hit.redacted)
        elif first_path.setdefault(key[2], key[1]) == key[1]:
            path = key[1]
            where = f"a property name of {to_pointer(path) or 'the top level'}" if key[0] == "name" else to_pointer(path)
            yield Finding("security.secret", path, f"{hit.kind} in {where}", actual=hit.redacted)


def _string_hits(doc: Any) -> Iterator[tuple[tuple, SecretHit]]:
    """What ``scan_many(_strings(doc))`` gives, found cheaply: the document's strings but
    chunk contents are gathered without their paths (:func:`_every_string`, C-speed over
    the chunks), only those with somewhere for a credential to start are scanned
    (:func:`packverify.secrets.with_anchors`), and only when one of them holds a
    credential is the document walked again, with paths, to place it — where the walk
    of every string with its path cost more than scanning the chunk contents."""
    suspects = dict.fromkeys(with_anchors(_every_string(doc)))
    if not suspects:
        return
    found: dict[Hashable, list[SecretHit]] = {}
    for text, hit in scan_many((text, text) for text in suspects):
        found.setdefault(text, []).append(hit)
    if not found:
        return
    for key, text in _strings(doc):
        for hit in found.get(text, ()):
            yield key, hit


def _every_string(doc: Any) -> Iterator[str]:
    """Every string :func:`_strings` yields (repeats too, in no promised order): the
    values of the document but chunk contents, and every property name (a credential
    used as a key is still in the pack). The chunks' members are taken a field at a time, in C
    loops (``map``/``compress``), as :meth:`packverify.view.PackView.chunks` does, and
    lazily: one field's column is held at a time, never a list of every string (the
    peak of a check is what ``--goals memory`` holds to 2× the file). A parsed document
    holds exact ``str``/``dict``/``list`` (JSON has nothing else)."""
    if type(doc) is str:
        return iter((doc,))
    chunks = doc.get("chunks") if type(doc) is dict else None
    if type(chunks) is not dict and type(chunks) is not list:
        return _walk([doc])
    members = list(chunks.values()) if type(chunks) is dict else chunks
    objects = list(compress(members, map(is_, map(type, members), repeat(dict))))
    nested = list(compress(members, map(is_not, map(type, members), repeat(dict))))  # nothing to skip inside
    nested.extend(v for k, v in doc.items() if k != "chunks")
    names = list(doc) + (list(chunks) if type(chunks) is dict else [])

    def strings_of(key: str) -> Iterator[str]:
        column: list[Any] = list(map(dict.get, objects, repeat(key)))
        nested.extend(compress(column, map(_CONTAINERS.__contains__, map(type, column))))
        return compress(column, map(is_, map(type, column), repeat(str)))

    every_key = set(itertools.chain.from_iterable(map(dict.keys, objects)))
    keys = sorted(every_key - {"content"})
    # the nested values are walked last: by then every column has added its own
    return itertools.chain(names, every_key, itertools.chain.from_iterable(map(strings_of, keys)), _walk(nested))


def _walk(stack: list[Any]) -> Iterator[str]:
    """The strings inside the values on ``stack`` (taken from it as it is when the walk starts)."""
    while stack:
        node = stack.pop()
        if type(node) is str:
            yield node
        elif type(node) is dict:
            yield from node  # the property names
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)


_CONTAINERS = frozenset((dict, list))


def _strings(doc: Any) -> Iterator[tuple[tuple, str]]:
    """(("string", path, value), value) for the strings of the document but chunk
    contents, in document order, and (("name", path, name), name) for every property
    name, ``path`` being the object's (the name itself is never put in a pointer: a
    report never echoes a credential); a value equal to the one before it under the same key
    (a file path shared by a file's chunks, a language) is left out. A value seen before
    elsewhere comes again: its findings are reported at its first place only (by
    :func:`_secrets`, as if each distinct value were scanned once) — no set of every
    string is held (≈8 MB on a 155 MB pack). Paths are built only for containers and
    the strings given."""
    if isinstance(doc, str):
        yield ("string", (), doc), doc
        return
    last: dict[Any, str] = {}
    names: dict[str, None] = {}  # the property names met, each given once
    stack: list[tuple[tuple, Iterator[tuple[Any, Any]], bool]] = [((), _members(doc), False)]
    while stack:
        path, members, in_chunk = stack[-1]
        for key, node in members:
            if type(key) is str and key not in names:
                names[key] = None
                yield ("name", path, key), key
            if in_chunk and key == "content":
                continue
            if isinstance(node, str):
                if last.get(key) != node:
                    last[key] = node
                    yield ("string", path + (key,), node), node
            elif isinstance(node, (dict, list)):
                inner = path + (key,)
                stack.append((inner, _members(node), len(inner) == 2 and inner[0] == "chunks"))
                break
        else:
            stack.pop()


def _members(node: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(node, dict):
        return iter(node.items())
    return enumerate(node) if isinstance(node, list) else iter(())


def check_foreign(view, ctx) -> Iterator[Finding]:
    seen: set[str] = set()
    first: dict = {}
    for entry in view.files:
        path = view.relative(entry)
        if path in seen:
            continue
        seen.add(path)
        first.setdefault(path, entry)
        for code, message in path_problems(path):
            yield Finding(code, (), f"{message}: {entry.path!r}", actual=entry.path, location=entry.location)
        reason = secret_file_reason(path)
        if reason is not None:
            yield Finding("security.secret-file", (), f"{entry.path!r} is a secret file: {reason}", actual=entry.path,
                          location=entry.location)
        for hit in find_secrets(entry.path):  # a credential in a name is in the pack all the same
            yield Finding("security.secret", (), f"{hit.kind} in the path of the entry at line {entry.location.line}",
                          actual=hit.redacted, location=entry.location)
    for code, path, earlier in path_collisions(first):
        yield Finding(code, (), _collision(code, path, earlier), expected=f"distinct from {earlier!r}", actual=path,
                      location=first[path].location)
    for entry in view.files:
        for hit in find_secrets(entry.text or ""):
            yield Finding("security.secret", (), f"{hit.kind} in {entry.path}, line {hit.line} of its packed text",
                          actual=hit.redacted, location=view.line_location(entry, hit.line))
    for label, text, start in view.pack.metadata:
        for hit in find_secrets(text):
            yield Finding("security.secret", (), f"{hit.kind} in the pack's {label}, line {hit.line} of it",
                          actual=hit.redacted, location=view.text_line_location(text, start, hit.line))
