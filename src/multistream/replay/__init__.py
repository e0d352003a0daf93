"""Replays: transcript, chapters, highlights and the artifacts the pipeline derives."""
