"""``python -m noegletal`` runs the command-line interface."""

from noegletal.cli import app

app(prog_name="noegletal")
