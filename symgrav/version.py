"""The version of symgrav (one place; the package, CLI and file metadata read it)."""

__version__ = "0.1.0"
