"""What a ``file_path`` in a pack may be — the path rules of docs/format.md, in one place
for the ``security`` oracle, the reference packer (which leaves such files out) and the
strategies.

One path (:func:`path_problems`):

* a normalized relative POSIX path: not absolute (``/x``, ``C:\\x``, ``\\\\server``), no
  ``..``, no ``.`` or empty segments, no backslash, no trailing ``/``;
* no control characters (C0, DEL, C1, U+2028/U+2029): they rewrite terminal output
  and break line-based tools;
* no bidirectional controls (U+202A–E, U+2066–9, U+200E/F, U+061C) — "Trojan Source",
  CVE-2021-42574: a name that displays as another — and no other invisible format
  characters (Unicode category Cf: zero-width space, word joiner, BOM, tag characters …)
  except ZWJ/ZWNJ, which emoji sequences and several scripts need;
* nothing inside a ``.git`` directory (any case: ``.GIT`` is the same directory on
  macOS and Windows), and no ``.git`` file: repository internals (hooks, config with
  remotes and tokens) are not content;
* in Unicode NFC (advisory: macOS writes NFD names, git keeps bytes; two spellings of
  one name compare unequal everywhere else).

Many paths (:func:`path_collisions`): two different paths equal after NFC are one file
on macOS and look identical everywhere (an error); two paths equal under case folding
cannot both be checked out on macOS or Windows (advisory: some Linux repositories have
them, e.g. the kernel's ``xt_DSCP.c``/``xt_dscp.c``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_JOINERS = frozenset("\u200c\u200d")
ADVISORY = frozenset({"security.non-nfc-path", "security.case-collision"})


def _control(c: str) -> bool:
    o = ord(c)
    return o < 0x20 or 0x7F <= o <= 0x9F or c in "\u2028\u2029"


def path_problems(path: str) -> list[tuple[str, str]]:
    """(code, message) for everything wrong with one ``file_path``; codes in
    :data:`ADVISORY` are warnings, the rest errors."""
    problems = []
    if any(_control(c) for c in path):
        problems.append(("security.control-character", "the path contains a control character"))
    if any(c in _BIDI for c in path):
        problems.append(("security.bidi-control", "the path contains a bidirectional control character"))
    if any(unicodedata.category(c) == "Cf" and c not in _BIDI and c not in _JOINERS for c in path):
        problems.append(("security.invisible-character", "the path contains an invisible format character"))
    if path.startswith(("/", "\\")) or _WINDOWS_ABSOLUTE.match(path):
        problems.append(("security.absolute-path", "the path is absolute"))
    segments = re.split(r"[/\\]", path)
    if ".." in segments:
        problems.append(("security.path-traversal", "the path has a '..' segment"))
    if "\\" in path or "." in segments or any(s == "" for s in segments[1:] if not path.startswith("/")) or \
            (segments and segments[-1] == "" and path):
        problems.append(("security.non-normalized-path",
                         "the path is not normalized (backslash, '.' segment, empty segment or trailing '/')"))
    if any(s.casefold() == ".git" for s in segments):
        problems.append(("security.git-internal-path", "the path is inside a .git directory"))
    if unicodedata.is_normalized("NFC", path) is False:
        problems.append(("security.non-nfc-path", "the path is not in Unicode NFC"))
    return problems


def path_collisions(paths: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(code, path, earlier)`` for every distinct path that collides with an earlier one
    (in the order given) after NFC (an error) or, otherwise, under case folding."""
    by_nfc: dict[str, str] = {}
    by_fold: dict[str, str] = {}
    out = []
    for path in dict.fromkeys(paths):
        nfc = unicodedata.normalize("NFC", path)
        fold = unicodedata.normalize("NFC", nfc.casefold())
        if nfc in by_nfc:
            out.append(("security.normalization-collision", path, by_nfc[nfc]))
        elif fold in by_fold:
            out.append(("security.case-collision", path, by_fold[fold]))
        by_nfc.setdefault(nfc, path)
        by_fold.setdefault(fold, path)
    return out


def machine_path_reason(path: str) -> str | None:
    """Why ``repo_info.path`` names a place on the packing machine (docs/format.md: it is
    the repository as the user named it — a relative path or a name), or ``None``."""
    if path.startswith(("/", "\\")) or _WINDOWS_ABSOLUTE.match(path):
        return "an absolute path"
    if path == "~" or path.startswith(("~/", "~\\")) or re.match(r"^~[A-Za-z0-9._-]+(?:[/\\]|$)", path):
        return "a home-relative path"
    if re.match(r"^(?:\$HOME|\$\{HOME\}|%USERPROFILE%)(?:[/\\]|$)", path):
        return "a path from the home directory"
    return None
