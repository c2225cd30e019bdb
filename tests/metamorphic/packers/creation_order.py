"""A packer that ranks files in the order a directory walk lists them (``os.walk``
without sorting, a common bug): on a file system that lists files in creation
order (tmpfs lists them newest first) the same tree built in another order gives
another pack."""

import os
from pathlib import Path

from _common import arguments, build, write

import packverify.packer.build as build_module

args = arguments(__doc__)
root = Path(args.repo)
listed: dict[str, int] = {}
for folder, _, files in os.walk(root):
    for name in files:
        listed[(Path(folder) / name).relative_to(root).as_posix()] = len(listed)

build_module.score_key = lambda path, start_line: (listed.get(path, len(listed)), start_line)
write(args, build(args).document)
