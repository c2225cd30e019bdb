"""What every planted packer shares: a careful walk and a careful writer.

``files(repo)`` lists the repository sorted, with repo-relative POSIX paths decoded
from the raw bytes as UTF-8 (so the locale's encoding cannot change them) and the
content read as UTF-8; ``write(out, doc)`` writes ASCII JSON with sorted keys. A
packer built only from these is reproducible; each planted packer adds one defect.
"""

import json
import os


def relname(raw_relpath):
    return os.fsencode(raw_relpath).decode("utf-8", "surrogateescape").replace(os.sep, "/")


def files(repo):
    """[(relpath, abspath)] sorted by relpath."""
    found = []
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames.sort()
        for name in filenames:
            path = os.path.join(dirpath, name)
            found.append((relname(os.path.relpath(path, repo)), path))
    return sorted(found)


def chunk(rel, path):
    with open(path, encoding="utf-8") as handle:
        return {"file_path": rel, "content": handle.read()}


def chunks(repo):
    return [chunk(rel, path) for rel, path in files(repo)]


def write(out, doc):
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, sort_keys=True, indent=1)
        handle.write("\n")
