"""Data beyond one machine: the README's Dask section, run on a local cluster.

The README section "When your data outgrows one machine" shows three ways to use the
estimators with Dask: Dask-ML's ``Incremental`` (``partial_fit`` block by block),
``GridSearchCV`` through joblib's Dask backend, and a saved model predicting a Dask
array or dataframe block by block. These tests run exactly that code, in order, on a
``distributed.LocalCluster`` with two worker processes, and check what it promises.
They take about 15 seconds, so they are marked slow (CI runs them: ``pytest --slow``).
"""

import io
import os
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

for module in ("sklearn", "dask_ml", "distributed", "pandas"):
    pytest.importorskip(module)

from distributed import get_task_stream  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECTION = "When your data outgrows one machine"

# The section's code blocks (fenced as "```python dask", which tests/test_readme.py
# leaves to this file: they need the dask extra and start worker processes).
STEPS = (
    """\
import dask.array as da
from dask.distributed import Client, LocalCluster

cluster = LocalCluster(n_workers=2, threads_per_worker=1)  # worker processes
client = Client(cluster)  # a real cluster: Client("tcp://scheduler-address:8786")

rng = da.random.default_rng(0)
X = rng.normal(size=(20_000, 10), chunks=(1_000, 10))  # 20 blocks, on the workers
y = X[:, :3].argmax(axis=1)  # 3 classes
""",
    """\
from dask_ml.wrappers import Incremental

from glassnet.estimator import GlassnetClassifier

model = Incremental(GlassnetClassifier(learning_rate_init=0.01, random_state=0))
model.fit(X, y, classes=[0, 1, 2])
print(model.score(X, y) > 0.9)  # True
""",
    """\
import joblib
from sklearn.model_selection import GridSearchCV

X_sample, y_sample = X[:3_000].compute(), y[:3_000].compute()  # fits in memory
grid = {"hidden_layer_sizes": [(16,), (64,)], "alpha": [1e-4, 1e-2]}
search = GridSearchCV(
    GlassnetClassifier(learning_rate_init=0.01, early_stopping=True, random_state=0),
    grid,
    cv=3,
)
with joblib.parallel_config(backend="dask"):  # each fit runs on a worker
    search.fit(X_sample, y_sample)
print(search.best_score_ > 0.9)  # True
""",
    """\
import os

import dask.dataframe as dd
import numpy as np
import pandas as pd

import glassnet.modelfile

path = os.path.abspath("model.npz")  # a path every worker can read
glassnet.modelfile.save(model.estimator_.network_, path)


def predict_labels(block, path):
    network = glassnet.modelfile.load(path)
    classes = np.array(network.metadata["classes"])  # saved by the estimator
    return classes[network.predict(np.asarray(block))]


labels = X.map_blocks(predict_labels, path, drop_axis=1, dtype=int)
frame = dd.from_dask_array(X, columns=[f"x{i}" for i in range(10)])
frame_labels = frame.map_partitions(
    lambda part: pd.Series(predict_labels(part, path), index=part.index),
    meta=("label", int),
)
print((labels == y).mean().compute() > 0.9)  # True
""",
)


def readme_blocks():
    """Return the section's code blocks in README.md, or None if it has none yet."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if f"\n## {SECTION}\n" not in readme:
        return None
    section = readme.split(f"\n## {SECTION}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python dask\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_section_is_the_code_tested_here():
    blocks = readme_blocks()
    if blocks is None:
        pytest.skip(f"README.md has no section {SECTION!r} yet")
    assert tuple(blocks) == STEPS


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Run the steps in order in one namespace, as a reader would, in a fresh folder.

    Returns the namespace, each step's printed output and the tasks each step ran
    on the cluster (as ``distributed.get_task_stream`` records them).
    """
    # As in a script: functions defined by the steps travel to the workers by value.
    namespace = {"__name__": "__main__"}
    printed, tasks = [], []
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("dask"))
    try:
        for index, code in enumerate(STEPS):
            out = io.StringIO()
            with redirect_stdout(out):
                if "client" in namespace:
                    with get_task_stream(namespace["client"]) as stream:
                        exec(
                            compile(code, f"README dask block {index}", "exec"),
                            namespace,
                        )
                    tasks.append(stream.data)
                else:
                    exec(compile(code, f"README dask block {index}", "exec"), namespace)
                    tasks.append([])
            printed.append(out.getvalue())
        yield namespace, printed, tasks
    finally:
        os.chdir(previous)
        if "client" in namespace:
            namespace["client"].close()
        if "cluster" in namespace:
            namespace["cluster"].close()


@pytest.mark.slow
def test_the_cluster_has_two_worker_processes(run):
    namespace, _, _ = run
    pids = namespace["client"].run(os.getpid)
    assert len(pids) == 2
    assert os.getpid() not in pids.values()


@pytest.mark.slow
def test_incremental_calls_partial_fit_once_per_block_on_the_workers(run):
    namespace, _, tasks = run
    X, y, model = namespace["X"], namespace["y"], namespace["model"]
    estimator = model.estimator_
    assert X.numblocks[0] == 20
    assert len(estimator.loss_curve_) == 20  # one epoch per block
    assert estimator.n_iter_ == 1 and estimator.t_ == len(X)
    assert list(estimator.classes_) == [0, 1, 2]
    X_local, y_local = X.compute(), y.compute()
    assert estimator.score(X_local, y_local) > 0.9
    # Dask-ML's graph: ("fit-<token>", i) is partial_fit on block i (-1: the model).
    fits = [
        task
        for task in tasks[1]
        if isinstance(task["key"], tuple)
        and task["key"][0].startswith("fit-")
        and task["key"][1] >= 0
    ]
    assert len(fits) == 20
    workers = namespace["client"].scheduler_info()["workers"]
    assert {task["worker"] for task in fits} <= set(workers)


@pytest.mark.slow
def test_grid_search_fits_ran_on_the_workers(run):
    namespace, _, tasks = run
    search = namespace["search"]
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.isfinite(scores).all()  # no fit failed
    keys = [str(task["key"]) for task in tasks[2]]
    assert any("fit_and_score" in key for key in keys), keys
    assert search.best_estimator_.early_stopping


@pytest.mark.slow
def test_block_by_block_predictions_equal_in_memory_predictions(run):
    namespace, _, _ = run
    X, labels, frame_labels = (
        namespace["X"],
        namespace["labels"],
        namespace["frame_labels"],
    )
    expected = namespace["model"].estimator_.predict(X.compute())
    assert labels.numblocks == (20,)
    np.testing.assert_array_equal(labels.compute(), expected)
    assert frame_labels.npartitions == 20
    np.testing.assert_array_equal(frame_labels.compute().to_numpy(), expected)


@pytest.mark.slow
def test_the_steps_print_what_their_comments_say(run):
    _, printed, _ = run
    for code, out in zip(STEPS, printed, strict=True):
        promised = [
            match.group(1)
            for line in code.splitlines()
            if (match := re.match(r"print\(.*\)\s+# (.*)$", line))
        ]
        assert out.splitlines() == promised, (code, out)
