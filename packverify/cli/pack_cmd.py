"""`packverify pack` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command("pack")
def command() -> int:
    """Not implemented yet."""
    raise click.ClickException("packverify pack is not implemented yet")
