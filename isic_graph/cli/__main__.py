"""`python -m isic_graph.cli`."""

from isic_graph.cli.commands import main

main()
