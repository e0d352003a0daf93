"""Live media: LiveKit rooms and the recordings of sessions."""
