"""Defect: file paths relative to the working directory, not the repository → caught by `cwd`."""
import os
import sys

from _common import chunk, files, relname, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {}, "chunks": [chunk(relname(os.path.relpath(path)), path) for _, path in files(repo)]})
