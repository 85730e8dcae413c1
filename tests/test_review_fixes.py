"""Cases a review found: tables with unusual columns, ranges."""

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
tabular = pytest.importorskip("glassnet.tabular")


def table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    return frame


def test_non_string_column_names_work_from_python():
    frame = table().rename(columns={"a": 0, "b": 1})
    net = tabular.train(frame, "y", epochs=3, seed=0)
    predictions = tabular.predict(net, frame.drop(columns="y"))
    assert "predicted_y" in predictions.columns


def test_duplicate_column_names_are_one_line_errors():
    frame = table()
    frame.columns = ["a", "a", "y"]
    with pytest.raises(ValueError, match="more than one column named 'a'"):
        tabular.train(frame, "y", epochs=2)


def test_blank_cells_are_missing_values_not_a_category():
    frame = table()
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
    frame = table().set_index(
        pd.Index([f"c{i}" for i in range(120)], name="customer_id")
    )
    frame.to_parquet(tmp_path / "data.parquet")
    read = tabular.read_table(tmp_path / "data.parquet")
    assert list(read.columns[:1]) == ["customer_id"]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_accepts_scikit_learn_ranges():
    estimator = pytest.importorskip("glassnet.estimator")
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    for params in ({"validation_fraction": 0.0}, {"solver": "sgd", "momentum": 1.0}):
        estimator.GlassnetClassifier(max_iter=2, **params).fit(X, y)
