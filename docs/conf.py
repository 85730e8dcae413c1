"""Sphinx settings for the glassnet site: ``docs/build`` runs Sphinx with them.

Pages are MyST markdown; tutorial and guide pages are notebooks that myst-nb
executes on every build, so each number on them is the one glassnet prints
today. The API reference is generated from the numpydoc docstrings.
"""

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

import glassnet

_logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parent
# Notebooks write their learning reports here; Sphinx copies it into the site's
# root (html_extra_path), so a page's iframe finds ../reports/NAME.html.
EXTRA = DOCS / "_build" / "extra"
os.makedirs(EXTRA / "reports", exist_ok=True)

project = "glassnet"
author = "The glassnet developers"
copyright = "the glassnet developers"
release = glassnet.__version__
version = release

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
]
exclude_patterns = ["_build", "build", "README.md", ".venv", "**/.ipynb_checkpoints"]
templates_path = ["_templates"]
root_doc = "index"

# Every code cell runs on every build, and one that raises fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300  # seconds a cell may take on a busy machine
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The API reference: one page per public module, generated on each build.
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Nitpicky mode (-n) reports every reference that does not resolve. Without the
# network there is no intersphinx, so names from NumPy, pandas, scikit-learn and
# the standard library cannot resolve; they are listed here rather than hidden
# by turning nitpicky mode off, which would hide broken glassnet references too.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|pandas|pd|sklearn|scipy|dask|matplotlib)(\..*)?"),
    (r"py:.*", r"(typing|collections\.abc|pathlib|os|io|argparse|zipfile)\..*"),
    # Private helpers (a leading underscore) are not part of the reference.
    (r"py:.*", r"(.*\.)?_[A-Za-z].*"),
]

html_theme = "pydata_sphinx_theme"
html_title = f"glassnet {release}"
html_extra_path = [str(EXTRA)]
html_theme_options = {
    # No icons fetched from elsewhere, no version switcher, no analytics.
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
# The theme's colour mode: without a default its script logs a console error.
html_context = {"default_mode": "auto"}
html_show_sourcelink = False
html_last_updated_fmt = None


def _locate(target: str, module: str):
    """Find the object a docstring names, from its own module or from glassnet."""
    import importlib

    parts = module.split(".")
    bases = [".".join(parts[:cut]) for cut in range(len(parts), 0, -1)]
    for base in [*bases, ""]:
        dotted = f"{base}.{target}" if base else target
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for name in parts[cut:]:
                    obj = getattr(obj, name)
            except AttributeError:
                break
            return obj
    return None


def _resolve_reexport(app, env, node, contnode):
    """Resolve ``glassnet.Dense`` or a bare ``Network`` to where it is documented.

    The reference documents each object once, in the module that defines it;
    docstrings name objects as users import them (``glassnet.Dense``) or by their
    bare name inside their package. Follow the object to ``__module__`` and
    ``__qualname__`` and resolve that name instead.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    obj = _locate(target, node.get("py:module") or "glassnet")
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not (module and qualname and module.startswith("glassnet")):
        return None
    canonical = f"{module}.{qualname}"
    if canonical == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
    )


def _skip_sklearn_plumbing(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_*_request`` methods."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


_PROMISE = re.compile(r"^\s*print\((.*)\)\s+# (.*)$")


def _check_promises(app, doctree):
    """Fail the build when a cell's ``print(x)  # value`` comment is not printed.

    The same rule as the README's tests (``tests/test_readme.py``): a comment that
    is a literal (``True``, ``[0 1 1 0]``, a word) is a promise about the output;
    prose comments are left alone. The executed output must hold it as a line.
    """
    for cell in doctree.findall(nodes.container):
        if "cell" not in cell["classes"]:
            continue
        parts = {c["classes"][0]: c for c in cell.children if c.get("classes")}
        if "cell_input" not in parts:
            continue
        printed = parts["cell_output"].astext() if "cell_output" in parts else ""
        lines = {line.strip() for line in printed.splitlines()}
        for line in parts["cell_input"].astext().splitlines():
            match = _PROMISE.match(line)
            value = match[2].strip() if match else ""
            literal = value and (" " not in value or value[0] in "[0123456789")
            if literal and value not in lines:
                _logger.warning(
                    "the cell promises %r for %s but printed %r",
                    value,
                    line.strip(),
                    printed[-200:],
                    location=cell,
                )


def setup(app):
    app.connect("doctree-read", _check_promises)
    app.connect("missing-reference", _resolve_reexport)
    app.connect("autodoc-skip-member", _skip_sklearn_plumbing)
