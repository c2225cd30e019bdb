"""`packverify fuzz` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command("fuzz")
def command() -> int:
    """Not implemented yet."""
    raise click.ClickException("packverify fuzz is not implemented yet")
