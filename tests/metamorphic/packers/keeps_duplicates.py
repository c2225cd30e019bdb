"""A packer that packs every copy of a duplicated file (no de-duplication)."""

from _common import arguments, build, write

import packverify.packer.build as packer

packer.deduplicate = lambda files: (list(files), {})
args = arguments(__doc__)
write(args, build(args).document)
