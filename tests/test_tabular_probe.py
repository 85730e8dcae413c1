"""glassnet.tabular against the hostile probe (issue 11): each test is one defect.

F1 the user's data comes back as written; F3 only empty cells are missing; F4
hostile metadata; F7 compressed names; F8 pipes and FIFOs; F10 many classes;
F11 very large numbers; F16 API arguments; F20 a CSV that starts with PAR1.
"""

import os
import threading
import warnings

import numpy as np
import pytest
from conftest import run_capped

import glassnet

pd = pytest.importorskip("pandas")
tabular = pytest.importorskip("glassnet.tabular")
pa = pytest.importorskip("pyarrow")
parquet = pytest.importorskip("pyarrow.parquet")


def small_frame(n_rows=60, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n_rows),
            "colour": rng.choice(["tabby", "black", "ginger"], n_rows),
            "income": rng.normal(50, 10, n_rows).round(2),
        }
    )
    frame["bought"] = np.where(frame["income"] > 50, "yes", "no")
    return frame


def quick_train(frame, target, **kwargs):
    # One small network on standardised numbers: the guards these defects
    # need live in that encoding (test_tabular_defaults checks the binned one).
    kwargs = {
        "hidden": [4],
        "epochs": 3,
        "validation_split": 0,
        "members": 1,
        "bins": 0,
        **kwargs,
    }
    return tabular.train(frame, target, **kwargs)


# -- F1: the user's data comes back as written ----------------------------------


def test_f1_predict_writes_the_input_columns_exactly_as_read(tmp_path):
    net = quick_train(small_frame(), "bought")
    source = tmp_path / "new.csv"
    text = "zip,age,colour,income,visits\n00123,30,black,50,1\n1e5,50,tabby,60,\n"
    source.write_text(text)
    result = tabular.predict(net, tabular.read_table(source))
    tabular.write_table(result, tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert [line.split(",")[:5] for line in lines] == [
        line.split(",") for line in text.splitlines()
    ]
    tabular.write_table(result, tmp_path / "out.parquet")
    back = pd.read_parquet(tmp_path / "out.parquet")
    assert back["zip"].tolist() == ["00123", "1e5"]
    assert back["visits"].tolist()[0] == "1"


def test_f1_parquet_whole_numbers_with_gaps_stay_whole_numbers(tmp_path):
    net = quick_train(small_frame(), "bought")
    frame = small_frame(4).drop(columns="bought")
    frame["visits"] = pd.array([1, None, 3, 4], dtype="Int64")
    # As another tool writes it: int64 with a null, no pandas metadata.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    parquet.write_table(table.replace_schema_metadata(None), tmp_path / "new.parquet")
    result = tabular.predict(net, tabular.read_table(tmp_path / "new.parquet"))
    tabular.write_table(result, tmp_path / "out.parquet")
    back = pd.read_parquet(tmp_path / "out.parquet")
    assert str(back["visits"].dtype) == "Int64"
    assert back["visits"].tolist()[0] == 1
    tabular.write_table(result, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().splitlines()[2].split(",")[3] == ""


def test_f1_numeric_looking_labels_stay_as_written(tmp_path):
    frame = small_frame()
    frame["bought"] = np.where(frame["income"] > 50, "001", "1e5")
    frame.to_csv(tmp_path / "codes.csv", index=False)
    net = quick_train(tabular.read_table(tmp_path / "codes.csv"), "bought")
    assert tabular.preprocessor_of(net).classes == ["001", "1e5"]
    predicted = tabular.predict(net, tabular.read_table(tmp_path / "codes.csv"))
    assert set(predicted["predicted_bought"]) <= {"001", "1e5"}
    scores = tabular.evaluate(net, tabular.read_table(tmp_path / "codes.csv"))
    assert scores["classes"] == ["001", "1e5"]


def test_f1_codes_with_leading_zeros_are_categories_not_numbers(tmp_path):
    frame = small_frame()
    frame["code"] = np.resize(["001", "002", "010", "1e5"], len(frame))
    frame.to_csv(tmp_path / "data.csv", index=False)
    net = quick_train(tabular.read_table(tmp_path / "data.csv"), "bought")
    encodings = {
        spec["column"]: spec["encoding"]
        for spec in tabular.preprocessor_of(net).columns
    }
    assert encodings["code"] == "categorical"
    assert encodings["age"] == encodings["income"] == "numeric"


def test_f1_whole_number_targets_in_a_csv_are_still_classes(tmp_path):
    frame = small_frame()
    frame["bought"] = (frame["income"] > 50).astype(int)
    frame.to_csv(tmp_path / "data.csv", index=False)
    net = quick_train(tabular.read_table(tmp_path / "data.csv"), "bought")
    prep = tabular.preprocessor_of(net)
    assert prep.task == "classification" and prep.classes == ["0", "1"]
    # Matched by value: 1.0 is class "1".
    other = frame.assign(bought=frame["bought"].astype(float))
    assert tabular.evaluate(net, other)["rows"] == len(frame)


def test_f1_labels_with_spaces_are_written_back_as_spelled(tmp_path):
    frame = small_frame()
    frame["bought"] = np.where(frame["income"] > 50, " >50K", " <=50K")
    frame.to_csv(tmp_path / "adult.csv", index=False)
    net = quick_train(tabular.read_table(tmp_path / "adult.csv"), "bought")
    assert tabular.preprocessor_of(net).classes == [" <=50K", " >50K"]
    predicted = tabular.predict(net, tabular.read_table(tmp_path / "adult.csv"))
    assert set(predicted["predicted_bought"]) <= {" <=50K", " >50K"}
    # probability columns are named without the spaces
    assert "probability_<=50K" in predicted.columns
    assert tabular.evaluate(net, frame)["classes"] == [" <=50K", " >50K"]
    # The same labels without the spaces match (leniently).
    stripped = frame.assign(bought=frame["bought"].str.strip())
    assert tabular.evaluate(net, stripped)["rows"] == len(frame)


# -- F3: only empty cells are missing --------------------------------------------


def test_f3_only_empty_cells_are_missing_by_default(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\nNone,NA\nnull,n/a\nnan,\n")
    frame = tabular.read_table(path)
    assert frame["a"].tolist() == ["None", "null", "nan"]
    assert frame["b"].tolist()[:2] == ["NA", "n/a"] and pd.isna(frame["b"][2])
    marked = tabular.read_table(path, na_values=["NA", "None"])
    assert marked["a"].isna().tolist() == [True, False, False]
    assert marked["b"].isna().tolist() == [True, False, True]
    with pytest.raises(ValueError, match="na_values"):
        tabular.read_table(path, na_values=[1])


def test_f3_none_is_a_class_and_na_a_category(tmp_path):
    frame = small_frame()
    frame["bought"] = np.where(frame["income"] > 50, "None", "yes")
    frame["region"] = np.resize(["NA", "EU", "NA", "AS"], len(frame))
    frame.to_csv(tmp_path / "labels.csv", index=False)
    net = quick_train(tabular.read_table(tmp_path / "labels.csv"), "bought")
    prep = tabular.preprocessor_of(net)
    assert prep.classes == ["None", "yes"]
    region = next(spec for spec in prep.columns if spec["column"] == "region")
    assert region["categories"] == ["AS", "EU", "NA"] and not region["indicator"]


def test_f3_predict_reads_na_values_as_missing_but_writes_them_back():
    frame = small_frame()
    net = quick_train(frame, "bought")
    new = frame.head(3).astype(str)
    new.loc[0, "income"] = "n/a"
    notes = []
    result = tabular.predict(net, new, notes, na_values=["n/a"])
    assert result["income"].tolist()[0] == "n/a"
    assert any("missing" in note for note in notes)
    assert not any("not a number" in note for note in notes)


# -- F7: compressed names --------------------------------------------------------


@pytest.mark.parametrize("suffix", [".zip", ".xz", ".tar", ".zst", ".gz", ".bz2"])
def test_f7_a_fake_compressed_file_is_one_line_naming_it(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError) as info:
        tabular.read_table(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message


@pytest.mark.parametrize("suffix", [".zip", ".xz", ".tar", ".gz", ".bz2", ".zst"])
def test_f7_dev_zero_under_a_compressed_name_is_refused_at_once(tmp_path, suffix):
    link = tmp_path / f"data{suffix}"
    link.symlink_to("/dev/zero")
    process = run_capped(
        f"""
        import glassnet.tabular as tabular
        try:
            tabular.read_table({str(link)!r})
        except ValueError as error:
            print("ValueError:", error)
        """,
        timeout=20,
    )
    assert process.returncode == 0, process.stderr[-500:]
    assert process.stdout.startswith("ValueError:") and str(link) in process.stdout
    assert process.stdout.count("\n") == 1


# -- F8: FIFOs and pipes ---------------------------------------------------------


def test_f8_a_fifo_without_a_writer_is_one_line_not_a_hang(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    process = run_capped(
        f"""
        import glassnet.tabular as tabular
        try:
            tabular.read_table({str(fifo)!r})
        except ValueError as error:
            print("ValueError:", error)
        """,
        timeout=15,
    )
    assert process.stdout.startswith("ValueError:") and "empty" in process.stdout


def test_f8_a_fifo_with_a_writer_reads_the_whole_table(tmp_path):
    frame = small_frame(2000)
    frame.to_csv(tmp_path / "real.csv", index=False)
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    data = (tmp_path / "real.csv").read_bytes()
    assert len(data) > 8192  # more than the first bytes that are looked at

    def write():
        with open(fifo, "wb") as file:
            file.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    process = run_capped(
        f"""
        import glassnet.tabular as tabular
        frame = tabular.read_table({str(fifo)!r})
        print(frame.shape, list(frame.columns))
        """,
        timeout=15,
    )
    writer.join(timeout=5)
    assert process.stdout.strip() == f"(2000, 4) {list(frame.columns)}"


@pytest.mark.parametrize("n_rows", [5, 2000])
def test_f8_a_pipe_read_through_dev_stdin(tmp_path, n_rows):
    process = run_capped(
        """
        import glassnet.tabular as tabular
        print(tabular.read_table("/dev/stdin").shape)
        """,
        stdin=small_frame(n_rows).to_csv(index=False),
        timeout=20,
    )
    assert process.stdout.strip() == f"({n_rows}, 4)", process.stderr[-500:]


# -- F10: many classes -----------------------------------------------------------


def test_f10_predict_with_120_classes_gives_no_performance_warning():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=360), "y": np.resize([f"c{i}" for i in range(120)], 360)}
    )
    net = quick_train(frame, "y", hidden=[], epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = tabular.predict(net, frame)
    assert result.shape == (360, 2 + 1 + 120)


# -- F11: very large finite values -----------------------------------------------


@pytest.mark.parametrize("value", [1e160, 1e200, 1e308])
@pytest.mark.parametrize("column", ["income", "price"])
def test_f11_huge_training_values_are_one_line_without_warnings(value, column):
    frame = small_frame().assign(price=lambda f: f["income"] * 2)
    frame.loc[0, column] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=f"'{column}'.*too large") as info:
            quick_train(frame, "price")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("dtype", "value"), [("float64", 1e308), ("float32", 1e38), ("float32", -4e38)]
)
def test_f11_huge_values_at_predict_are_missing_with_a_note(dtype, value):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"s": rng.normal(0, 0.1, 80), "t": rng.normal(size=80)})
    frame["y"] = np.where(frame["s"] + frame["t"] > 0, "a", "b")
    net = quick_train(frame, "y", dtype=dtype)
    new = pd.DataFrame({"s": [value, 0.0], "t": [0.0, 0.0]})
    notes = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = tabular.predict(net, new, notes)
    assert [note for note in notes if "'s'" in note and "too large" in note]
    assert np.isfinite(result["probability_a"]).all()


def test_f11_a_regressor_never_writes_inf():
    frame = small_frame().assign(price=lambda f: f["income"] * 2)
    net = quick_train(frame, "price")
    new = frame.head(2).assign(income=[1e308, 50.0])
    notes = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = tabular.predict(net, new, notes)
    assert np.isfinite(result["predicted_price"]).all()
    assert any("'income'" in note for note in notes)


# -- F16: API arguments ----------------------------------------------------------


@pytest.mark.parametrize("hidden", ["16", [2.7], None, [0], [True], 16])
def test_f16_a_bad_hidden_is_one_line_naming_it(hidden):
    with pytest.raises(ValueError, match="hidden") as info:
        tabular.train(small_frame(), "bought", hidden=hidden, epochs=1)
    assert "\n" not in str(info.value)


def test_f16_evaluate_and_predict_name_frame_for_a_non_frame():
    net = quick_train(small_frame(), "bought")
    for function in (tabular.evaluate, tabular.predict):
        with pytest.raises(ValueError, match="frame must be a pandas DataFrame"):
            function(net, small_frame().values)


def test_f16_a_duplicated_target_column_is_one_line():
    net = quick_train(small_frame(), "bought")
    frame = small_frame()
    twice = pd.concat([frame, frame[["bought"]]], axis=1)
    with pytest.raises(ValueError, match="more than one column named 'bought'"):
        tabular.evaluate(net, twice)
    with pytest.raises(ValueError, match="more than one column named 'bought'"):
        tabular.train(twice, "bought", epochs=1)


def test_f16_multiindex_columns_are_one_line():
    frame = small_frame()
    frame.columns = pd.MultiIndex.from_tuples([("a", name) for name in frame.columns])
    with pytest.raises(ValueError, match="MultiIndex") as info:
        tabular.train(frame, ("a", "bought"), epochs=1)
    assert "\n" not in str(info.value)


# -- F20: PAR1 -------------------------------------------------------------------


def test_f20_a_csv_whose_header_starts_with_par1_is_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("PAR1,b\n1,2\n")
    assert tabular.read_table(path).to_dict("list") == {"PAR1": ["1"], "b": ["2"]}


# -- F4: hostile metadata --------------------------------------------------------


@pytest.fixture(scope="module")
def trained_net():
    frame = small_frame()
    return tabular.train(
        frame, "bought", hidden=[4], epochs=2, validation_split=0.2, members=1, bins=0
    )


def _hostile(net, edit):
    metadata = {
        "preprocessing": dict(net.metadata["preprocessing"]),
        "training": dict(net.metadata["training"]),
    }
    metadata["preprocessing"]["columns"] = [
        dict(spec) for spec in metadata["preprocessing"]["columns"]
    ]
    edit(metadata)
    return metadata


HOSTILE = {
    "encoding-list": lambda m: m["preprocessing"]["columns"][0].update(
        encoding=["numeric"]
    ),
    "column-list": lambda m: m["preprocessing"]["columns"][0].update(column=["a"]),
    "classes-huge-int": lambda m: m["preprocessing"].update(classes=[10**400, 1]),
    "mean-huge-int": lambda m: m["preprocessing"]["columns"][0].update(mean=10**400),
    "metrics-partial": lambda m: m["training"].update(
        validation_metrics={"accuracy": 1.0}
    ),
    "metrics-text": lambda m: m["training"].update(validation_metrics={"mae": "x"}),
    "stop-reason-list": lambda m: m["training"].update(stop_reason=["x"]),
    "epochs-text": lambda m: m["training"].update(epochs="3"),
    "training-list": lambda m: m.update(training=[1]),
    "preprocessing-list": lambda m: m.update(preprocessing=[1]),
}


@pytest.mark.parametrize("edit", HOSTILE.values(), ids=HOSTILE.keys())
def test_f4_hostile_metadata_is_a_model_file_error(trained_net, edit):
    metadata = _hostile(trained_net, edit)
    with pytest.raises(glassnet.ModelFileError) as info:
        net = trained_net
        saved, net.metadata = net.metadata, metadata
        try:
            tabular.preprocessor_of(net)
            tabular.TabularModel.from_network(net).summary.describe_epochs()
            tabular.format_metrics(
                tabular.Summary.from_metadata(metadata).validation_metrics
            )
        finally:
            net.metadata = saved
    assert "\n" not in str(info.value)
