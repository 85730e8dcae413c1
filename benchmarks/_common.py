"""Shared by every benchmark: interleaved timing, thread limits, machine facts, output.

The machine a benchmark runs on is noisy: its speed drifts by 20-30% from
minute to minute. So contenders are never timed one after the other in
separate runs. :func:`interleave` times them round by round in the same
process (and rotates who goes first each round), and :func:`summarize` reports
each one's median and the ratio glassnet / other, both of medians and paired
round by round.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

#: The name under which glassnet appears in every result; ratios are glassnet / other.
GLASSNET = "glassnet"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def log(message: str) -> None:
    """Print a progress line on stderr, so that stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


# -- timing -------------------------------------------------------------------

#: Seconds :func:`interleave` may wait, before each round, for other processes
#: to leave the CPU (0: do not wait). Set by ``--wait-idle``.
WAIT_IDLE = {"max_seconds": 0.0, "waited_seconds": 0.0, "rounds_started_busy": 0}


#: Pause before each timed run; see :func:`interleave`.
SETTLE_SECONDS = 0.05


def busy_fraction(interval: float = 0.5) -> float | None:
    """Return the fraction of all cores' time spent busy over ``interval`` seconds.

    Read from ``/proc/stat`` (Linux); None elsewhere. Called while this
    process sleeps, it measures the other processes.
    """

    def sample():
        with open("/proc/stat") as file:
            values = [int(v) for v in file.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return idle, sum(values)

    try:
        idle_0, total_0 = sample()
        time.sleep(interval)
        idle_1, total_1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    elapsed = total_1 - total_0
    return 1 - (idle_1 - idle_0) / elapsed if elapsed else None


def wait_for_idle(threshold: float = 0.1) -> None:
    """Wait (at most ``WAIT_IDLE["max_seconds"]``) until the cores are nearly idle.

    On a shared machine another process's burst slows whichever contender it
    meets; waiting for a quiet moment before each round spares most rounds.
    """
    deadline = time.perf_counter() + WAIT_IDLE["max_seconds"]
    start = time.perf_counter()
    busy = busy_fraction(0.2)
    while busy is not None and busy > threshold and time.perf_counter() < deadline:
        busy = busy_fraction(0.5)
    WAIT_IDLE["waited_seconds"] += time.perf_counter() - start
    if busy is not None and busy > threshold:
        WAIT_IDLE["rounds_started_busy"] += 1


def interleave(
    contenders: dict[str, Callable[[], object]],
    *,
    repeats: int,
    warmup: int = 1,
    label: str = "",
) -> dict[str, list[float]]:
    """Time every contender ``repeats`` times, alternating them round by round.

    Parameters
    ----------
    contenders : dict of str to callable
        Each callable does one timed unit of work (one epoch, one prediction).
    repeats : int
        Timed runs per contender.
    warmup : int, default=1
        Untimed runs per contender first (caches, lazy initialisation, BLAS
        thread start-up, memory pages touched for the first time).
    label : str, default=""
        Shown in the progress lines on stderr.

    Returns
    -------
    dict of str to list of float
        Seconds of each timed run, in round order.

    Notes
    -----
    The order changes from round to round as the rows of a balanced Latin
    square (Williams design, :func:`round_order`): over ``k`` rounds (``2k``
    for an odd number ``k`` of contenders) each contender runs first equally
    often and right after each other contender equally often. This matters:
    PyTorch's OpenMP threads keep spinning for a while after its run, and
    whoever runs next loses time to them. With a simple rotation the same
    contender would always come next.
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    # Everything alive now (the libraries' modules: PyTorch alone makes millions
    # of objects) is moved out of the collector's sight, so that the collection
    # before each timed run takes milliseconds instead of a fifth of a second.
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(repeats):
        if WAIT_IDLE["max_seconds"]:
            wait_for_idle()
        for index in round_order(round_index, len(names)):
            name = names[index]
            # Collected before the clock starts, so that no contender pays for
            # the garbage another one left behind; the pause lets the previous
            # contender's idle threads stop spinning (libgomp's spin for ~10 ms).
            gc.collect()
            time.sleep(SETTLE_SECONDS)
            start = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
        if label:
            summary = ", ".join(f"{name} {times[name][-1]:.3g} s" for name in names)
            log(f"  {label} round {round_index + 1}/{repeats}: {summary}")
    return times


def round_order(round_index: int, n_contenders: int) -> list[int]:
    """Return the order of the contenders in a round: a Williams-design row.

    The first row is 0, 1, k-1, 2, k-2, ...; row ``r`` adds ``r`` (mod k) to
    it. For odd ``k`` the rows of the second pass are reversed, so that every
    ordered pair of neighbours appears equally often.
    """
    k = n_contenders
    first = [0]
    low, high = 1, k - 1
    while len(first) < k:
        first.append(low)
        low += 1
        if len(first) < k:
            first.append(high)
            high -= 1
    row = [(index + round_index) % k for index in first]
    if k % 2 and (round_index // k) % 2:
        row.reverse()
    return row


def summarize(
    times: dict[str, list[float]],
    *,
    reference: str = GLASSNET,
    per_unit: float | None = None,
    unit_name: str = "",
) -> list[dict]:
    """Return one row per contender: median, spread and ratio glassnet / contender.

    Parameters
    ----------
    times : dict of str to list of float
        As returned by :func:`interleave`.
    reference : str, default="glassnet"
        The contender whose time is the numerator of every ratio.
    per_unit : float or None, default=None
        If given, also report ``median / per_unit`` in microseconds (for
        example per iteration), under ``"median_us_per_" + unit_name``.
    unit_name : str, default=""

    Returns
    -------
    list of dict
        Keys ``contender``, ``median_s``, ``min_s``, ``max_s``, ``runs_s``,
        ``ratio`` (median of glassnet / median of this contender) and
        ``paired_ratio`` (median over rounds of glassnet's time / this one's in
        the same round: the drift between rounds cancels out) and
        ``ratio_of_minimums`` (fastest run against fastest run).
    """
    ref_times = times.get(reference)
    ref_median = statistics.median(ref_times) if ref_times else None
    rows = []
    for name, runs in times.items():
        median = statistics.median(runs)
        row = {
            "contender": name,
            "median_s": median,
            "min_s": min(runs),
            "max_s": max(runs),
            "runs_s": runs,
            "ratio": ref_median / median if ref_median else None,
            # Noise only adds time, so the fastest runs are a second estimate.
            "ratio_of_minimums": min(ref_times) / min(runs) if ref_times else None,
            "paired_ratio": (
                statistics.median(r / t for r, t in zip(ref_times, runs, strict=True))
                if ref_times
                else None
            ),
        }
        if per_unit:
            row[f"median_us_per_{unit_name}"] = median / per_unit * 1e6
        rows.append(row)
    return rows


def check_target(
    rows: list[dict], contender: str, target: float, *, case: str, benchmark: str
) -> dict | None:
    """Return whether glassnet / ``contender`` <= ``target`` (None if not run)."""
    for row in rows:
        if row["contender"] == contender and row["ratio"] is not None:
            return {
                "benchmark": benchmark,
                "case": case,
                "versus": contender,
                "ratio": row["ratio"],
                "paired_ratio": row["paired_ratio"],
                "target": target,
                "met": row["ratio"] <= target,
                "measured": f"{row['ratio']:.2f}x (paired {row['paired_ratio']:.2f}x)",
                "limit": f"<= {target:g}x",
            }
    return None


# -- threads and machine ------------------------------------------------------


@contextlib.contextmanager
def limit_threads(n_threads: int) -> Iterator[str]:
    """Give every contender the same number of threads while the block runs.

    NumPy's BLAS (and scikit-learn's, the same library) is limited with
    threadpoolctl and PyTorch with ``torch.set_num_threads``. Import the
    contenders' libraries *before* entering: threadpoolctl limits only the
    thread pools of libraries already loaded.

    Yields
    ------
    str
        How the threads were limited, for the report.
    """
    notes = []
    torch = sys.modules.get("torch")
    old_torch = None
    if torch is not None:
        old_torch = torch.get_num_threads()
        torch.set_num_threads(n_threads)
        notes.append(f"torch.set_num_threads({n_threads})")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn depends on it, so this is rare
        notes.append("threadpoolctl missing: BLAS threads NOT limited")
        limiter = contextlib.nullcontext()
    else:
        limiter = threadpool_limits(limits=n_threads)
        notes.append(f"threadpoolctl threadpool_limits({n_threads}) for BLAS/OpenMP")
    try:
        with limiter:
            yield "; ".join(notes)
    finally:
        if old_torch is not None:
            torch.set_num_threads(old_torch)


def available_cores() -> int:
    """Return the number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15-minute load averages (None where unknown).

    Other processes on the machine slow every contender, and not evenly: a
    load well above 0 while the benchmarks ran says to read the figures with
    care (this process itself adds about 1).
    """
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _version(module: str) -> str | None:
    try:
        return importlib.import_module(module).__version__
    except ImportError:
        return None


def glassnet_source() -> dict:
    """Return where glassnet was imported from and, in a git checkout, its commit.

    ``dirty`` says whether the package's files differ from that commit, so that
    figures measured on work in progress are not taken for a release's.
    """
    import glassnet

    folder = Path(glassnet.__file__).resolve().parent
    source = {"path": str(folder), "version": glassnet.__version__}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # no git, or not a checkout
        return source
    return {**source, "git_commit": commit, "dirty": bool(changes.strip())}


def machine_info() -> dict:
    """Return the facts a reader needs to weigh the figures: CPU, versions, BLAS."""
    info = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores_available": available_cores(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in ("glassnet", "numpy", "sklearn", "torch", "threadpoolctl")
        },
        "glassnet_source": glassnet_source(),
        "load_average_at_start": load_average(),
    }
    try:
        simd = np.show_config(mode="dicts")["SIMD Extensions"]
        info["numpy_simd"] = simd.get("found", [])
    except (TypeError, KeyError, AttributeError):  # older NumPy: no dict mode
        pass
    try:
        from threadpoolctl import threadpool_info

        info["thread_pools"] = [
            {
                key: pool.get(key)
                for key in (
                    "user_api",
                    "internal_api",
                    "prefix",
                    "version",
                    "num_threads",
                    "architecture",
                    "threading_layer",
                )
            }
            for pool in threadpool_info()
        ]
    except ImportError:
        info["thread_pools"] = []
    return info


def gemm_rate(n: int = 2048, *, repeats: int = 7) -> dict:
    """Measure the machine's float32 matrix-product rate on ``n`` x ``n`` matrices.

    Returns
    -------
    dict
        ``shape``, ``median_s`` and ``gflops`` (``2 n**3`` flops per product),
        from the median of ``repeats`` products.
    """
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: thread start-up, first touch of out
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    return {
        "shape": f"({n}x{n}) @ ({n}x{n}) float32",
        "median_s": median,
        "gflops": 2 * n**3 / median / 1e9,
    }


def best_of(measure: Callable[[], dict], n_tries: int = 3) -> dict:
    """Return the fastest of ``n_tries`` measurements (each after waiting for idle).

    Other processes only ever slow a measurement down, so the machine's own
    rate is the best one seen.
    """
    results = []
    for _ in range(n_tries):
        if WAIT_IDLE["max_seconds"]:
            wait_for_idle()
        results.append(measure())
    return max(results, key=lambda result: result["gflops"])


def batch_gemm_rate(batch: int, n_in: int, n_out: int, *, repeats: int = 200) -> dict:
    """Measure float32 ``(batch x n_in) @ (n_in x n_out)``, a training step's shape."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, n_in), dtype=np.float32)
    b = rng.standard_normal((n_in, n_out), dtype=np.float32)
    out = np.empty((batch, n_out), dtype=np.float32)
    for _ in range(10):
        np.matmul(a, b, out=out)
    start = time.perf_counter()
    for _ in range(repeats):
        np.matmul(a, b, out=out)
    seconds = (time.perf_counter() - start) / repeats
    return {
        "shape": f"({batch}x{n_in}) @ ({n_in}x{n_out}) float32",
        "median_s": seconds,
        "gflops": 2 * batch * n_in * n_out / seconds / 1e9,
    }


# -- output -------------------------------------------------------------------


def fmt(value, spec: str = ".3g") -> str:
    """Format a number for a table; None and missing values become a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, (int, float, np.floating, np.integer)):
        return format(value, spec)
    return str(value)


def markdown_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """Return ``rows`` as a Markdown table.

    Parameters
    ----------
    rows : list of dict
    columns : list of (header, key, format spec)
        A format spec of ``""`` prints the value as text.
    """
    lines = [
        "| " + " | ".join(header for header, _, _ in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        cells = [
            fmt(row.get(key), spec) if spec else fmt(row.get(key))
            for _, key, spec in columns
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(targets: list[dict]) -> str:
    """Return the targets (ratio glassnet / other against its limit) as Markdown."""
    return markdown_table(
        targets,
        [
            ("benchmark", "benchmark", ""),
            ("case", "case", ""),
            ("glassnet vs", "versus", ""),
            ("measured", "measured", ""),
            ("target", "limit", ""),
            ("met", "met", ""),
        ],
    )


def new_report(mode: str, argv: list[str]) -> dict:
    """Return the skeleton of the JSON report."""
    return {
        "schema": "glassnet-benchmarks/1",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks " + " ".join(argv),
        "mode": mode,
        "benchmarks": {},
        "targets": [],
    }


def _plain(value):
    """Make NumPy scalars and arrays JSON-serialisable."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def write_json(report: dict, path: Path) -> None:
    """Write ``report`` as indented JSON to ``path``."""
    write_text(path, json.dumps(report, indent=2, default=_plain) + "\n")
