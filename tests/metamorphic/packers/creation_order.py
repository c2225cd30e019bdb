"""A packer that ranks files in the order they were created on disk — by inode number,
which file systems hand out in creation order (the order an unsorted ``os.walk`` also
follows on tmpfs and in small ext4 directories, a common bug): the same tree built in
another order gives another pack, on any file system (a directory walk alone shows it
only where listing follows creation)."""

import os
from pathlib import Path

from _common import arguments, build, write

import packverify.packer.build as build_module

args = arguments(__doc__)
root = Path(args.repo)
found = []
for folder, _, files in os.walk(root):
    for name in files:
        path = Path(folder) / name
        found.append((path.stat().st_ino, path.relative_to(root).as_posix()))
listed = {rel: rank for rank, (_, rel) in enumerate(sorted(found))}

build_module.score_key = lambda path, start_line: (listed.get(path, len(listed)), start_line)
write(args, build(args).document)
