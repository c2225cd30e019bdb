"""Defect: takes the top-level files in os.listdir() order, unsorted → caught by `order`."""
import os
import sys

from _common import chunk, relname, write

repo, out = sys.argv[1:3]
names = [n for n in os.listdir(repo) if os.path.isfile(os.path.join(repo, n))]
write(out, {"metadata": {}, "chunks": [chunk(relname(n), os.path.join(repo, n)) for n in names]})
