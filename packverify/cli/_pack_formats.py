"""The ``check`` options for packs in other formats (docs/formats/README.md), in one place:
``--input-format``, ``--rev``, ``--budget``, ``--tokenizer``, ``--claims``,
``--require-complete``; and the :class:`~packverify.context.Context` they make."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import packverify.readers as readers
from packverify.context import Context
from packverify.tokenizer import KNOWN

_OPTIONS = (
    click.option("--input-format", type=click.Choice(readers.FORMATS), metavar="NAME",
                 help=f"Read every PACK as this format instead of detecting it from its content: "
                      f"{', '.join(readers.FORMATS)}."),
    click.option("--rev", metavar="REV",
                 help="Compare packs in other formats (which name no commit) with this git revision of --repo, "
                      "not its working tree."),
    click.option("--budget", type=click.IntRange(min=0), metavar="N",
                 help="Packs in other formats: the whole pack text must be at most N real tokens."),
    click.option("--tokenizer", type=click.Choice(KNOWN),
                 help="Tokenizer for --budget and for counts a format states without naming one  [default: cl100k]."),
    click.option("--claims", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                 help="A scribe --stats output whose statistics describe the (scribe) PACK: recounted too."),
    click.option("--require-complete/--no-require-complete", default=None,
                 help="With --repo: a tracked text file the pack leaves out is an error (coverage), not an info.  "
                      "[default: no-require-complete]"),
)


def format_options(command):
    """Add the options for packs in other formats to ``command``."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def format_context(params: dict[str, Any]) -> Context:
    """The check's context with those options set (the engine sets the rest)."""
    return Context(input_format=params.get("input_format"), rev=params.get("rev"), budget=params.get("budget"),
                   tokenizer=params.get("tokenizer"),
                   claims=Path(params["claims"]) if params.get("claims") else None,
                   require_complete=bool(params.get("require_complete")))
