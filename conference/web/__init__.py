"""HTTP and websocket edges: pages, the JSON API, the /ws endpoint."""
