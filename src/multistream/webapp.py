"""Serve the built web app (web/dist) from the api: files as they are, and index.html
for every other browser route so the single-page app can route it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

from multistream.problems import Problem

# Paths that belong to the api: an unknown one is a 404 problem, never the app's page.
API_PREFIXES = ("api/", "auth/", "webhooks/", "storage/", "internal/")


def mount(app: FastAPI, dist: Path) -> None:
    index = dist / "index.html"
    if not index.is_file():
        return
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    def web_app(path: str) -> FileResponse:
        if path.startswith(API_PREFIXES):
            raise Problem(404, "not-found", "Not found", f"There is nothing at /{path}.")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            # Hashed asset names never change: cache them for a year.
            immutable = candidate.parent.name == "assets"
            headers = {"Cache-Control": "public, max-age=31536000, immutable"} if immutable else {}
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
