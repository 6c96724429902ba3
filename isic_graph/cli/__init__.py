"""The isic-graph command line: each command calls one core function; long work shows its progress."""

from isic_graph.cli.commands import main

__all__ = ["main"]
