"""isic-graph: a knowledge graph for the collective social work (ISIC) of networks."""

__version__ = "0.1.0"
