"""Sphinx configuration of the symgrav documentation (issue 12 item 1).

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (the
``docs`` extra); the tutorial notebooks in ``docs/tutorials`` are executed at
every build (MyST-NB, ``nb_execution_mode = "force"``), so a notebook that
raises fails the build.
"""

import symgrav

project = "symgrav"
author = "the symgrav authors"
copyright = "the symgrav authors, MIT licence"
version = release = symgrav.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
]

# numpydoc: the docstrings' own Parameters/Returns sections; no member tables
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# execute every tutorial at every build; an error in a notebook fails the build
nb_execution_mode = "force"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_merge_streams = True

exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute", "README.md"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
master_doc = "index"

html_theme = "alabaster"
html_title = f"symgrav {release}"
html_theme_options = {"description": "band geometry of spin responses", "fixed_sidebar": True}
