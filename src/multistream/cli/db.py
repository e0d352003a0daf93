"""`multistream migrate`: the database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from multistream.settings import get_settings


def migrate(
    to: Annotated[str, typer.Option(help="Target revision.")] = "head",
    downgrade: Annotated[bool, typer.Option(help="Downgrade to --to instead.")] = False,
) -> None:
    """Upgrade the database schema (or downgrade with --downgrade --to base)."""
    from multistream.db import migrate as migrations

    settings = get_settings()
    if downgrade:
        target = "base" if to == "head" else to
        migrations.downgrade(settings.database_url_sync, target)
        typer.echo(f"database downgraded to {target}")
    else:
        migrations.upgrade(settings.database_url_sync, to)
        heads = ", ".join(sorted(migrations.current_heads(settings.database_url_sync)))
        typer.echo(f"database at {heads or 'base'}")
