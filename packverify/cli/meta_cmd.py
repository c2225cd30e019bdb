"""`packverify meta` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command("meta")
def command() -> int:
    """Not implemented yet."""
    raise click.ClickException("packverify meta is not implemented yet")
