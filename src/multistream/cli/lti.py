"""`multistream lti add-platform | platforms | remove-platform`: the LMSes that may launch
Multistream (LTI 1.3). What to paste where in Moodle, Canvas, Blackboard and Brightspace:
docs/lti.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from multistream.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(
    help="LTI 1.3: the LMS platforms that may launch Multistream.", no_args_is_help=True
)

T = TypeVar("T")


@contextmanager
def _database() -> Iterator[Session]:
    import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
    from multistream.db.engine import make_engine, make_sessionmaker, transaction

    engine = make_engine(get_settings(), pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as db:
            yield db
    finally:
        engine.dispose()


def _run(work: Callable[[Session], T]) -> T:
    with _database() as db:
        return work(db)


@app.command("add-platform")
def add_platform(
    issuer: Annotated[
        str, typer.Option(help="The platform's issuer (iss), e.g. https://moodle.school.example")
    ],
    client_id: Annotated[str, typer.Option(help="The client id the LMS gave the tool.")],
    auth_login_url: Annotated[str, typer.Option(help="The LMS's OIDC authentication URL.")],
    auth_token_url: Annotated[str, typer.Option(help="The LMS's OAuth 2 access token URL.")],
    key_set_url: Annotated[str, typer.Option(help="The LMS's public keyset (JWKS) URL.")],
    deployment_id: Annotated[
        list[str], typer.Option(help="A deployment id the LMS launches with (repeat for more).")
    ],
    frame_origin: Annotated[
        list[str] | None,
        typer.Option(
            help="Another origin the LMS's pages are served from, allowed to frame the app "
            "(e.g. https://school.instructure.com for Canvas cloud; repeat for more)."
        ),
    ] = None,
) -> None:
    """Register an LMS (or update its URLs and add deployment ids)."""
    from multistream.lti import service

    for url in (auth_login_url, auth_token_url, key_set_url, *(frame_origin or [])):
        if not url.startswith(("https://", "http://")):
            typer.echo(f"not a URL: {url}", err=True)
            raise typer.Exit(2)
    platform = _run(
        lambda db: service.add_platform(
            db,
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            key_set_url=key_set_url,
            deployment_ids=deployment_id,
            frame_origins=frame_origin,
        )
    )
    typer.echo(f"platform {platform.issuer} (client {platform.client_id}) registered")
    typer.echo(f"deployments: {', '.join(platform.deployment_ids)}")
    if platform.frame_origins:
        typer.echo(f"may also frame the app: {', '.join(platform.frame_origins)}")


@app.command("platforms")
def platforms(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
) -> None:
    """List the registered LMS platforms."""
    from multistream.lti import service

    found = _run(service.list_platforms)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in found], indent=2))
        return
    if not found:
        typer.echo("no LTI platform registered (multistream lti add-platform)")
    for platform in found:
        typer.echo(
            f"{platform.issuer}  client {platform.client_id}  "
            f"deployments {', '.join(platform.deployment_ids) or '-'}"
        )


@app.command("remove-platform")
def remove_platform(
    issuer: Annotated[str, typer.Option(help="The platform's issuer.")],
    client_id: Annotated[str, typer.Option(help="The client id.")],
) -> None:
    """Forget an LMS: its launches are refused; users and courses it made stay."""
    from multistream.lti import service

    if not _run(lambda db: service.remove_platform(db, issuer=issuer, client_id=client_id)):
        typer.echo(f"no platform {issuer} with client {client_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"platform {issuer} (client {client_id}) removed")
