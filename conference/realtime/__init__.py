"""Live rooms: the websocket protocol, channels, the fan-out hub, commands and brokers."""
