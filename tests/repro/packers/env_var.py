"""Defect: records an unrelated environment variable → caught by `env`."""
import os
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {"build": os.environ.get("CAPTURE_ENVIRONMENT", "")}, "chunks": chunks(repo)})
