"""Exported ONNX models predict what glassnet predicts, run by onnxruntime.

Every file is checked with ``onnx.checker.check_model(full_check=True)``, run
in onnxruntime (not glassnet's code) and compared with ``TabularModel.predict``,
``Network.predict`` or the estimators' ``predict`` on rows that glassnet reads
specially: unknown categories, blanks, whitespace, "YES", "maybe", infinities,
shuffled and extra columns.
"""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
pd = pytest.importorskip("pandas")

import glassnet  # noqa: E402
from glassnet import Dense, Dropout, Network  # noqa: E402
from glassnet.activations import Activation  # noqa: E402
from glassnet.cli import main  # noqa: E402
from glassnet.export import table_feeds  # noqa: E402
from glassnet.export.run import ExportedTable  # noqa: E402
from glassnet.layers import Layer  # noqa: E402
from glassnet.tabular import TrainSettings, train_model  # noqa: E402

#: Tolerances by dtype: probabilities (absolute) and regression (relative).
PROBABILITY = {"float64": 1e-12, "float32": 1e-6}
RELATIVE = {"float64": 1e-12, "float32": 1e-5}


def session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def checked(path):
    """Load and fully check an exported file; return the model."""
    model = onnx.load_model(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == 10
    opsets = {opset.domain: opset.version for opset in model.opset_import}
    assert opsets == {"": 21, "ai.onnx.ml": 4}
    return model


@pytest.fixture(scope="module")
def table():
    """A training table with every kind of column glassnet encodes."""
    rng = np.random.default_rng(0)
    n = 240
    frame = pd.DataFrame(
        {
            "age": np.where(rng.random(n) < 0.1, np.nan, rng.normal(40, 12, n)),
            "income": rng.lognormal(10, 1, n),
            "member": rng.choice(["yes", "no", "Yes", None], n),
            "city": rng.choice(["Oslo", "Rome", "Paris", None], n),
            "rooms": rng.choice(["1", "2", "3.5", "4"], n),  # numbers as text
        }
    )
    frame["kind"] = np.where(
        frame["income"] > 30000, "rich", np.where(frame["age"] > 40, "old", "young")
    )
    frame["bought"] = np.where(frame["member"].isin(["yes", "Yes"]), "yes", "no")
    frame["grade"] = (frame["income"] > 20000).astype(int) + (frame["age"] > 45)
    frame["spend"] = frame["income"] / 1000 + rng.normal(size=n)
    return frame


TARGETS = ["kind", "bought", "grade", "spend"]


def new_rows(frame):
    """Rows to predict: shuffled and extra columns, and cells read specially."""
    rows = frame.sample(frac=1, random_state=1).drop(columns=TARGETS).copy()
    rows = rows.astype({"city": object, "member": object, "rooms": object})
    odd = rows.index[:6]
    rows.loc[odd, "city"] = ["Berlin", "  ", " Oslo ", "", "maybe", None]
    rows.loc[odd, "member"] = ["YES", "maybe", " no ", "", "nO", "TRUE"]
    rows.loc[odd, "age"] = [np.inf, -np.inf, 1e300, -1e300, np.nan, 0.0]
    rows.loc[odd, "rooms"] = ["x", " 2 ", "", "inf", "1e400", "3"]
    rows["extra"] = "ignored"
    return rows[rows.columns[::-1]]


def trained(frame, target, dtype, bins, members):
    settings = TrainSettings(
        hidden=(6,), epochs=3, members=members, bins=bins, dtype=dtype, seed=0
    )
    others = [name for name in TARGETS if name != target]
    return train_model(frame, target, settings, drop=others)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bins, members", [(16, 3), (0, 1)])
@pytest.mark.parametrize("target", TARGETS)
def test_a_table_model_predicts_as_glassnet_predict(
    table, tmp_path, target, dtype, bins, members
):
    model = trained(table, target, dtype, bins, members)
    assert model.network.widths[1] == 6 * members
    encodings = {encoder.name for encoder in model.preprocessor.encoders}
    number = "binned_numeric" if bins else "numeric"
    assert {number, "categorical"} <= encodings
    assert "binary" in encodings or target == "bought"
    path = tmp_path / "model.onnx"
    glassnet.export_onnx(model, path)
    checked(path)
    rows = new_rows(table)
    expected_notes, notes = [], []
    expected = model.predict(rows, expected_notes)
    got = ExportedTable(path).predict(rows, notes)
    assert notes == expected_notes and len(notes) >= 4
    assert list(got.columns) == list(expected.columns)
    first = f"predicted_{target}"
    if target == "spend":
        scale = np.abs(expected[first]).to_numpy()
        error = np.abs(got[first] - expected[first]).to_numpy()
        assert (error <= RELATIVE[dtype] * scale).all()
        return
    assert got[first].tolist() == expected[first].tolist()
    assert got[first].dtype == expected[first].dtype
    probabilities = [name for name in expected.columns if name.startswith("prob")]
    difference = (got[probabilities] - expected[probabilities]).abs().to_numpy()
    assert difference.max() <= PROBABILITY[dtype]


def test_the_graph_inputs_and_the_feeding_contract(table, tmp_path):
    model = trained(table, "kind", "float64", 16, 1)
    path = tmp_path / "model.onnx"
    glassnet.export_onnx(model, path)
    exported = checked(path)
    assert exported.producer_name == "glassnet"
    docs = {item.name: item.doc_string for item in exported.graph.input}
    assert "NaN" in docs["age"] and "''" in docs["city"]
    props = {prop.key: prop.value for prop in exported.metadata_props}
    assert "NaN" in props["glassnet.feeding"] and "''" in props["glassnet.feeding"]
    listed = json.loads(props["glassnet.inputs"])
    running = session(path)
    types = {item.name: item.type for item in running.get_inputs()}
    assert types == {
        "age": "tensor(double)",
        "income": "tensor(double)",
        "member": "tensor(string)",
        "city": "tensor(string)",
        "rooms": "tensor(double)",
    }
    assert {entry["name"]: entry["type"] for entry in listed} == {
        name: kind[len("tensor(") : -1] for name, kind in types.items()
    }
    assert [output.name for output in running.get_outputs()] == [
        "label",
        "probabilities",
    ]
    rows = new_rows(table)
    feeds = table_feeds(path, rows)
    assert feeds.keys() == table_feeds(model, rows).keys()
    assert feeds["city"][:6, 0].tolist() == ["Berlin", "", "Oslo", "", "maybe", ""]
    assert np.isnan(feeds["rooms"][[0, 2, 3, 4], 0]).all()
    label, probabilities = running.run(None, feeds)
    expected = model.predict(rows)
    assert label.tolist() == expected["predicted_kind"].tolist()
    np.testing.assert_allclose(
        probabilities, model.network.predict_proba(model.preprocessor.transform(rows))
    )


def test_glassnet_predict_gives_the_same_file_and_notes(
    table, tmp_path, capsys, monkeypatch
):
    model = trained(table, "kind", "float64", 16, 1)
    model.save(tmp_path / "model.npz")
    new_rows(table).to_csv(tmp_path / "rows.csv", index=False)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "model.npz"]) == 0
    said = capsys.readouterr()
    assert said.out == "wrote model.onnx: takes a table, gives label, probabilities\n"
    checked(tmp_path / "model.onnx")
    stderr = {}
    for name in ("npz", "onnx"):
        args = ["predict", f"model.{name}", "rows.csv", "-o", f"{name}.csv"]
        assert main([*args, "--na-values", "maybe,Berlin"]) == 0
        stderr[name] = capsys.readouterr().err.replace(f"{name}.csv", "OUT")
    assert stderr["npz"] == stderr["onnx"] and "note:" in stderr["npz"]
    assert "Berlin" not in stderr["npz"]  # read as missing, not as unknown
    npz, exported = pd.read_csv("npz.csv"), pd.read_csv("onnx.csv")
    assert npz["predicted_kind"].tolist() == exported["predicted_kind"].tolist()
    numbers = npz.select_dtypes("number").columns
    np.testing.assert_allclose(exported[numbers], npz[numbers], rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "output, loss",
    [
        ("softmax", "categorical_crossentropy"),
        ("sigmoid", "binary_crossentropy"),
        ("exp", "poisson"),
        ("identity", "mse"),
        ("tanh", "mse"),
    ],
)
def test_a_network_with_every_activation(tmp_path, dtype, output, loss):
    hidden = ["relu", "tanh", "leaky_relu", "sigmoid", "exp", "identity", "softmax"]
    layers, width = [], 4
    for activation in hidden:
        layers += [Dense(width, 5, activation), Dropout(0.3)]
        width = 5
    layers.append(Dense(width, 3, output))
    net = Network(layers, loss=loss, seed=0, dtype=dtype)
    path = tmp_path / "net.onnx"
    glassnet.export_onnx(net, path)
    checked(path)
    X = np.random.default_rng(1).normal(scale=3, size=(64, 4)).astype(dtype)
    X[0] = [50, -50, 80, -80]  # saturates the sigmoid, the softmax, exp
    results = dict(
        zip(["first", "second"], session(path).run(None, {"X": X}), strict=False)
    )
    outputs = net.predict_proba(X) if net.outputs_probabilities else net.predict(X)
    tolerance = PROBABILITY[dtype] if loss.endswith("entropy") else RELATIVE[dtype]
    if "second" in results:  # a classifier: label, then probabilities
        np.testing.assert_array_equal(results["first"], net.predict(X))
        got = results["second"]
    else:
        got = results["first"]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, outputs, rtol=tolerance, atol=tolerance)


class Swish(Activation):
    name = "swish"

    def apply(self, z, *, out=None):
        return z / (1 + np.exp(-z))


class Doubling(Layer):
    def infer(self, inputs):
        return 2 * inputs


@pytest.mark.parametrize(
    "model, says",
    [
        (Network([Dense(2, 3, Swish()), Dense(3, 1)]), "'swish' of layer 0"),
        (Network([Dense(2, 3), Doubling(), Dense(3, 1)]), "layer 1 (Doubling)"),
        ("a string", "cannot export a str"),
    ],
)
def test_what_cannot_be_exported_is_refused_in_one_line(tmp_path, model, says):
    path = tmp_path / "model.onnx"
    with pytest.raises(ValueError, match="to ONNX") as error:
        glassnet.export_onnx(model, path)
    assert says in str(error.value) and "\n" not in str(error.value)
    assert os.listdir(tmp_path) == []  # nothing written, not even a temporary file


def test_estimators(tmp_path):
    sklearn = pytest.importorskip("sklearn")
    from glassnet.estimator import GlassnetClassifier, GlassnetRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    cases = [
        (GlassnetClassifier, np.where(X[:, 0] > 0, "spam", "ham"), X),
        (GlassnetClassifier, (X[:, 0] > 0).astype(int) + (X[:, 1] > 0), X),
        (GlassnetClassifier, (X[:, :2] > 0).astype(int), X),  # multilabel
        (GlassnetRegressor, X @ [1.0, -2.0, 0.5], X),
        (GlassnetRegressor, X[:, :2] * 3, X.astype(np.float32)),
    ]
    for estimator_class, y, inputs in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sklearn.exceptions.ConvergenceWarning)
            estimator = estimator_class(
                hidden_layer_sizes=(5,), max_iter=5, random_state=0
            ).fit(inputs, y)
        path = tmp_path / "estimator.onnx"
        glassnet.export_onnx(estimator, path)
        checked(path)
        dtype = estimator.network_.dtype
        results = session(path).run(None, {"X": inputs.astype(dtype)})
        tolerance = PROBABILITY[dtype.name]
        if estimator_class is GlassnetClassifier:
            np.testing.assert_array_equal(results[0], estimator.predict(inputs))
            np.testing.assert_allclose(
                results[1], estimator.predict_proba(inputs), atol=tolerance, rtol=0
            )
        else:
            expected = estimator.predict(inputs).reshape(len(inputs), -1)
            np.testing.assert_allclose(results[0], expected, rtol=RELATIVE[dtype.name])


@pytest.mark.slow
def test_the_oldest_onnxruntime_the_extra_allows_runs_an_export(table, tmp_path):
    model = trained(table, "bought", "float64", 16, 2)
    path = tmp_path / "model.onnx"
    glassnet.export_onnx(model, path)
    rows = new_rows(table)
    feeds = table_feeds(model, rows)
    np.savez(
        tmp_path / "feeds.npz",
        **{k: v.astype(str) if v.dtype == object else v for k, v in feeds.items()},
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "onnxruntime==1.18.*"],
        capture_output=True,
        text=True,
    )
    if install.returncode != 0:
        pytest.skip(
            "cannot install onnxruntime 1.18 (no package index reachable?):"
            f" {install.stderr.strip().splitlines()[-1:]}"
        )
    script = (
        "import sys, numpy as np, onnxruntime as ort\n"
        "feeds = dict(np.load(sys.argv[2]))\n"
        "feeds = {k: v.astype(object) if v.dtype.kind == 'U' else v"
        " for k, v in feeds.items()}\n"
        "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
        "label, probabilities = s.run(None, feeds)\n"
        "np.save(sys.argv[3], probabilities)\n"
        "print(ort.__version__, ','.join(label.tolist()))\n"
    )
    ran = subprocess.run(
        [
            str(python),
            "-c",
            script,
            str(path),
            str(tmp_path / "feeds.npz"),
            str(tmp_path / "out.npy"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    version, labels = ran.stdout.split()
    assert version.startswith("1.18.")
    expected = model.predict(rows)
    assert labels.split(",") == expected["predicted_bought"].tolist()
    probabilities = np.load(tmp_path / "out.npy")
    assert (
        np.abs(
            probabilities - expected[["probability_no", "probability_yes"]].to_numpy()
        ).max()
        <= 1e-12
    )


@pytest.mark.parametrize(
    "needs, args",
    [
        ("exporting to ONNX needs onnx", ["export", "model.npz"]),
        ("running ONNX needs onnxruntime", ["predict", "model.onnx", "rows.csv"]),
    ],
)
def test_without_the_extra_the_commands_say_how_to_install_it(
    table, tmp_path, needs, args
):
    missing = needs.split()[-1]
    model = trained(table, "kind", "float64", 0, 1)
    model.save(tmp_path / "model.npz")
    glassnet.export_onnx(model, tmp_path / "model.onnx")
    table.to_csv(tmp_path / "rows.csv", index=False)
    before = sorted(os.listdir(tmp_path))
    script = (
        f"import sys; sys.modules[{missing!r}] = None\n"
        "from glassnet.cli import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 1
    assert ran.stderr == (f"glassnet: error: {needs}: pip install 'glassnet[onnx]'\n")
    assert sorted(os.listdir(tmp_path)) == before


def test_import_glassnet_does_not_import_onnx():
    script = (
        "import sys, glassnet\n"
        "print(sorted({'onnx', 'onnxruntime', 'pandas'} & set(sys.modules)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert ran.stdout == "[]\n"
