"""Command-line interface (typer)."""

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="noegletal: key figures.")


@app.command()
def version() -> None:
    """Print the package version."""
    from noegletal import __version__

    typer.echo(__version__)
