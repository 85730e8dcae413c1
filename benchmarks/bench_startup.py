"""Start-up guards: ``import glassnet`` and ``glassnet --help``, in fresh processes.

However many features land, a user's first command must stay quick: pandas,
scikit-learn, matplotlib and any server code are imported only when used.
Each run starts a new interpreter (``subprocess``), the three commands
alternating: ``python -c pass`` (the interpreter alone), ``python -c "import
glassnet"`` and ``python -m glassnet --help`` (what the ``glassnet`` script
runs). Targets: the import at most 0.2 s beyond the interpreter, the help at
most 0.35 s in all (medians).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ._common import interleave, log, markdown_table, summarize

NAME = "startup"
TITLE = "Start-up: fresh interpreters, median seconds"
INTERPRETER = "python -c pass"
IMPORT = "python -c 'import glassnet'"
HELP = "glassnet --help"
COMMANDS = {
    INTERPRETER: ["-c", "pass"],
    IMPORT: ["-c", "import glassnet"],
    HELP: ["-m", "glassnet", "--help"],
}
#: Seconds: the import beyond the interpreter, and the help in all.
IMPORT_LIMIT, HELP_LIMIT = 0.2, 0.35


def _environment() -> dict:
    """Return the environment of the runs: this process's glassnet on the path."""
    import glassnet

    env = dict(os.environ)
    package_parent = str(Path(glassnet.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, env.get("PYTHONPATH")) if p
    )
    return env


def _command(arguments: list[str], env: dict):
    def call():
        subprocess.run(
            [sys.executable, *arguments],
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )

    return call


def _target(case: str, measured: float, limit: float, what: str) -> dict:
    return {
        "benchmark": NAME,
        "case": case,
        "versus": what,
        "ratio": None,
        "paired_ratio": None,
        "target": limit,
        "met": measured <= limit,
        "measured": f"{measured:.3f} s",
        "limit": f"<= {limit:g} s",
    }


def run(*, repeats: int = 15, warmup: int = 1) -> dict:
    """Time the three commands, interleaved; return the results and the two targets.

    The warm-up runs fill the operating system's file cache.
    """
    log(f"{NAME}: {repeats} fresh processes per command")
    env = _environment()
    times = interleave(
        {name: _command(arguments, env) for name, arguments in COMMANDS.items()},
        repeats=repeats,
        warmup=warmup,
        label=NAME,
    )
    rows = summarize(times, reference=INTERPRETER)
    median = {row["contender"]: row["median_s"] for row in rows}
    beyond = median[IMPORT] - median[INTERPRETER]
    for row in rows:
        row["beyond_interpreter_s"] = row["median_s"] - median[INTERPRETER]
    return {
        "title": TITLE,
        "reference": INTERPRETER,  # the numerator of every ratio
        "config": {"repeats": repeats, "python": sys.executable},
        "results": rows,
        "targets": [
            _target("import glassnet", beyond, IMPORT_LIMIT, "beyond the interpreter"),
            _target("glassnet --help", median[HELP], HELP_LIMIT, "in all"),
        ],
        "notes": [],
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("command", "contender", ""),
            ("median s", "median_s", ".3f"),
            ("min s", "min_s", ".3f"),
            ("beyond the interpreter s", "beyond_interpreter_s", ".3f"),
        ],
    )
    return (
        f"{table}\n\nMedian of {result['config']['repeats']} fresh processes each;"
        f" targets: the import <= {IMPORT_LIMIT} s beyond the interpreter,"
        f" the help <= {HELP_LIMIT} s in all."
    )
