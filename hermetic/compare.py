"""Byte-for-byte comparison of two builds, with the first differing path.

Tarballs (root filesystems, exported images) become a listing — path → type, mode,
owner, mtime, size, link target, sha256 of the content — and two listings are compared
with packverify's own structural diff (:func:`packverify.repro.compare.json_diff`, the
one ``packverify repro`` reports with), so a difference is named by path and field
(``/usr/lib/os-release/mtime``). Packs are compared with
:func:`packverify.repro.compare.difference`: first differing byte, then every JSON
pointer.
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path
from typing import IO, Any

from packverify.pointer import from_pointer
from packverify.repro.compare import difference, json_diff

_KINDS = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink",
          tarfile.LNKTYPE: "hardlink", tarfile.CHRTYPE: "char", tarfile.BLKTYPE: "block", tarfile.FIFOTYPE: "fifo"}


def tar_listing(stream: IO[bytes]) -> dict[str, dict[str, Any]]:
    """Every member of a tar stream, keyed by its normalized path."""
    listing: dict[str, dict[str, Any]] = {}
    with tarfile.open(fileobj=stream, mode="r|*") as tar:
        for member in tar:
            entry: dict[str, Any] = {"type": _KINDS.get(member.type, repr(member.type)), "mode": oct(member.mode),
                                     "uid": member.uid, "gid": member.gid, "mtime": int(member.mtime),
                                     "size": member.size}
            if member.issym() or member.islnk():
                entry["link"] = member.linkname
            if member.isfile():
                entry["sha256"] = _digest(tar.extractfile(member))
            if member.pax_headers:
                entry["pax"] = {k: v for k, v in sorted(member.pax_headers.items()) if k not in ("path", "linkpath")}
            listing["/" + member.name.removeprefix("./").strip("/")] = entry
    return listing


def _digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := handle.read(1 << 20):
        digest.update(block)
    return digest.hexdigest()


def tar_file_listing(path: Path) -> dict[str, dict[str, Any]]:
    with path.open("rb") as handle:
        return tar_listing(handle)


def listing_difference(a: dict[str, Any], b: dict[str, Any], *, limit: int = 20) -> dict[str, Any] | None:
    """None when equal; else the first differing path, and the changes (path/field pointers)."""
    diff = json_diff(a, b, limit=limit)
    if diff.total == 0:
        return None
    first = diff.changes[0]["pointer"]
    return {"first_path": from_pointer(first)[0], "total": diff.total, "changes": list(diff.changes)}


def file_difference(name: str, a: bytes, b: bytes) -> dict[str, Any] | None:
    found = difference(f"{name} (build 1)", a, f"{name} (build 2)", b)
    return None if found is None else found.to_dict()
