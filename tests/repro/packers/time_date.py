"""Defect: records today's date (UTC) → caught by `time`."""
import sys
import time

from _common import chunks, write

repo, out = sys.argv[1:3]
write(out, {"metadata": {"generated": time.strftime("%Y-%m-%d", time.gmtime())}, "chunks": chunks(repo)})
