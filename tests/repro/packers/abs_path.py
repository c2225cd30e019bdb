"""Defect: records the repository's absolute path → caught by `path`."""
import os
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {"root": os.path.abspath(repo)}, "chunks": chunks(repo)})
