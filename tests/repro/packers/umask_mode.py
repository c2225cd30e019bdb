"""Defect: records the mode of a cache file it creates (umask-dependent) → caught by `umask`."""
import os
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
doc = {"metadata": {}, "chunks": chunks(repo)}
cache = os.path.join(repo, ".packer-cache")
with open(cache, "w") as handle:
    handle.write("cache\n")
doc["metadata"]["cache_mode"] = oct(os.stat(cache).st_mode & 0o777)
os.remove(cache)
write(out, doc)
