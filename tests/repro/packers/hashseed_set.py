"""Defect: orders chunks by iterating a set of strings → caught by `hashseed`."""
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
by_path = {c["file_path"]: c for c in chunks(repo)}
write(out, {"metadata": {}, "chunks": [by_path[p] for p in set(by_path)]})
