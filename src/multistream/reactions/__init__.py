"""Emoji reactions of a live class: counted, and announced once a second."""
