"""Reproducible: sorted walk, relative UTF-8 paths, no clock, no environment."""
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {"packer": "deterministic"}, "chunks": chunks(repo)})
