"""`multistream eventlog rebuild`: a class's projections from its event log."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from multistream.settings import get_settings

app = typer.Typer(help="The event log of live sessions.", no_args_is_help=True)


@app.command("rebuild")
def rebuild(
    session: Annotated[str, typer.Argument(help="The session (class) id.")],
) -> None:
    """Rebuild a session's projections from its event log."""
    import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
    from multistream.db.engine import make_engine, make_sessionmaker, transaction
    from multistream.sessions import projection

    settings = get_settings()
    engine = make_engine(settings, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as db:
            row = projection.rebuild(db, session_id=uuid.UUID(session))
            typer.echo(f"session {row.id}: {row.status.value} as of seq {row.last_seq}")
    except (ValueError, LookupError) as exc:
        typer.echo(f"cannot rebuild: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
