"""Symbolic layer: models, closed-form band geometry (Eqs. 8b, 8c, 24), LaTeX, safe parsing."""
