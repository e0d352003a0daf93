"""`multistream contracts export | check`: the API contracts in docs/contracts/."""

from __future__ import annotations

import typer

app = typer.Typer(help="API contracts in docs/contracts/.", no_args_is_help=True)


@app.command("export")
def export() -> None:
    """Write the OpenAPI document and JSON Schemas to docs/contracts/."""
    from multistream import contracts

    for path in contracts.export():
        typer.echo(f"wrote {path}")


@app.command("check")
def check() -> None:
    """Fail when docs/contracts/ differs from what the code generates."""
    from multistream import contracts

    if outdated := contracts.stale():
        typer.echo(
            f"stale contracts: {', '.join(outdated)}; run `multistream contracts export`",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo("contracts are up to date")
