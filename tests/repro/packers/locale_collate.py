"""Defect: sorts file paths with the user's collation (strxfrm) → caught by `locale`."""
import locale
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
locale.setlocale(locale.LC_ALL, "")
found = sorted(chunks(repo), key=lambda c: locale.strxfrm(c["file_path"]))
write(out, {"metadata": {}, "chunks": found})
