"""What the instance publishes: dumps, JSON-LD, the VoID and DCAT catalogue, search, maps and the diagram."""
