"""``packverify schema``: print the pack JSON Schema (spec/index.schema.json)."""

from __future__ import annotations

import click

from packverify.cli._common import ExitCode
from packverify.oracles.schema import schema_text


@click.command("schema")
@click.pass_context
def command(ctx) -> int:
    """Print the pack JSON Schema (spec/index.schema.json)."""
    ctx.obj["stdout"].write(schema_text())
    return ExitCode.OK
