"""``python -m aigap`` runs the CLI."""

from aigap.cli import main

main()
