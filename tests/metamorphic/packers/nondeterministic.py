"""A packer that stamps every pack with a fresh uuid: no two runs give the same bytes."""

import uuid

from _common import arguments, build, write

args = arguments(__doc__)
document = build(args).document
document["metadata"]["x-build-id"] = str(uuid.uuid4())
write(args, document)
