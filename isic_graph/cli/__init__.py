"""The isic-graph command line: each command calls one core function; long work shows its progress."""

from isic_graph.cli.commands import main
from isic_graph.cli.migrate import migrate_command

main.add_command(migrate_command)

__all__ = ["main"]
