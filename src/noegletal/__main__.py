"""``python -m noegletal`` runs the command-line interface."""

from noegletal.cli import run

run()
