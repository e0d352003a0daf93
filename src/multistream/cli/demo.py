"""`multistream demo`: a demo class taught through the running platform."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from multistream.settings import get_settings


def demo(
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the accounts and ids here.")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option(help="The running platform (default: MULTISTREAM_PUBLIC_URL).")
    ] = None,
    slides: Annotated[
        int, typer.Option(min=2, max=6, help="How many slides of the lecture to teach.")
    ] = 6,
    minutes: Annotated[
        float, typer.Option(min=0.5, max=60, help="How long the lecture speaks.")
    ] = 4.0,
    timeout_minutes: Annotated[float, typer.Option(help="Give up after this long.")] = 30,
) -> None:
    """Teach a demo class through the running platform and wait for its replay (idempotent).

    Needs `scripts/run.sh` (api, worker, recorder) running; prints the demo accounts."""
    from multistream.devtools import demo as demo_class

    settings = get_settings()
    url = api_url or settings.public_url
    try:
        made = demo_class.run(
            url, slides=slides, minutes=minutes, timeout_minutes=timeout_minutes, say=typer.echo
        )
    except (RuntimeError, TimeoutError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    if json_path is not None:
        demo_class.write_json(made, json_path)
    typer.echo(
        "\nThe demo replay is ready:\n"
        f"  {made.replay_url}\n"
        f"  student  {made.student.email}  password {made.student.password}\n"
        f"  teacher  {made.teacher.email}  password {made.teacher.password}\n"
    )
