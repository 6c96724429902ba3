"""Other networks' instances: the peer registry, the one peer HTTP client, SERVICE to peers, harvesting."""
