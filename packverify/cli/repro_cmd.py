"""`packverify repro` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command("repro")
def command() -> int:
    """Not implemented yet."""
    raise click.ClickException("packverify repro is not implemented yet")
