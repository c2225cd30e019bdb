"""Defect: shuffles its chunks (random, unseeded) → `inherent`."""
import random
import sys

from _common import chunks, write

repo, out = sys.argv[1:3]
found = chunks(repo)
random.shuffle(found)
ids = list(range(16))
random.shuffle(ids)  # 16! orders on top: two runs agreeing by chance is out of the question
write(out, {"metadata": {"ids": ids}, "chunks": found})
