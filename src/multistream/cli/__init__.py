"""The `multistream` command: run the platform, its services and its maintenance tasks.

One module per group of commands; this one puts them together, in the order `--help`
lists them:

```
multistream migrate                       db.py
multistream check                         check.py (settings and dependencies, for operators)
multistream api | worker | recorder       processes.py (one process of the platform)
multistream demo                          demo.py
multistream up                            up.py (services, migrations and every process)
multistream services install|up|down|status|env   services.py
multistream contracts export|check        contracts.py
multistream eventlog rebuild              eventlog.py
multistream backup create|restore         backup.py
multistream lti add-platform|platforms|remove-platform   lti.py
```
"""

from __future__ import annotations

import typer

from multistream.cli import (
    backup,
    check,
    contracts,
    db,
    demo,
    eventlog,
    lti,
    processes,
    services,
    up,
)

app = typer.Typer(
    help="Multistream: teaching-first live classes.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("migrate")(db.migrate)
app.command("check")(check.check)
app.command("api")(processes.api)
app.command("worker")(processes.worker)
app.command("recorder")(processes.recorder)
app.command("demo")(demo.demo)
app.command("up")(up.up)
app.add_typer(services.app, name="services")
app.add_typer(contracts.app, name="contracts")
app.add_typer(eventlog.app, name="eventlog")
app.add_typer(backup.app, name="backup")
app.add_typer(lti.app, name="lti")


def main() -> None:
    app()
