"""Shared command line of the deliberately broken packers: the reference packer's
options (REPO --budget N --tokenizer T -o OUT), and a way to write its pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("repo")
    parser.add_argument("--budget", type=int, required=True)
    parser.add_argument("--tokenizer", default="cl100k")
    parser.add_argument("-o", "--output", required=True)
    return parser.parse_args()


def build(args: argparse.Namespace, **overrides):
    from packverify.packer.build import build_pack

    options = {"budget": args.budget, "tokenizer": args.tokenizer}
    options.update(overrides)
    return build_pack(args.repo, **options)


def write(args: argparse.Namespace, document: dict) -> None:
    from packverify.packer.assemble import serialize

    Path(args.output).write_bytes(serialize(document))
    sys.exit(0)
