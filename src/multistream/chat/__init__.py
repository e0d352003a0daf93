"""Chat of a live class: messages and replies, deletes, pins, mutes and slow mode."""
