"""`packverify doctor` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command("doctor")
def command() -> int:
    """Not implemented yet."""
    raise click.ClickException("packverify doctor is not implemented yet")
