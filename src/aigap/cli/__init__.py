"""The ``aigap`` command line: a thin Typer layer over the Python API.

Each command module registers its commands on :data:`aigap.cli.app.app`; ``main`` runs it and
turns every :class:`~aigap.errors.AigapError` into exit code 2 with one line on stderr.
"""

from aigap.cli.app import main

__all__ = ["main"]
