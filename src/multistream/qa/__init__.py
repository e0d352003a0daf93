"""Q&A of a live class: questions (optionally anonymous), upvotes and moderation."""
