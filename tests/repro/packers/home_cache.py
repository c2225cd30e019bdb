"""Defect: records its cache directory under ~ → caught by `home`."""
import os
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {"cache": os.path.expanduser("~/.cache/packer")}, "chunks": chunks(repo)})
