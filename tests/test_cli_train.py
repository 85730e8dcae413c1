"""``glassnet train/predict/evaluate/info``, run as a user runs them: subprocesses.

Every test writes its own CSV files and runs the installed ``glassnet`` command;
the bad cases check the exit status, a one-line message and that no file (not
even a temporary one) was written.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from glassnet import modelfile

try:
    import resource
except ImportError:  # Windows
    resource = None

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

# The script installed beside this interpreter (a venv's bin/), else on PATH.
GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def glassnet(*args, cwd=None, timeout=120):
    if GLASSNET is None:
        pytest.fail("the glassnet command is not installed: pip install .")
    return subprocess.run(
        [GLASSNET, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def customers(n_rows, seed):
    """A survey with numbers, text, yes/no words, an id and missing values."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{seed}-{i:05d}" for i in range(n_rows)],
            "age": rng.normal(40, 12, n_rows).round(),
            "colour": rng.choice(["black", "white", "ginger", "tabby"], n_rows),
            "has_cat": rng.choice(["yes", "no"], n_rows),
            "imported_beer": rng.choice(["Y", "N"], n_rows),
            "income": rng.lognormal(10, 0.5, n_rows).round(2),
        }
    )
    score = (
        2.5 * (frame["has_cat"] == "yes")
        - 1.5 * (frame["imported_beer"] == "Y")
        + (frame["age"] - 40) / 8
        + 1.5 * (frame["colour"] == "ginger")
        - 0.8
    )
    frame["bought"] = np.where(
        score + rng.normal(scale=0.5, size=n_rows) > 0, "yes", "no"
    )
    for column in ("age", "colour", "has_cat"):
        frame.loc[rng.random(n_rows) < 0.05, column] = np.nan
    return frame


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained by ``glassnet train`` on a mixed CSV file."""
    folder = tmp_path_factory.mktemp("trained")
    customers(400, seed=0).to_csv(folder / "customers.csv", index=False)
    result = glassnet(
        "train", "customers.csv", "--target", "bought", "-o", "model.npz", cwd=folder
    )
    return folder, result


def files_in(folder):
    return sorted(path.name for path in Path(folder).iterdir())


def test_train_reports_what_it_inferred_and_saves_one_file(trained):
    folder, result = trained
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "target 'bought': classification into 2 classes (no, yes)" in out
    assert "left out column 'customer_id'" in out and "identifier" in out
    assert "column 'age' has" in out and "indicator" in out
    assert "member 5 of 5: validated on 80 rows" in out
    assert "validation (out of fold, 400 rows): accuracy" in out
    assert "saved model.npz" in out
    assert "epoch" in result.stderr  # the progress, kept off stdout
    assert "Traceback" not in result.stderr
    assert files_in(folder) == ["customers.csv", "model.npz"]
    accuracy = float(out.split("400 rows): accuracy ")[1].split(",")[0])
    assert accuracy > 0.8


def test_predict_handles_unseen_categories_shuffled_and_extra_columns(
    trained, tmp_path
):
    folder, _ = trained
    new = customers(50, seed=1).drop(columns="bought")
    new.loc[[0, 3], "colour"] = "purple"  # never seen in training
    new["note"] = "extra"  # an extra column, kept and ignored
    columns = ["note", "income", "colour", "customer_id", "has_cat", "age"]
    new = new[[*columns, "imported_beer"]]  # another order
    new.to_csv(tmp_path / "new.csv", index=False)
    result = glassnet("predict", folder / "model.npz", "new.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'purple'" in result.stderr and "all zeros" in result.stderr
    assert files_in(tmp_path) == ["new.csv", "new.predictions.csv"]
    out = pd.read_csv(tmp_path / "new.predictions.csv")
    assert out.columns.tolist() == [
        *new.columns,
        "predicted_bought",
        "probability_no",
        "probability_yes",
    ]
    pd.testing.assert_frame_equal(out[new.columns], pd.read_csv(tmp_path / "new.csv"))
    probabilities = out[["probability_no", "probability_yes"]].to_numpy()
    # float32 by default: the probabilities sum to 1 within its rounding.
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-6)
    expected = np.where(probabilities[:, 1] > 0.5, "yes", "no")
    np.testing.assert_array_equal(out["predicted_bought"], expected)

    # The column order makes no difference to the predictions.
    new[sorted(new.columns)].to_csv(tmp_path / "sorted.csv", index=False)
    again = glassnet(
        "predict", folder / "model.npz", "sorted.csv", "-o", "-", cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    from io import StringIO

    sorted_out = pd.read_csv(StringIO(again.stdout))
    np.testing.assert_array_equal(sorted_out["probability_yes"], out["probability_yes"])
    assert "sorted.predictions.csv" not in files_in(tmp_path)


def test_evaluate_prints_metrics_that_match_scikit_learn(trained, tmp_path):
    metrics = pytest.importorskip("sklearn.metrics")
    folder, _ = trained
    test = customers(120, seed=2)
    test.to_csv(tmp_path / "test.csv", index=False)
    result = glassnet("evaluate", folder / "model.npz", "test.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    predicted = glassnet(
        "predict", folder / "model.npz", "test.csv", "-o", "p.csv", cwd=tmp_path
    )
    assert predicted.returncode == 0, predicted.stderr
    out = pd.read_csv(tmp_path / "p.csv")
    y_true, y_pred = out["bought"], out["predicted_bought"]
    lines = result.stdout.splitlines()
    assert lines[0].endswith("classifier of 'bought' on 120 rows of test.csv")
    accuracy = metrics.accuracy_score(y_true, y_pred)
    assert f"accuracy  {accuracy:.4f}" in lines
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=["no", "yes"], zero_division=0
    )
    row = next(line for line in lines if line.startswith("yes "))
    assert row.split()[1:] == [
        f"{precision[1]:.4f}",
        f"{recall[1]:.4f}",
        f"{f1[1]:.4f}",
        str(support[1]),
    ]
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=["no", "yes"])
    matrix_lines = lines[lines.index(next(x for x in lines if "confusion" in x)) :]
    assert matrix_lines[2].split() == ["no", *map(str, matrix[0])]
    assert matrix_lines[3].split() == ["yes", *map(str, matrix[1])]


def test_info_describes_the_model(trained):
    folder, _ = trained
    result = glassnet("info", folder / "model.npz")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # Five members of 128 units side by side; age and income in 16 bins each.
    assert re.search(r"network: \d+ -> 640 -> 2 \(relu, softmax\)", out)
    assert "by 5 networks, each validated on its own fold" in out
    assert "parameters" in out
    assert "predicts: 'bought', classification into no, yes" in out
    assert "has_cat        yes/no -> 1/0" in out
    assert "imported_beer  Y/N -> 1/0" in out
    assert "colour         one-hot over 4 values" in out
    assert "left out: 'customer_id'" in out
    assert "trained on: customers.csv, 400 rows, by 5 networks" in out
    assert "validation (out of fold): accuracy" in out


def test_regression_end_to_end(tmp_path):
    rng = np.random.default_rng(0)
    n_rows = 300
    frame = pd.DataFrame(
        {
            "rooms": rng.integers(1, 6, n_rows),
            "area": rng.normal(80, 20, n_rows).round(1),
            "garden": rng.choice(["true", "false"], n_rows),
            "city": rng.choice(["Oslo", "Bergen", "Tromsø"], n_rows),
        }
    )
    frame["price"] = (
        1000 * frame["area"]
        + 20000 * frame["rooms"]
        + 30000 * (frame["garden"] == "true")
        + 50000 * (frame["city"] == "Oslo")
        + rng.normal(scale=5000, size=n_rows)
    ).round()
    frame.iloc[:250].to_csv(tmp_path / "houses.csv", index=False)
    frame.iloc[250:].to_parquet(tmp_path / "new.parquet")
    train = glassnet(
        "train",
        "houses.csv",
        "--target",
        "price",
        "--epochs",
        "400",
        "-q",
        cwd=tmp_path,
    )
    assert train.returncode == 0, train.stderr
    assert train.stdout == "" and train.stderr == ""
    evaluate = glassnet("evaluate", "model.npz", "new.parquet", cwd=tmp_path)
    assert evaluate.returncode == 0, evaluate.stderr
    assert "regressor of 'price'" in evaluate.stdout
    r2 = float(evaluate.stdout.split("R^2")[1].split()[0])
    assert r2 > 0.9
    predict = glassnet("predict", "model.npz", "new.parquet", cwd=tmp_path)
    assert predict.returncode == 0, predict.stderr
    out = pd.read_parquet(tmp_path / "new.predictions.parquet")
    assert out.columns.tolist() == [*frame.columns, "predicted_price"]


# -- the bad cases ----------------------------------------------------------------


def write(folder, name, content):
    path = Path(folder) / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


BAD_TRAIN = {
    "missing-file": (lambda d: None, "nope.csv", "bought", "does not exist"),
    "directory": (
        lambda d: (d / "data.csv").mkdir(),
        "data.csv",
        "bought",
        "directory",
    ),
    "empty-file": (lambda d: write(d, "data.csv", ""), "data.csv", "bought", "empty"),
    "header-only": (
        lambda d: write(d, "data.csv", "age,bought\n"),
        "data.csv",
        "bought",
        "no rows",
    ),
    "binary-garbage": (
        lambda d: write(d, "data.csv", np.random.default_rng(0).bytes(4000)),
        "data.csv",
        "bought",
        "binary data",
    ),
    "no-such-target": (
        lambda d: write(d, "data.csv", "age,bought\n1,yes\n2,no\n"),
        "data.csv",
        "boght",
        "no target column 'boght'",
    ),
    "one-class": (
        lambda d: write(d, "data.csv", "age,bought\n1,yes\n2,yes\n3,yes\n"),
        "data.csv",
        "bought",
        "only one class ('yes')",
    ),
}


@pytest.mark.parametrize("case", BAD_TRAIN.values(), ids=BAD_TRAIN.keys())
def test_bad_training_data_is_a_one_line_error(tmp_path, case):
    make, data, target, message = case
    make(tmp_path)
    before = files_in(tmp_path)
    result = glassnet("train", data, "--target", target, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("glassnet: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert files_in(tmp_path) == before  # no model.npz, no temporary file


def _lacking_column(d):
    customers(5, seed=3).drop(columns=["age", "income"]).to_csv(
        d / "new.csv", index=False
    )


def _not_a_model(content):
    def make(d):
        customers(5, seed=3).to_csv(d / "new.csv", index=False)
        write(d, "fake.npz", content)

    return make


BAD_PREDICT = {
    "lacks-columns": (
        _lacking_column,
        ["MODEL", "new.csv", "-o", "out.csv"],
        "lacks 2 columns the model needs: 'age', 'income'",
    ),
    "missing-output-directory": (
        lambda d: customers(5, seed=3).to_csv(d / "new.csv", index=False),
        ["MODEL", "new.csv", "-o", "no/such/dir/out.csv"],
        "does not exist",
    ),
    "output-under-a-file": (
        lambda d: customers(5, seed=3).to_csv(d / "new.csv", index=False),
        ["MODEL", "new.csv", "-o", "new.csv/out.csv"],
        "not a directory",
    ),
    "output-is-the-input": (
        lambda d: customers(5, seed=3).to_csv(d / "new.csv", index=False),
        ["MODEL", "new.csv", "-o", "./new.csv"],
        "would overwrite the data file",
    ),
    "csv-as-model": (
        _not_a_model("a,b\n1,2\n"),
        ["fake.npz", "new.csv", "-o", "out.csv"],
        "is not a glassnet model file",
    ),
    "garbage-as-model": (
        _not_a_model(b"PK\x03\x04" + np.random.default_rng(1).bytes(500)),
        ["fake.npz", "new.csv", "-o", "out.csv"],
        "truncated or corrupt",
    ),
    "empty-model": (
        _not_a_model(b""),
        ["fake.npz", "new.csv", "-o", "out.csv"],
        "is not a glassnet model file",
    ),
    "missing-model": (
        lambda d: customers(5, seed=3).to_csv(d / "new.csv", index=False),
        ["nope.npz", "new.csv", "-o", "out.csv"],
        "does not exist",
    ),
}


@pytest.mark.parametrize("case", BAD_PREDICT.values(), ids=BAD_PREDICT.keys())
def test_bad_prediction_input_is_a_one_line_error(trained, tmp_path, case):
    folder, _ = trained
    make, args, message = case
    make(tmp_path)
    before = files_in(tmp_path)
    args = [folder / "model.npz" if arg == "MODEL" else arg for arg in args]
    result = glassnet("predict", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("glassnet: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert files_in(tmp_path) == before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs POSIX permissions and a non-root user",
)
def test_a_read_only_directory_is_a_one_line_error(trained, tmp_path):
    folder, _ = trained
    customers(5, seed=3).to_csv(tmp_path / "new.csv", index=False)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        predict = glassnet(
            "predict",
            folder / "model.npz",
            "new.csv",
            "-o",
            "locked/out.csv",
            cwd=tmp_path,
        )
        train = glassnet(
            "train",
            folder / "customers.csv",
            "--target",
            "bought",
            "-o",
            "locked/model.npz",
            cwd=tmp_path,
        )
    finally:
        locked.chmod(0o755)
    for result in (predict, train):
        assert result.returncode == 1
        assert "no permission to write" in result.stderr
        assert result.stderr.count("\n") == 1
    assert files_in(locked) == []


def test_a_model_without_a_writable_place_is_refused_before_training(tmp_path):
    customers(30, seed=4).to_csv(tmp_path / "data.csv", index=False)
    result = glassnet(
        "train",
        "data.csv",
        "--target",
        "bought",
        "-o",
        "missing/model.npz",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # nothing read or trained
    assert "directory" in result.stderr and "does not exist" in result.stderr
    assert files_in(tmp_path) == ["data.csv"]


@pytest.mark.parametrize(
    "args",
    [
        ("train", "data.csv"),  # no --target
        ("train", "data.csv", "--target", "y", "--validation", "1.5"),
        ("train", "data.csv", "--target", "y", "--hidden", "16,x"),
        ("train", "data.csv", "--target", "y", "--epochs", "0"),
        ("train", "data.csv", "--target", "y", "--task", "clustering"),
        ("predict", "model.npz"),
        ("evaluate",),
    ],
    ids=["no-target", "validation", "hidden", "epochs", "task", "predict", "evaluate"],
)
def test_usage_errors_exit_2(tmp_path, args):
    result = glassnet(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: glassnet" in result.stderr
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("command", ["train", "predict", "evaluate", "info"])
def test_help_has_an_example(command):
    result = glassnet(command, "--help")
    assert result.returncode == 0
    assert f"Example:\n  glassnet {command} " in result.stdout


# -- pipes and overwrites ----------------------------------------------------------


def up_or_down(n=120, seed=0):
    """Two numbers and whether their sum is above 0, as text."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    return frame


@pytest.fixture
def model(tmp_path):
    """A model of 3,000 rows, enough output to fill a pipe."""
    data = tmp_path / "data.csv"
    up_or_down(n=3000).to_csv(data, index=False)
    path = tmp_path / "model.npz"
    assert (
        glassnet(
            "train", str(data), "--target", "y", "-o", str(path), "-q", timeout=300
        ).returncode
        == 0
    )
    return path, data


def test_predict_to_a_pipe_that_closes_early_is_quiet(model):
    path, data = model
    command = f"'{GLASSNET}' predict '{path}' '{data}' -o - | head -n 2"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True
    )
    assert len(result.stdout.splitlines()) == 2
    assert "Broken pipe" not in result.stderr and "Exception" not in result.stderr


def test_outputs_never_overwrite_inputs(model):
    path, data = model
    before = path.read_bytes()
    result = glassnet("report", str(path), "-o", str(path))
    assert result.returncode == 1 and "would overwrite" in result.stderr
    result = glassnet(
        "train", str(data), "--target", "y", "-o", str(path.parent / "m2.npz"),
        "--report", str(data), "-q", timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "would overwrite" in result.stderr
    assert path.read_bytes() == before


# -- accuracy against scikit-learn --------------------------------------------------


def test_breast_cancer_accuracy_is_within_one_point_of_mlp_classifier(tmp_path):
    datasets = pytest.importorskip("sklearn.datasets")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    frame = datasets.load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(
        frame, test_size=0.3, random_state=0, stratify=frame["target"]
    )
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    result = glassnet("train", "train.csv", "--target", "target", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = glassnet("evaluate", "model.npz", "test.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ours = float(result.stdout.split("accuracy")[1].split()[0])

    # The same architecture (16, 8), batch size, learning rate and epochs.
    mlp = make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(16, 8), batch_size=32, max_iter=200, random_state=0
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(train.drop(columns="target"), train["target"])
    theirs = mlp.score(test.drop(columns="target"), test["target"])
    print(
        f"breast cancer test accuracy: glassnet {ours:.4f}, MLPClassifier {theirs:.4f}"
    )
    assert ours >= theirs - 0.01


# -- --na-values (issue 11, F3) -----------------------------------------------------


def test_na_values_only_when_asked_and_predict_writes_them_back(tmp_path):
    """``NA`` is a region (North America) unless --na-values says it is missing."""
    frame = customers(200, seed=3)
    frame["region"] = np.resize(["NA", "EU", "n/a", "AS"], len(frame))
    frame.to_csv(tmp_path / "data.csv", index=False)
    args = ("train", "data.csv", "--target", "bought", "--epochs", "2")
    plain = glassnet(*args, "-o", "plain.npz", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "'region' has" not in plain.stdout  # no missing values: NA is a value
    marked = glassnet(*args, "-o", "m.npz", "--na-values", "NA,n/a", cwd=tmp_path)
    assert marked.returncode == 0, marked.stderr
    assert "column 'region' has " in marked.stdout  # ... N missing values
    predict = glassnet(
        "predict",
        "m.npz",
        "data.csv",
        "-o",
        "out.csv",
        "--na-values",
        "NA,n/a",
        cwd=tmp_path,
    )
    assert predict.returncode == 0, predict.stderr
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert written["region"].tolist() == frame["region"].tolist()
    evaluate = glassnet(
        "evaluate", "m.npz", "data.csv", "--na-values", "NA,n/a", cwd=tmp_path
    )
    assert evaluate.returncode == 0, evaluate.stderr
    assert "not seen in training" not in evaluate.stderr


# -- Ctrl-C, memory, and names from the file ------------------------------------------


def start_training(folder, *extra):
    """Start a training of a minute or so, and wait for its first epoch's line."""
    up_or_down(n=20000).to_csv(folder / "data.csv", index=False)
    process = subprocess.Popen(
        [GLASSNET, "train", "data.csv", "--target", "y", "-o", "model.npz",
         "--epochs", "10", "--batch-size", "1", "--validation", "0", *extra],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    seen = b""
    while b"epoch" not in seen:  # the progress line: training has started
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    return process, seen


def interrupt(process, seen):
    process.send_signal(signal.SIGINT)
    rest = process.communicate(timeout=60)[1]
    return process.returncode, (seen + rest).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group")
def test_ctrl_c_during_train_keeps_the_existing_model_and_exits_130(tmp_path):
    # F9: before, the half-trained model replaced model.npz and train exited 0.
    (tmp_path / "model.npz").write_bytes(b"the model that was there")
    status, stderr = interrupt(*start_training(tmp_path))
    assert status == 130, stderr
    assert (tmp_path / "model.npz").read_bytes() == b"the model that was there"
    assert files_in(tmp_path) == ["data.csv", "model.npz"]  # no temporary file
    last = stderr.strip().splitlines()[-1]
    assert "interrupted" in last and "--save-interrupted" in last
    assert "Traceback" not in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group")
def test_save_interrupted_saves_the_model_trained_so_far_and_exits_130(tmp_path):
    (tmp_path / "model.npz").write_bytes(b"the model that was there")
    status, stderr = interrupt(*start_training(tmp_path, "--save-interrupted"))
    assert status == 130, stderr
    assert "interrupted: saved model.npz" in stderr
    net = modelfile.load(tmp_path / "model.npz")
    assert net.metadata["training"]["stop_reason"] == "interrupted"
    assert net.metadata["training"]["data"] == "data.csv"


@pytest.mark.skipif(resource is None, reason="needs POSIX resource limits")
def test_a_network_too_large_for_memory_is_a_one_line_error(tmp_path):
    # F13: before, numpy's _ArrayMemoryError and a traceback.
    up_or_down().to_csv(tmp_path / "data.csv", index=False)
    limit = 3 * 2**30  # address space: ample for Python, NumPy and pandas

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run(
        [GLASSNET, "train", "data.csv", "--target", "y", "--hidden", "100000000"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        preexec_fn=cap_memory,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1
    assert "not enough memory" in result.stderr and "--hidden" in result.stderr
    assert files_in(tmp_path) == ["data.csv"]


def test_names_from_the_file_are_printed_without_control_characters(tmp_path):
    # F19: before, info printed ESC [2J (clear the screen) and a raw newline.
    evil, multi = "evil\x1b[2J\x1b[31mcol", "multi\nline"
    frame = up_or_down().rename(columns={"a": evil, "b": multi})
    frame["y"] = frame["y"].map({"up": "up\x1b[31m", "down": "down"})
    frame.to_csv(tmp_path / "data.csv", index=False)
    trained = glassnet("train", "data.csv", "--target", "y", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    info = glassnet("info", "model.npz", cwd=tmp_path)
    scores = glassnet("evaluate", "model.npz", "data.csv", cwd=tmp_path)
    for result in (trained, info, scores):
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr
    assert "  evil\\x1b[2J\\x1b[31mcol  " in info.stdout
    assert "  multi\\nline  " in info.stdout
    assert "classification into down, up\\x1b[31m" in info.stdout
    assert "up\\x1b[31m" in scores.stdout


def test_labels_whose_spaces_matter_are_shown_quoted(tmp_path):
    """ " yes" and "yes" are different labels: train and info show which it is."""
    frame = up_or_down()
    frame["y"] = " " + frame["y"]  # as pandas reads "a, b, up" with its defaults
    frame.to_csv(tmp_path / "data.csv", index=False)
    trained = glassnet(
        "train", "data.csv", "--target", "y", "--epochs", "2", cwd=tmp_path
    )
    assert trained.returncode == 0, trained.stderr
    assert "classification into 2 classes (' down', ' up')" in trained.stdout
    info = glassnet("info", "model.npz", cwd=tmp_path)
    assert "classification into ' down', ' up'" in info.stdout
