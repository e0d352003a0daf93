"""The live gateway: the WebSocket that streams each session's event log to its people."""
