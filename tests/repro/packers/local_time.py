"""Defect: formats a fixed timestamp in local time → caught by `tz`."""
import sys
import time

from _common import chunks, write

repo, out = sys.argv[1:3]
stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(1_700_000_000))
write(out, {"metadata": {"commit_date": stamp}, "chunks": chunks(repo)})
