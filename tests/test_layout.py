"""How the package is laid out: sizes, import layers, no import cycles.

ARCHITECTURE.md describes the layers; these tests keep the code to it. They read
the source (ast), so they walk every module, inside packages too, without
importing it.
"""

import ast
import importlib
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "glassnet"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80

# Lowest first. A module may import its own layer or a lower one, never a higher
# one. A top-level module or package not listed here fails the tests until it
# is added; a top-level _private module not listed is a helper.
LAYERS = [
    ("helpers", ["_validation", "_config", "_files", "_lazy", "_version", "history"]),
    (
        "engine",
        [
            "activations",
            "initializers",
            "layers",
            "losses",
            "optimizers",
            "parameters",
            "prediction",
            "network",
        ],
    ),
    (
        "training",
        ["training", "callbacks", "schedules", "metrics", "progress", "ensembles"],
    ),
    (
        "seeing",
        ["explain", "glossary", "recording", "report", "live", "plotting", "gradcheck"],
    ),
    ("model files", ["modelfile"]),
    (
        "applications",
        ["tutorials", "demo", "tabular", "estimator", "export", "cli", "__main__"],
    ),
]
LAYER_OF = {name: rank for rank, (_, names) in enumerate(LAYERS) for name in names}
LAYER_NAMES = [layer for layer, _ in LAYERS] + ["the package's public API"]
HELPERS, ENGINE = 0, 1
TOP = len(LAYERS)  # glassnet/__init__.py: re-exports, imported by nothing inside


def module_name(path):
    """Return the dotted name of a file under src/: glassnet/tabular/model.py ->
    glassnet.tabular.model, glassnet/tabular/__init__.py -> glassnet.tabular."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def where(module, line=None):
    """Return src/glassnet/...py[:line] for a message."""
    path = MODULES[module].relative_to(ROOT)
    return f"{path}:{line}" if line else str(path)


def layer_of(module):
    """Return the layer rank of a glassnet module, or None if it is not mapped."""
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    top = parts[1]
    if top in LAYER_OF:
        return LAYER_OF[top]
    if top.startswith("_") and not top.startswith("__"):
        return HELPERS
    return None


def resolve(module, node):
    """Return the glassnet modules an import statement of ``module`` loads.

    ``from . import tabular`` loads the module glassnet.tabular; ``from . import
    __version__`` loads glassnet itself (its __init__.py). Relative imports are
    resolved from the module's package.
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        # a package's __init__.py is inside the package; a module is beside
        base = module
        if MODULES[module].name != "__init__.py":
            base = module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        base = f"{base}.{node.module}" if node.module else base
    else:
        base = node.module
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        for alias in node.names
    ]


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(module):
    """Return (line, target, runs_on_import) for each import of a glassnet module.

    ``runs_on_import`` is False inside a function (run when called) and under
    ``if TYPE_CHECKING:`` (never run).
    """
    found = []

    def visit(node, runs_on_import):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in resolve(module, child):
                    if target == "glassnet" or target.startswith("glassnet."):
                        found.append((child.lineno, target, runs_on_import))
            elif isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            ) or (isinstance(child, ast.If) and _is_type_checking(child.test)):
                visit(child, False)
            else:
                visit(child, runs_on_import)

    visit(ast.parse(MODULES[module].read_text()), True)
    return found


def functions(tree, prefix=""):
    """Yield (qualified name, node) for every function and method, nested ones too."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from functions(child, f"{name}.")
        else:
            yield from functions(child, prefix)


def calls(module, name):
    """Yield the ast.Call nodes of ``module`` that call ``name`` or ``x.name``."""
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Call) and name in (
            getattr(node.func, "id", None),
            getattr(node.func, "attr", None),
        ):
            yield node


# --- sizes -----------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_fits_in_400_lines(module):
    n_lines = len(MODULES[module].read_text().splitlines())
    assert n_lines <= MAX_MODULE_LINES, (
        f"{where(module)} has {n_lines} lines, over the {MAX_MODULE_LINES} a"
        " module may have: split it into a package of one-job modules"
        " (ARCHITECTURE.md)"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_functions_fit_in_80_lines(module):
    tree = ast.parse(MODULES[module].read_text())
    too_long = [
        f"{where(module, node.lineno)} {name} has"
        f" {node.end_lineno - node.lineno + 1} lines"
        for name, node in functions(tree)
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not too_long, (
        f"functions over {MAX_FUNCTION_LINES} lines (decorators excluded): give"
        " each step a named helper:\n" + "\n".join(too_long)
    )


# --- layers ----------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_has_a_layer(module):
    assert layer_of(module) is not None, (
        f"{where(module)} is in no layer: add {module.split('.')[1]!r} to the"
        " layer map LAYERS in tests/test_layout.py, and a line to ARCHITECTURE.md"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    own = layer_of(module)
    wrong = []
    for line, target, _ in imports(module):
        if target not in MODULES:
            wrong.append(
                f"{where(module, line)} imports {target}, which does not exist"
            )
            continue
        theirs = layer_of(target)
        if own is None or theirs is None:
            unmapped = module if own is None else target
            wrong.append(
                f"{where(module, line)}: add {unmapped.split('.')[1]!r} to the"
                " layer map LAYERS in tests/test_layout.py"
            )
        elif theirs == TOP and own != TOP:
            wrong.append(
                f"{where(module, line)} imports from the glassnet package itself"
                " (its __init__.py, the top): import the name from the module"
                " that defines it (__version__ too: give it a helper module)"
            )
        elif theirs > own:
            wrong.append(
                f"{where(module, line)} imports {target} ({LAYER_NAMES[theirs]})"
                f" into {module} ({LAYER_NAMES[own]}): imports point down; move"
                " what both need down a layer, or pass it in as an argument"
            )
    assert not wrong, "\n".join(wrong)


ENGINE_MODULES = sorted(name for name, rank in LAYER_OF.items() if rank == ENGINE)


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_never_imports_the_applications(module):
    # Covered by the layers, but worth saying plainly: the engine knows nothing
    # of tables, scikit-learn, the command line or HTML.
    forbidden = ("tabular", "estimator", "cli", "report")
    module = f"glassnet.{module}"
    wrong = [
        f"{where(module, line)} imports {target}"
        for line, target, _ in imports(module)
        if target.split(".")[1:2] and target.split(".")[1] in forbidden
    ]
    assert not wrong, (
        "the engine must not know its users; let them call the engine:\n"
        + "\n".join(wrong)
    )


def test_lazy_methods_live_only_in_network():
    # Network.fit, .explain, .report, .save: the one allowed upward reference.
    elsewhere = [
        where(module, node.lineno)
        for module in MODULES
        if module != "glassnet.network"
        for node in calls(module, "Lazy")
    ]
    assert not elsewhere, (
        "Lazy(...) is Network's way to offer methods of higher layers; elsewhere"
        " import downwards instead: " + ", ".join(elsewhere)
    )
    assert list(calls("glassnet.network", "Lazy")), "network.py has no Lazy"


def test_no_dynamic_imports_outside_lazy():
    # import_module would hide an upward import from the layer tests.
    found = [
        where(module, node.lineno)
        for module in MODULES
        if module != "glassnet._lazy"
        for function in ("import_module", "__import__")
        for node in calls(module, function)
    ]
    assert not found, (
        "import glassnet modules with import statements (the layer tests read"
        " them); only glassnet._lazy imports by name: " + ", ".join(found)
    )


def test_lazy_methods_name_existing_functions_of_higher_layers():
    wrong = []
    for node in calls("glassnet.network", "Lazy"):
        at = where("glassnet.network", node.lineno)
        args = [getattr(arg, "value", None) for arg in node.args]
        if len(args) != 2 or not all(isinstance(arg, str) for arg in args):
            wrong.append(f"{at}: write Lazy('module', 'function') with two strings")
            continue
        target, name = f"glassnet.{args[0]}", args[1]
        if target not in MODULES:
            wrong.append(f"{at}: Lazy names {target}, which does not exist")
        elif not ENGINE < (layer_of(target) or ENGINE) < TOP:
            wrong.append(
                f"{at}: Lazy names {target}, which is not above the engine: import it"
            )
        elif not hasattr(importlib.import_module(target), name):
            wrong.append(f"{at}: {target} has no {name}")
    assert not wrong, "\n".join(wrong)


# --- cycles ----------------------------------------------------------------


def import_graph():
    """Return {module: {target: first line}} for the imports that run on import."""
    graph = {module: {} for module in MODULES}
    for module, targets in graph.items():
        for line, target, runs_on_import in imports(module):
            if runs_on_import and target in MODULES and target != module:
                targets.setdefault(target, line)
    return graph


def find_cycle(graph):
    """Return one cycle as a list of modules [a, b, ..., a], or None."""
    state = {}  # module -> "open" while on the path, "done" when finished
    path = []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for target in graph[module]:
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_find_cycle_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": 1}, "b": {}}) is None


def test_no_import_cycles():
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, (
        "module-level imports go round in a circle: "
        + " -> ".join(
            f"{module} ({where(module, graph[module][target])})"
            for module, target in itertools.pairwise(cycle)
        )
        + f" -> {cycle[-1]}; move what both need into a lower module"
    )
