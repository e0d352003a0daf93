"""`multistream check`: the settings and every dependency, in sentences an operator can
act on; exit status 1 while anything is wrong (docs/deploy.md starts with it)."""

from __future__ import annotations

import typer


def check() -> None:
    """Check the production settings (the environment, as the services read it) and reach
    every dependency: PostgreSQL and its schema, Redis, the object store and LiveKit."""
    # Imported here, as the process commands import what they run: importing the command
    # line must not import prometheus_client before `multistream worker` chooses its
    # multiprocess mode (tests/unit/test_cli_imports.py).
    from multistream.ops.check import Severity, run

    labels = {Severity.ok: "ok", Severity.warning: "WARNING", Severity.problem: "PROBLEM"}
    report = run()
    for finding in report.findings:
        typer.echo(f"{finding.subject:<13} {labels[finding.severity]:<8} {finding.message}")
    problems, warnings = len(report.problems), len(report.warnings)
    if problems:
        typer.echo(
            f"{problems} problem{'s'[: problems != 1]} to fix before the platform can run "
            "(docs/deploy.md).",
            err=True,
        )
        raise typer.Exit(1)
    summary = f", {warnings} warning{'s'[: warnings != 1]}" if warnings else ""
    typer.echo(f"ready{summary}")
