"""Subcommands of the ``symgrav`` command line, one module each."""
