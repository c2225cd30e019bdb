"""A packer that writes valid packs as pretty-printed JSON (indented, keys in its own order):
not the canonical RFC 8785 bytes, so every output has the determinism oracle's warning —
and nothing else wrong. It does not declare metadata.serialization 'rfc8785' (a pack that
declared it would make the same bytes an error)."""

import json
import sys
from pathlib import Path

from _common import arguments, build

args = arguments(__doc__)
document = build(args).document
document["metadata"].pop("serialization", None)
Path(args.output).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
sys.exit(0)
