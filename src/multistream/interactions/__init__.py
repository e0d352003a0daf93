"""Live interactions: chat, questions, polls and reactions."""
