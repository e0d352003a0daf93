"""Polls of a live class: drafts, voting, tallies and results."""
