"""Run glassnet's benchmarks: ``python -m benchmarks`` from the repository root.

Prints one Markdown table per benchmark (paste-able into the README), then the
targets, and writes everything, with the machine's facts, to
``benchmarks/results/latest.json`` (and the tables to ``latest.md``). Progress
goes to stderr. ``--smoke`` runs every benchmark in seconds on tiny synthetic
data: it checks that the code runs, not how fast.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import (
    _common,
    _contenders,
    bench_accuracy,
    bench_estimator,
    bench_lbfgs,
    bench_mnist,
    bench_predict,
    bench_startup,
    bench_tables,
    bench_tiny,
    bench_tutorial,
)

BENCHMARKS = (
    "tutorial",
    "tiny",
    "mnist",
    "estimator",
    "predict",
    "accuracy",
    "lbfgs",
    "tables",
    "startup",
)

#: Sizes of the smoke run: every code path, a few seconds in all.
SMOKE_WIDTHS = ((64, 32, 10), (64, 48, 24, 10))


def _add_machine_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that say how to share the machine and where to write."""
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each round, wait up to SECONDS for other processes to leave"
        " the CPU (for shared machines; default: 0, do not wait)",
    )
    parser.add_argument(
        "--no-torch", action="store_true", help="skip PyTorch even if installed"
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="where to write the JSON report (default: benchmarks/results/"
        "latest.json, or smoke.json with --smoke); the Markdown goes beside it",
    )


def parse_args(argv=None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "glassnet's benchmarks against a raw NumPy loop, a hand-written NumPy "
            "loop, scikit-learn and PyTorch, interleaved in one process; prints "
            "Markdown tables and writes JSON."
        ),
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny synthetic sizes, a few seconds: checks the code runs (for CI)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        metavar="N",
        help=(
            "timed runs per contender (default: tutorial 7, tiny 9, mnist 7 for"
            " 784-128-10 and 5 for 784-512-256-10, estimator 7, predict 7,"
            " startup 15; smoke 2)"
        ),
    )
    parser.add_argument(
        "--accuracy",
        action="store_true",
        help="also train each contender on Fashion-MNIST for --epochs epochs and"
        " report its test accuracy (takes minutes)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=5,
        metavar="N",
        help="epochs of the --accuracy runs (default: 5)",
    )
    parser.add_argument(
        "--table-seeds",
        type=int,
        default=3,
        metavar="N",
        help="seeded splits per table in the tables benchmark (default: 3; smoke 1)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=_common.available_cores(),
        metavar="N",
        help="threads for every contender (default: the cores available, %(default)s)",
    )
    parser.add_argument(
        "--data",
        metavar="FOLDER",
        help="folder holding the Fashion-MNIST IDX files (default: look in "
        f"{bench_mnist.DATA_DIRS[0]} and ${bench_mnist.DATA_ENV})",
    )
    _add_machine_options(parser)
    args = parser.parse_args(argv)
    for option in ("repeats", "epochs", "threads", "table_seeds"):
        value = getattr(args, option)
        if value is not None and value < 1:
            parser.error(
                f"--{option.replace('_', '-')} must be a positive integer, got {value}"
            )
    return args


def _load_data(args, selected, notes):
    """Return ``(X, y, X_test, y_test, note)`` for mnist/predict, or None."""
    if not {"mnist", "predict", "estimator"} & set(selected):
        return None
    if args.smoke:
        return (*bench_mnist.synthetic_data(), "synthetic smoke data")
    try:
        return (*bench_mnist.load_fashion_mnist(args.data), "Fashion-MNIST")
    except bench_mnist.DatasetMissing as error:
        notes.append(str(error))
        _common.log(str(error))
        return None


def _header(report: dict) -> str:
    """Return the Markdown lines that say on what and how the figures were measured."""
    machine = report["machine"]
    versions = ", ".join(
        f"{name} {version}" for name, version in machine["versions"].items() if version
    )
    blas = [
        f"{pool['internal_api']} {pool['version']}"
        + (f" ({pool['architecture']} kernels)" if pool.get("architecture") else "")
        for pool in machine.get("thread_pools", [])
        if pool.get("user_api") == "blas"
    ]
    gemm = report["gemm"]
    source = machine["glassnet_source"]
    if "git_commit" in source:
        state = " with uncommitted changes" if source["dirty"] else ""
        source_line = (
            f"glassnet from {source['path']} (commit {source['git_commit']}{state})."
        )
    else:
        source_line = f"glassnet from {source['path']}."
    return "\n".join(
        [
            source_line,
            f"Machine: {machine['cpu']}, {machine['cores_available']} cores, "
            f"Python {machine['python']}; {versions}; BLAS: {', '.join(blas) or '?'}.",
            f"Load average (1, 5, 15 min) at start: "
            f"{machine['load_average_at_start']}.",
            f"Threads: {report['threads']['n']} for every contender "
            f"({report['threads']['how']}).",
            f"float32 GEMM: {gemm['square']['gflops']:.0f} GFLOP/s on "
            f"{gemm['square']['shape']}, {gemm['batch']['gflops']:.0f} on "
            f"{gemm['batch']['shape']} (best of 3 medians).",
            "Contenders alternate round by round in one process; times are medians;"
            " ratios are glassnet / other (below 1: glassnet is faster).",
        ]
    )


@dataclass
class _Run:
    """What every benchmark's runner may need: the options and the shared data."""

    args: argparse.Namespace
    data: tuple | None
    include_torch: bool
    gemm_gflops: float

    @property
    def smoke(self) -> bool:
        return self.args.smoke

    def repeats(self, smoke: int, full: int) -> int:
        return self.args.repeats or (smoke if self.smoke else full)


def _run_tutorial(run: _Run):
    result = bench_tutorial.run(
        n_iterations=1_000 if run.smoke else 60_000, repeats=run.repeats(2, 7)
    )
    return result, bench_tutorial.to_markdown(result)


def _run_tiny(run: _Run):
    # One thread for every contender: a tiny network's products are too small
    # to share, and PyTorch's idle OpenMP threads would only get in the way.
    with _common.limit_threads(1):
        result = bench_tiny.run(
            n_rows=256 if run.smoke else 2048,
            epochs=2 if run.smoke else 10,
            repeats=run.repeats(2, 9),
            include_torch=run.include_torch,
        )
    return result, bench_tiny.to_markdown(result)


def _training_rows(run: _Run, n_rows: int):
    """Return the first ``n_rows`` of Fashion-MNIST, or random data of its shape.

    Returns (X, y, data_note). What is timed here (the estimator's overhead,
    prediction) does not depend on the pixels, so without the data the shape
    will do.
    """
    if run.data is None:
        rng = np.random.default_rng(0)
        X = rng.random((n_rows, 784), dtype=np.float32)
        return X, rng.integers(10, size=n_rows), "random data of Fashion-MNIST's shape"
    X, y, _, _, data_note = run.data
    return X[:n_rows], y[:n_rows], data_note


def _run_estimator(run: _Run):
    X, y, data_note = _training_rows(run, 30_000)
    result = bench_estimator.run(X, y, repeats=run.repeats(2, 7), data_note=data_note)
    return result, bench_estimator.to_markdown(result)


def _run_startup(run: _Run):
    # Fresh interpreters take a while: no warm-up run in the smoke run.
    result = bench_startup.run(repeats=run.repeats(2, 15), warmup=0 if run.smoke else 1)
    return result, bench_startup.to_markdown(result)


def _run_mnist(run: _Run):
    if run.data is None:
        return None
    X, y, X_test, y_test, data_note = run.data
    wants_accuracy = run.args.accuracy or run.smoke
    result = bench_mnist.run(
        X,
        y,
        X_test,
        y_test,
        networks=SMOKE_WIDTHS if run.smoke else bench_mnist.NETWORKS,
        repeats=(run.repeats(2, 7), run.repeats(2, 5)),
        accuracy_epochs=(1 if run.smoke else run.args.epochs)
        if wants_accuracy
        else None,
        include_torch=run.include_torch,
        gemm_gflops=run.gemm_gflops,
        data_note=data_note,
    )
    return result, bench_mnist.to_markdown(result)


def _run_predict(run: _Run):
    X, y, data_note = _training_rows(run, 60_000)
    result = bench_predict.run(
        X,
        y,
        networks=SMOKE_WIDTHS if run.smoke else bench_predict.NETWORKS,
        repeats=run.repeats(2, 7),
        include_torch=run.include_torch,
        data_note=data_note,
    )
    return result, bench_predict.to_markdown(result)


def _run_accuracy(run: _Run):
    result = (
        bench_accuracy.run(datasets=("iris",), n_seeds=2, epochs=20)
        if run.smoke
        else bench_accuracy.run()
    )
    return result, bench_accuracy.to_markdown(result)


def _run_lbfgs(run: _Run):
    smoke = {"repeats": 2, "n_samples": 300, "max_iter": 20}
    result = bench_lbfgs.run(**(smoke if run.smoke else {}))
    return result, bench_lbfgs.to_markdown(result)


def _run_tables(run: _Run):
    result = bench_tables.run(
        tables=bench_tables.SMOKE if run.smoke else bench_tables.TABLES,
        n_seeds=1 if run.smoke else run.args.table_seeds,
        # One thread in the smoke run: on a busy machine OpenMP's waiting
        # threads make tiny fits take a minute.
        threads=1 if run.smoke else run.args.threads,
        budget=(500, 10, 60.0) if run.smoke else bench_tables.BUDGET,
    )
    return result, bench_tables.to_markdown(result)


#: Each benchmark's runner: ``(result, markdown)``, or None if its data is missing.
RUNNERS = {
    "tutorial": _run_tutorial,
    "tiny": _run_tiny,
    "mnist": _run_mnist,
    "estimator": _run_estimator,
    "predict": _run_predict,
    "accuracy": _run_accuracy,
    "lbfgs": _run_lbfgs,
    "tables": _run_tables,
    "startup": _run_startup,
}


def _finish(report: dict, markdown: list, notes: list, args, started: float) -> None:
    """Add the closing notes and targets; print them; write the JSON and Markdown."""
    smoke = args.smoke
    report["seconds"] = time.perf_counter() - started
    report["machine"]["load_average_at_end"] = _common.load_average()
    if args.wait_idle:
        report["wait_idle"] = dict(_common.WAIT_IDLE)
        notes.append(
            f"waited {_common.WAIT_IDLE['waited_seconds']:.0f} s in all for idle"
            f" cores; {_common.WAIT_IDLE['rounds_started_busy']} round(s) started"
            " while other processes were busy"
        )
    notes.append(
        f"load average at end: {report['machine']['load_average_at_end']};"
        f" {report['seconds']:.0f} s in all"
    )
    markdown.append(
        "### Targets\n\n"
        + (_common.targets_table(report["targets"]) if report["targets"] else "None.")
    )
    markdown += [f"Note: {note.rstrip('.')}." for note in notes]
    print("\n\n".join(markdown[-1 - len(notes) :]), flush=True)
    default = "smoke.json" if smoke else "latest.json"
    json_path = args.json or _common.RESULTS_DIR / default
    _common.write_json(report, json_path)
    _common.write_text(json_path.with_suffix(".md"), "\n\n".join(markdown) + "\n")
    _common.log(
        f"done in {report['seconds']:.0f} s; wrote {json_path} and "
        f"{json_path.with_suffix('.md')}"
    )


def main(argv=None) -> int:
    """Run the selected benchmarks; return the exit status."""
    args = parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    selected = [name for name in BENCHMARKS if name in (args.only or BENCHMARKS)]
    started = time.perf_counter()
    try:
        import glassnet  # noqa: F401
    except ImportError:
        print(
            "glassnet is not importable: `pip install -e .` from the repository root,"
            " or run with PYTHONPATH=src",
            file=sys.stderr,
        )
        return 2
    # Every contender's library is imported before the thread limits are set:
    # threadpoolctl limits only the thread pools of libraries already loaded.
    import sklearn.neural_network  # noqa: F401

    include_torch = not args.no_torch and _contenders.torch_or_none() is not None
    report = _common.new_report("smoke" if args.smoke else "full", argv)
    notes = report.setdefault("notes", [])
    if not args.no_torch and not include_torch:
        notes.append(_contenders.TORCH_MISSING)
    data = _load_data(args, selected, notes)
    smoke = args.smoke

    markdown, skipped = [], []
    _common.WAIT_IDLE["max_seconds"] = args.wait_idle
    if smoke:  # no measurement to protect: keep CI's run short
        _common.SETTLE_SECONDS = 0.0
    with _common.limit_threads(args.threads) as how:
        report["threads"] = {"n": args.threads, "how": how}
        report["machine"] = _common.machine_info()
        _common.log("measuring the float32 GEMM rate")
        report["gemm"] = {
            "square": _common.best_of(
                lambda: _common.gemm_rate(256 if smoke else 2048)
            ),
            "batch": _common.best_of(lambda: _common.batch_gemm_rate(128, 784, 128)),
        }
        markdown.append(_header(report))
        print(markdown[-1] + "\n", flush=True)

        run = _Run(args, data, include_torch, report["gemm"]["square"]["gflops"])
        for name in selected:
            outcome = RUNNERS[name](run)
            if outcome is None:  # its data is missing
                skipped.append(name)
                continue
            result, text = outcome
            report["benchmarks"][name] = result
            report["targets"] += result["targets"]
            markdown.append(f"### {result['title']}\n\n{text}")
            print(markdown[-1] + "\n", flush=True)

    _finish(report, markdown, notes, args, started)
    # A benchmark asked for but not run (no data) is a failure of the command.
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
