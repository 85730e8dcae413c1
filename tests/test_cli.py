"""The installed ``glassnet`` command, run as a user runs it: in a subprocess."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The script installed beside this interpreter (a venv's bin/), else on PATH.
GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def glassnet(*args, timeout=120):
    if GLASSNET is None:
        pytest.fail("the glassnet command is not installed: pip install .")
    return subprocess.run(
        [GLASSNET, *args], capture_output=True, text=True, timeout=timeout
    )


def test_tutorial_trask_3layer_prints_the_six_published_lines():
    result = glassnet("tutorial", "trask-3layer")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Error:0.496410031903",
        "Error:0.00858452565325",
        "Error:0.00578945986251",
        "Error:0.00462917677677",
        "Error:0.00395876528027",
        "Error:0.00351012256786",
    ]
    assert result.stderr == ""


def test_tutorial_list_names_every_tutorial():
    result = glassnet("tutorial", "--list")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == [
        "trask-2layer",
        "trask-3layer",
        "milo-neuron",
        "perceptron",
        "actually-learns",
        "pet-shop",
    ]


def test_unknown_tutorial_is_a_one_line_user_error():
    result = glassnet("tutorial", "trask-4layer")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "unknown tutorial 'trask-4layer'" in result.stderr
    assert "glassnet tutorial --list" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("tutorial",), ("fly",), ()], ids=str)
def test_usage_errors_exit_2(args):
    result = glassnet(*args)
    assert result.returncode == 2
    assert "usage: glassnet" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_learns_then_predicts_new_surveys():
    result = glassnet("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "iteration      0  mean absolute error 0.496410" in out
    assert "iteration 50,000" in out
    assert "New surveys from the veterinarian" in out
    # One row per training customer and per new survey, each with a probability.
    customers = out.split("The customers it learned from:")[1].split("New surveys")[0]
    probabilities = [float(line.split()[-1]) for line in customers.splitlines()[2:-1]]
    assert len(probabilities) == 4
    assert [p > 0.5 for p in probabilities] == [True, True, False, False]
    surveys = out.split("(never seen in training):")[1].split("It learned")[0]
    assert len([line for line in surveys.splitlines()[2:] if line.strip()]) == 4


def test_help_has_an_example_for_every_command():
    for args in (("--help",), ("demo", "--help"), ("tutorial", "--help")):
        result = glassnet(*args)
        assert result.returncode == 0
        assert "Example" in result.stdout


def test_python_dash_m_glassnet_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "glassnet", "tutorial", "--list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "trask-3layer" in result.stdout


def test_help_and_the_tutorials_import_no_pandas():
    # train's defaults live in glassnet.tabular, which imports pandas: the train
    # parser adds them only when train is parsed.
    code = (
        "import sys\n"
        "from glassnet.cli import main\n"
        "for argv in (['--help'], ['tutorial', '--list']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted({'pandas', 'sklearn', 'matplotlib'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_import_glassnet_loads_no_optional_library():
    # The start-up guard (python -m benchmarks --only startup times it): the
    # heavy libraries and any server code are imported only when a feature needs
    # them, so `import glassnet` costs NumPy and the package's own modules.
    heavy = ["pandas", "sklearn", "matplotlib", "scipy", "torch", "lightgbm"]
    heavy += ["dask", "onnx", "http.server", "socketserver", "asyncio"]
    code = (
        "import sys\n"
        "import glassnet\n"
        f"print(sorted(set({heavy!r}) & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
