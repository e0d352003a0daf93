"""Importing the command line imports no metrics library: `multistream worker` must choose
prometheus_client's multiprocess mode (an environment variable read when prometheus_client
is first imported) before anything imports it, or its pool's metrics are never served."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_cli_does_not_import_prometheus_client() -> None:
    probe = "import sys, multistream.cli; print('prometheus_client' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stdout + result.stderr
