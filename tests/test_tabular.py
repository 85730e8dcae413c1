"""glassnet.tabular: the preprocessing, metrics and file handling behind the CLI."""

import json
import os

import numpy as np
import pytest

from glassnet import modelfile

pd = pytest.importorskip("pandas")
tabular = pytest.importorskip("glassnet.tabular")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
TabularPreprocessor = tabular.TabularPreprocessor


def mixed_frame(n_rows=40, seed=0):
    """Numbers, text, yes/no words with missing values, an id and a constant."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "id": [f"row{i}" for i in range(n_rows)],
            "age": rng.normal(40, 10, n_rows).round(1),
            "colour": rng.choice(["red", "green", "blue"], n_rows),
            "has_cat": rng.choice(["Yes", "no"], n_rows),
            "flag": rng.choice([True, False], n_rows),
            "country": "NZ",
            "label": rng.choice(["buy", "skip"], n_rows),
        }
    )
    frame.loc[[1, 5], "age"] = np.nan
    frame.loc[[2], "colour"] = np.nan
    frame.loc[[3, 7], "has_cat"] = np.nan
    return frame


# -- encoding -------------------------------------------------------------------


def test_each_column_gets_its_encoding():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    encodings = {spec["column"]: spec["encoding"] for spec in prep.columns}
    assert encodings == {
        "age": "numeric",
        "colour": "categorical",
        "has_cat": "binary",
        "flag": "binary",
    }
    assert {entry["column"] for entry in prep.dropped} == {"id", "country"}
    assert prep.feature_names == [
        "age",
        "age_missing",
        "colour=blue",
        "colour=green",
        "colour=red",
        "colour_missing",
        "has_cat",
        "has_cat_missing",
        "flag",
    ]
    assert any("'id'" in note and "identifier" in note for note in prep.notes)
    assert any("'country'" in note for note in prep.notes)


def test_transform_matches_the_encodings_worked_by_hand():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    X = prep.transform(frame)
    assert X.shape == (len(frame), 9) and X.dtype == np.float64
    ages = frame["age"].to_numpy()
    mean, std = np.nanmean(ages), np.nanstd(ages)
    present = ~np.isnan(ages)
    np.testing.assert_allclose(X[present, 0], (ages[present] - mean) / std)
    assert (X[~present, 0] == 0).all()  # the mean, standardised
    np.testing.assert_array_equal(X[:, 1], ~present)
    colour = frame["colour"].to_numpy(dtype=object)
    for column, value in zip((2, 3, 4), ("blue", "green", "red"), strict=True):
        np.testing.assert_array_equal(X[:, column], colour == value)
    np.testing.assert_array_equal(X[:, 5], frame["colour"].isna())
    has_cat = frame["has_cat"]
    yes_share = (has_cat.dropna() == "Yes").mean()
    expected = np.where(has_cat.isna(), yes_share, has_cat == "Yes")
    np.testing.assert_allclose(X[:, 6], expected)
    np.testing.assert_array_equal(X[:, 8], frame["flag"])


@pytest.mark.parametrize(
    ("values", "ones"),
    [
        (["yes", "no", "YES", "No"], [1, 0, 1, 0]),
        (["true", "False", "TRUE", "false"], [1, 0, 1, 0]),
        (["y", "n", "Y", "N"], [1, 0, 1, 0]),
        ([True, False, True, False], [1, 0, 1, 0]),
    ],
    ids=["yes-no", "true-false", "y-n", "bool"],
)
def test_yes_no_words_become_one_and_zero(values, ones):
    frame = pd.DataFrame({"answer": values, "x": [1.0, 2.0, 3.0, 4.0]})
    prep = TabularPreprocessor().fit(frame)
    assert prep.columns[0]["encoding"] == "binary"
    np.testing.assert_array_equal(prep.transform(frame)[:, 0], ones)


def test_column_order_and_extra_columns_do_not_matter():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    shuffled = frame[frame.columns[::-1]].drop(columns=["label", "id"])
    shuffled["unrelated"] = 7
    np.testing.assert_array_equal(prep.transform(shuffled), prep.transform(frame))


def test_unknown_categories_encode_as_zeros_with_a_note():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    new = frame.head(3).copy()
    new["colour"] = ["purple", "red", "purple"]
    new["has_cat"] = ["maybe", "no", "yes"]
    notes = []
    X = prep.transform(new, notes)
    np.testing.assert_array_equal(X[:, 2:6], [[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
    # An unknown yes/no word is treated as missing.
    assert X[0, 7] == 1 and X[1, 7] == 0
    assert any("'purple'" in note and "2 values" in note for note in notes)
    assert any("'maybe'" in note for note in notes)


def test_missing_columns_are_all_named():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    with pytest.raises(ValueError, match=r"lacks 2 columns.*'age', 'has_cat'"):
        prep.transform(frame.drop(columns=["age", "has_cat"]))


def test_text_in_a_number_column_is_treated_as_missing():
    values = [str(v) for v in range(30)] + ["unknown"]
    frame = pd.DataFrame({"count": values, "y": [0, 1] * 15 + [0]})
    prep = TabularPreprocessor().fit(frame, target="y")
    assert prep.columns[0]["encoding"] == "numeric"
    assert prep.columns[0]["indicator"]
    assert any("'unknown'" in note for note in prep.notes)
    assert prep.transform(frame)[-1].tolist() == [0.0, 1.0]


def test_identifier_like_numbers_are_left_out_only_under_an_id_name():
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(100, 130),
            "visits": np.arange(30),  # distinct whole numbers, but a quantity
            "y": [0, 1] * 15,
        }
    )
    prep = TabularPreprocessor().fit(frame, target="y")
    assert prep.input_columns == ["visits"]
    assert prep.dropped[0]["column"] == "customer_id"


def test_many_categories_keep_the_most_frequent():
    values = ["common"] * 10 + ["often"] * 5 + [f"rare{i}" for i in range(5)] * 2
    frame = pd.DataFrame({"word": values, "y": [0, 1] * 12 + [0]})
    prep = TabularPreprocessor(max_categories=3).fit(frame, target="y")
    assert prep.columns[0]["categories"] == ["common", "often", "rare0"]
    assert any("3 most frequent" in note for note in prep.notes)


def test_drop_and_nothing_left():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label", drop=["age", "colour"])
    assert "age" not in prep.input_columns
    with pytest.raises(ValueError, match="cannot drop 'nope'"):
        TabularPreprocessor().fit(frame, target="label", drop=["nope"])
    with pytest.raises(ValueError, match="no column is left"):
        TabularPreprocessor().fit(frame[["id", "country", "label"]], target="label")


# -- the target -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b", "a"], "classification"),
        ([True, False, True], "classification"),
        ([0, 1, 1, 0], "classification"),
        ([1.0, 2.0, np.nan, 3.0], "classification"),
        (list(range(30)), "regression"),
        ([0.5, 1.25, 2.0], "regression"),
    ],
    ids=["text", "bool", "0-1", "few-whole-floats", "many-integers", "fractions"],
)
def test_the_task_is_inferred_from_the_target(values, task):
    assert tabular.infer_task(pd.Series(values, name="y"))[0] == task


def test_class_targets_encode_and_decode():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["b", "a", "c", "a"]})
    prep = TabularPreprocessor().fit(frame, target="y")
    assert prep.classes == ["a", "b", "c"]
    codes = prep.encode_target(frame["y"])
    assert codes.tolist() == [1, 0, 2, 0]
    assert prep.decode_target(codes).tolist() == ["b", "a", "c", "a"]
    with pytest.raises(ValueError, match="never saw in training: d"):
        prep.encode_target(pd.Series(["a", "d"]))


def test_whole_number_classes_match_with_floats():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 1, 0]})
    prep = TabularPreprocessor().fit(frame, target="y")
    assert prep.classes == [0, 1]
    # A gap makes pandas read the column as floats: 1.0 is still class 1.
    assert prep.encode_target(pd.Series([1.0, 0.0])).tolist() == [1, 0]


def test_regression_targets_are_standardised_and_restored():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [10.0, 20.0, 30.0, 40.0]})
    prep = TabularPreprocessor().fit(frame, target="y", task="regression")
    encoded = prep.encode_target(frame["y"])
    assert encoded.shape == (4, 1)
    np.testing.assert_allclose(encoded.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(encoded.std(), 1)
    np.testing.assert_allclose(prep.decode_target(encoded), frame["y"])


@pytest.mark.parametrize(
    ("values", "task", "message"),
    [
        (["a", "a", "a"], "auto", "only one class"),
        ([5.0, 5.0, 5.0], "regression", "in every row"),
        (["a", "b", "c"], "regression", "not numbers"),
    ],
    ids=["one-class", "constant", "text-regression"],
)
def test_targets_that_cannot_be_learned(values, task, message):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": values})
    with pytest.raises(ValueError, match=message):
        TabularPreprocessor().fit(frame, target="y", task=task)


def test_rows_without_a_target_are_ignored_in_fit():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 100.0], "y": ["a", "b", "a", None]})
    prep = TabularPreprocessor().fit(frame, target="y")
    assert prep.columns[0]["mean"] == 2.0
    assert any("1 row whose target" in note for note in prep.notes)


# -- as JSON data ---------------------------------------------------------------


def test_to_dict_is_json_and_round_trips():
    frame = mixed_frame()
    prep = TabularPreprocessor().fit(frame, target="label")
    text = json.dumps(prep.to_dict(), allow_nan=False)
    again = TabularPreprocessor.from_dict(json.loads(text))
    np.testing.assert_array_equal(again.transform(frame), prep.transform(frame))
    assert again.feature_names == prep.feature_names
    assert again.classes == prep.classes
    assert again.describe() == prep.describe()


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda d: d.update(format="other"),
        lambda d: d.update(format_version=99),
        lambda d: d.update(columns=[]),
        lambda d: d.update(classes=["only"]),
        lambda d: d["columns"][0].update(encoding="magic"),
        lambda d: d["columns"][0].update(scale=-1.0),
        lambda d: d["columns"][1].update(categories="red"),
        lambda d: d.update(task="clustering"),
    ],
    ids=[
        "format",
        "version",
        "no-columns",
        "one-class",
        "encoding",
        "scale",
        "categories",
        "task",
    ],
)
def test_from_dict_rejects_invalid_data(corrupt):
    data = TabularPreprocessor().fit(mixed_frame(), target="label").to_dict()
    corrupt(data)
    with pytest.raises(ValueError, match="invalid preprocessing"):
        TabularPreprocessor.from_dict(data)


# -- metrics --------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_classification_metrics_equal_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, 60)
    y_pred = np.where(rng.random(60) < 0.6, y_true, rng.integers(0, 3, 60))
    ours = tabular.classification_metrics(y_true, y_pred, n_classes=4)
    precision, recall, f1, support = sklearn_metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=range(4), zero_division=0
    )
    np.testing.assert_allclose(ours["precision"], precision)
    np.testing.assert_allclose(ours["recall"], recall)
    np.testing.assert_allclose(ours["f1"], f1)
    np.testing.assert_array_equal(ours["support"], support)
    macro = sklearn_metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=range(4), average="macro", zero_division=0
    )
    np.testing.assert_allclose(
        [ours["macro_precision"], ours["macro_recall"], ours["macro_f1"]], macro[:3]
    )
    assert ours["accuracy"] == pytest.approx(
        sklearn_metrics.accuracy_score(y_true, y_pred)
    )
    np.testing.assert_array_equal(
        ours["confusion_matrix"],
        sklearn_metrics.confusion_matrix(y_true, y_pred, labels=range(4)),
    )


def test_regression_metrics_equal_scikit_learn():
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=50)
    y_pred = y_true + rng.normal(scale=0.3, size=50)
    ours = tabular.regression_metrics(y_true, y_pred)
    assert ours["mae"] == pytest.approx(
        sklearn_metrics.mean_absolute_error(y_true, y_pred)
    )
    assert ours["rmse"] == pytest.approx(
        np.sqrt(sklearn_metrics.mean_squared_error(y_true, y_pred))
    )
    assert ours["r2"] == pytest.approx(sklearn_metrics.r2_score(y_true, y_pred))


# -- files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (None, FileNotFoundError, "does not exist"),
        ("dir", IsADirectoryError, "is a directory"),
        (b"", ValueError, "is empty"),
        (b"\n\n  \n", ValueError, "is empty"),
        (b"a,b,c\n", ValueError, "header but no rows"),
        (b"a,b\n1,2\n3,4,5,6\n", ValueError, "cannot read .* as CSV"),
        (bytes(range(256)) * 4, ValueError, "binary data"),
        ("caf\xe9,x\n1,2\n".encode("latin-1"), ValueError, "not UTF-8"),
        # Damaged Parquet (binary, no footer); text that starts with PAR1 is CSV.
        (b"PAR1\0\0 not really parquet", ValueError, "as Parquet"),
    ],
    ids=[
        "missing",
        "directory",
        "empty",
        "blank",
        "header-only",
        "ragged",
        "binary",
        "latin-1",
        "fake-parquet",
    ],
)
def test_read_table_errors_are_one_line(tmp_path, content, error, message):
    path = tmp_path / "data.csv"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=message) as info:
        tabular.read_table(path)
    assert "\n" not in str(info.value)


def test_read_table_reads_parquet_and_tsv(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    frame.to_parquet(tmp_path / "data.parquet")
    pd.testing.assert_frame_equal(
        tabular.read_table(tmp_path / "data.parquet"), frame, check_dtype=False
    )
    (tmp_path / "data.tsv").write_text("a\tb\n1\tx\n2\ty\n")
    assert tabular.read_table(tmp_path / "data.tsv").columns.tolist() == ["a", "b"]


def test_write_table_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    frame = pd.DataFrame({"a": [1, 2]})

    def fail(self, file, **kwargs):
        file.write("a\n1\n")  # part of the file, then a failure
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OSError, match=r"cannot write .*No space left"):
        tabular.write_table(frame, path)
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.csv"]
    monkeypatch.undo()
    tabular.write_table(frame, path)
    assert path.read_text() == "a\n1\n2\n"
    tabular.write_table(frame, tmp_path / "out.parquet")
    assert pd.read_parquet(tmp_path / "out.parquet")["a"].tolist() == [1, 2]
    assert sorted(os.listdir(tmp_path)) == ["out.csv", "out.parquet"]


def test_write_table_refuses_a_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        tabular.write_table(pd.DataFrame({"a": [1]}), tmp_path / "no" / "out.csv")


# -- the whole job in Python ----------------------------------------------------


def test_train_predict_evaluate_in_a_notebook(tmp_path):
    rng = np.random.default_rng(0)
    n_rows = 300
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n_rows),
            "kind": rng.choice(["a", "b"], n_rows),
            "fresh": rng.choice(["yes", "no"], n_rows),
        }
    )
    frame["price"] = (
        3 * frame["size"]
        + (frame["kind"] == "b") * 2
        + (frame["fresh"] == "yes")
        + rng.normal(scale=0.1, size=n_rows)
        + 50
    )
    log = []
    net = tabular.train(frame, "price", hidden=(16,), epochs=300, log=log.append)
    assert any("regression" in line for line in log)
    summary = net.metadata["training"]
    # Five members: every row validated once, out of fold.
    assert summary["validation_rows"] == 300 and len(summary["members"]) == 5
    assert summary["validation_metrics"]["r2"] > 0.95
    path = tmp_path / "model.npz"
    modelfile.save(net, path)
    loaded = modelfile.load(path)
    predicted = tabular.predict(loaded, frame.drop(columns="price"))
    assert predicted.columns.tolist() == ["size", "kind", "fresh", "predicted_price"]
    np.testing.assert_array_equal(
        predicted["predicted_price"],
        tabular.predict(net, frame)["predicted_price"],
    )
    scores = tabular.evaluate(loaded, frame)
    assert scores["task"] == "regression" and scores["r2"] > 0.95


def test_predict_adds_one_probability_per_class():
    frame = mixed_frame(n_rows=60)
    net = tabular.train(frame, "label", epochs=5, validation_split=0.0)
    result = tabular.predict(net, frame)
    assert result.columns.tolist()[-3:] == [
        "predicted_label",
        "probability_buy",
        "probability_skip",
    ]
    probabilities = result[["probability_buy", "probability_skip"]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1)
    expected = np.where(probabilities[:, 0] >= probabilities[:, 1], "buy", "skip")
    np.testing.assert_array_equal(result["predicted_label"], expected)


def test_a_network_without_preprocessing_is_refused():
    from glassnet import Dense, Network

    net = Network([Dense(3, 1)])
    with pytest.raises(ValueError, match="no preprocessing"):
        tabular.predict(net, mixed_frame())


# -- unusual tables (found by a review) ---------------------------------------


def two_column_table(n=120, seed=0):
    """Two numbers and a text class that depends on their sum."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    return frame


def test_non_string_column_names_work_from_python():
    frame = two_column_table().rename(columns={"a": 0, "b": 1})
    net = tabular.train(frame, "y", epochs=3, seed=0)
    predictions = tabular.predict(net, frame.drop(columns="y"))
    assert "predicted_y" in predictions.columns


def test_duplicate_column_names_are_one_line_errors():
    frame = two_column_table()
    frame.columns = ["a", "a", "y"]
    with pytest.raises(ValueError, match="more than one column named 'a'"):
        tabular.train(frame, "y", epochs=2)


def test_blank_cells_are_missing_values_not_a_category():
    frame = two_column_table()
    frame["colour"] = np.where(np.arange(len(frame)) % 3 == 0, "  ", "red")
    frame.loc[frame.index % 3 == 1, "colour"] = "blue"
    net = tabular.train(frame, "y", epochs=2, seed=0)
    described = {
        row["column"]: row["description"]
        for row in tabular.preprocessor_of(net).describe()
    }
    assert "''" not in described["colour"] and "missing" in described["colour"]


def test_a_parquet_index_is_kept_as_a_column(tmp_path):
    pytest.importorskip("pyarrow")
    frame = two_column_table().set_index(
        pd.Index([f"c{i}" for i in range(120)], name="customer_id")
    )
    frame.to_parquet(tmp_path / "data.parquet")
    read = tabular.read_table(tmp_path / "data.parquet")
    assert list(read.columns[:1]) == ["customer_id"]


def test_the_log_says_why_training_stopped():
    from glassnet.callbacks import Callback

    class StopAtOnce(Callback):
        def on_epoch_end(self, network, epoch, logs):
            network.stop_training = True

    log = []
    net = tabular.train(
        two_column_table(),
        "y",
        epochs=5,
        members=1,
        callbacks=[StopAtOnce()],
        log=log.append,
    )
    assert net.metadata["training"]["stop_reason"] == "stopped_by_callback"
    assert "trained 1 epoch (stopped by a callback; kept epoch 1)" in log
    # In an ensemble the callbacks follow the first member.
    log = []
    tabular.train(
        two_column_table(), "y", epochs=5, callbacks=[StopAtOnce()], log=log.append
    )
    first = next(line for line in log if line.startswith("member 1 of 5"))
    assert first.endswith("1 epoch (stopped by a callback; kept epoch 1)")


def test_a_tabular_model_pairs_network_and_preprocessing_once(tmp_path):
    net = tabular.train(two_column_table(), "y", epochs=3, seed=0)
    net.save(tmp_path / "model.npz")
    model = tabular.TabularModel.load(tmp_path / "model.npz")
    assert model.preprocessor.input_columns == ["a", "b"]
    assert model.summary.training_rows == net.metadata["training"]["training_rows"]
    pd.testing.assert_frame_equal(
        model.predict(two_column_table()), tabular.predict(net, two_column_table())
    )
    assert model.evaluate(two_column_table()) == tabular.evaluate(
        net, two_column_table()
    )
