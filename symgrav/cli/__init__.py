"""Command-line interface: ``symgrav SUBCOMMAND ...`` (one module per subcommand)."""

from .main import main

__all__ = ["main"]
