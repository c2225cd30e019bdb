"""A packer that packs vendored folders (node_modules/, vendor/, third_party/) like any other."""

from _common import arguments, build, write

import packverify.packer.discover as discover

discover.VENDORED_DIRS = frozenset({".git"})
args = arguments(__doc__)
write(args, build(args).document)
