"""The tables defaults: binned numbers, folds, the ensemble, the learning-rate plan.

Each part is checked against a computation written out here, not the code's own.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from glassnet import schedules, tabular
from glassnet.cli import main as glassnet_main
from glassnet.modelfile import ModelFileError
from glassnet.tabular.binned import BinnedNumeric
from glassnet.tabular.ensemble import fold_rows
from glassnet.tabular.preprocessor import TabularPreprocessor


def _income_frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 1, n)
    income[:3] = [1e9, np.nan, np.nan]  # an outlier and two missing values
    age = rng.integers(18, 80, n).astype(float)
    buys = np.where((age > 40) ^ (np.nan_to_num(income) > 3e4), "yes", "no")
    return pd.DataFrame({"income": income, "age": age, "buys": buys})


def test_binned_numbers_match_robust_scaling_clipping_and_ramps():
    frame = _income_frame()
    prep = TabularPreprocessor(bins=4).fit(frame, target="buys")
    encoder = prep.encoders[0]
    assert isinstance(encoder, BinnedNumeric)
    present = frame["income"].dropna().to_numpy()
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75])
    assert encoder.median == pytest.approx(median)
    assert encoder.scale == pytest.approx(q3 - q1)
    edges = np.quantile(present, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(encoder.edges, edges)

    X = prep.transform(frame)
    names = prep.feature_names
    assert names[0] == "income" and names[5] == "income_missing"
    for row in (0, 3, 4):  # the outlier and two ordinary values
        value = frame["income"][row]
        robust = (value - median) / (q3 - q1)
        assert X[row, 0] == pytest.approx(robust / math.sqrt(1 + (robust / 3) ** 2))
        for t in range(4):
            ramp = min(1.0, max(0.0, (value - edges[t]) / (edges[t + 1] - edges[t])))
            assert X[row, 1 + t] == pytest.approx(ramp)
    assert abs(X[0, 0]) < 3  # the outlier is clipped, not 1e4 units away
    # Missing: the median's features, and the indicator.
    np.testing.assert_allclose(X[1, :5], [0.0, 1.0, 1.0, 0.0, 0.0], atol=1e-12)
    assert X[1, 5] == 1.0 and X[3, 5] == 0.0


def test_binned_numbers_survive_the_model_file(tmp_path):
    net = tabular.train(_income_frame(), "buys", hidden=[4], members=2, epochs=3)
    path = tmp_path / "model.npz"
    net.save(path)
    loaded = tabular.TabularModel.load(path)
    original = tabular.TabularModel.from_network(net)
    frame = _income_frame(seed=1)
    pd.testing.assert_frame_equal(loaded.predict(frame), original.predict(frame))
    kinds = [column["encoding"] for column in net.metadata["preprocessing"]["columns"]]
    assert kinds == ["binned_numeric", "binned_numeric"]


@pytest.mark.parametrize(
    "edges", [[1.0, 2.0], [3.0, 2.0, 1.0], [0.0, float("nan"), 1.0], "1,2,3"]
)
def test_saved_bin_edges_are_checked(edges):
    spec = {
        "column": "income",
        "encoding": "binned_numeric",
        "median": 1.0,
        "scale": 1.0,
        "edges": edges,
        "indicator": False,
    }
    with pytest.raises(ModelFileError, match="increasing numeric bin edges"):
        BinnedNumeric.from_dict(spec)


def test_bins_zero_keeps_standardised_numbers():
    prep = TabularPreprocessor(bins=0).fit(_income_frame(), target="buys")
    assert [encoder.name for encoder in prep.encoders] == ["numeric", "numeric"]


@pytest.mark.parametrize("classes", [None, np.array([0] * 37 + [1] * 11 + [2] * 2)])
def test_folds_cover_every_row_once_and_share_each_class(classes):
    folds = fold_rows(50, 5, classes, np.random.default_rng(0))
    rows = np.concatenate(folds)
    np.testing.assert_array_equal(np.sort(rows), np.arange(50))
    assert all(len(fold) == 10 for fold in folds)
    if classes is not None:
        counts = np.array([np.bincount(classes[fold], minlength=3) for fold in folds])
        assert (counts.max(axis=0) - counts.min(axis=0) <= 1).all()


def test_warmup_cosine_follows_its_formula():
    schedule = schedules.warmup_cosine(0.02, epochs=20, warmup=4, floor=0.01)
    assert [schedule(e) for e in range(4)] == pytest.approx(
        [0.004, 0.008, 0.012, 0.016]
    )
    for epoch in range(4, 20):
        progress = (epoch - 4) / 15
        cosine = 0.5 * (1 + math.cos(math.pi * progress))
        assert schedule(epoch) == pytest.approx(0.02 * (0.01 + 0.99 * cosine))
    assert schedule(100) == pytest.approx(0.0002)
    with pytest.raises(ValueError, match="floor"):
        schedules.warmup_cosine(0.1, epochs=10, floor=0)


def test_an_ensemble_is_one_network_that_averages_its_members():
    frame = _income_frame(300)
    notes = []
    net = tabular.train(frame, "buys", members=3, epochs=5, log=notes.append)
    assert net.widths == [prep_width(net), 3 * 128, 2]
    summary = tabular.Summary.from_metadata(net.metadata)
    assert len(summary.members) == 3
    assert sum(member["validation_rows"] for member in summary.members) == 300
    assert "accuracy" in summary.validation_metrics
    assert any(note.startswith("member 3 of 3") for note in notes)
    assert any("out of fold, 300 rows" in note for note in notes)
    lines = summary.describe()
    assert "by 3 networks, each validated on its own fold" in lines[0]


def prep_width(net) -> int:
    return tabular.TabularModel.from_network(net).preprocessor.n_features


def test_one_member_is_the_single_network_with_a_held_out_part():
    net = tabular.train(_income_frame(), "buys", members=1, bins=0, epochs=3)
    summary = tabular.Summary.from_metadata(net.metadata)
    assert summary.members is None
    assert summary.validation_rows == 40
    assert net.widths[1] == 128


def test_too_few_rows_for_the_members_train_one_network():
    frame = _income_frame(8)
    notes = []
    tabular.train(frame, "buys", epochs=2, log=notes.append)
    assert any("too few for 5 members" in note for note in notes)


def test_the_same_seed_gives_the_same_ensemble():
    frame = _income_frame(120)
    first = tabular.train(frame, "buys", members=2, epochs=4)
    second = tabular.train(frame, "buys", members=2, epochs=4)
    for a, b in zip(first.dense_layers, second.dense_layers, strict=True):
        np.testing.assert_array_equal(a.params["weights"], b.params["weights"])


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("members", 0, "members must be"), ("batch_size", 0, "batch_size must be")],
)
def test_bad_settings_are_refused_in_one_line(option, value, message):
    with pytest.raises(ValueError, match=message):
        tabular.train(_income_frame(), "buys", **{option: value})


def test_the_default_batch_size_grows_with_the_table():
    settings = tabular.TrainSettings()
    assert [settings.batch_size_for(n) for n in (100, 4_000, 8_000, 100_000)] == [
        32,
        64,
        128,
        256,
    ]
    assert tabular.TrainSettings(batch_size=10).batch_size_for(10_000) == 10


def test_train_command_takes_members_bins_and_auto_batch(tmp_path):
    data = tmp_path / "income.csv"
    _income_frame().to_csv(data, index=False)
    model = tmp_path / "model.npz"
    argv = ["train", str(data), "--target", "buys", "-o", str(model), "-q"]
    extra = ["--members", "2", "--bins", "0", "--batch-size", "auto", "--epochs", "2"]
    assert glassnet_main([*argv, *extra]) == 0
    summary = tabular.TabularModel.load(model).summary
    assert summary.settings["members"] == 2 and summary.settings["bins"] == 0
    assert summary.settings["batch_size"] is None


@pytest.mark.parametrize("huge", [1e160, 1e308, -1e308])
def test_binned_numbers_take_huge_values_in_training_and_prediction(huge):
    frame = _income_frame(60)
    frame.loc[5, "income"] = huge
    frame["price"] = np.arange(60.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = tabular.train(frame, "price", members=2, hidden=[4], epochs=2)
        new = frame.head(3).assign(income=[huge, np.inf, 50.0])
        notes = []
        result = tabular.predict(net, new, notes)
    assert np.isfinite(result["predicted_price"]).all()
    # A huge number is a number (clipped); infinity is not, and is said so.
    assert notes == [
        "column 'income': 1 value that is not a number (such as 'inf') treated"
        " as missing"
    ]


def test_hostile_binned_median_is_a_model_file_error():
    spec = {
        "column": "income",
        "encoding": "binned_numeric",
        "median": 10**400,
        "scale": 1.0,
        "edges": [],
        "indicator": False,
    }
    with pytest.raises(ModelFileError, match="numeric median"):
        BinnedNumeric.from_dict(spec)


@pytest.mark.parametrize("stop_at", [2, 3])
def test_ctrl_c_in_any_member_reaches_the_merged_history(monkeypatch, stop_at):
    from glassnet.tabular import ensemble

    fitted = []
    original = ensemble.fit_network

    def fit_then_interrupt(net, *args):
        original(net, *args)
        fitted.append(net)
        if len(fitted) == stop_at:  # as Ctrl-C during this member would
            net.history.stop_reason = "interrupted"

    monkeypatch.setattr(ensemble, "fit_network", fit_then_interrupt)
    frame = _income_frame(90)
    notes = []
    net = tabular.train(frame, "buys", members=3, epochs=2, log=notes.append)
    assert net.history.stop_reason == "interrupted"
    summary = tabular.Summary.from_metadata(net.metadata)
    assert len(summary.members) == stop_at
    validated = sum(member["validation_rows"] for member in summary.members)
    assert summary.validation_rows == validated
    assert any(f"out of fold, {validated} rows" in note for note in notes)


def test_bins_stay_finite_at_the_edges_of_float_range():
    huge = np.array([-1e308, 1e308, 1.1e308, 1.3e308, 1.5e308, 1.7e308] * 5)
    frame = pd.DataFrame({"x": huge, "y": np.resize(["a", "b"], 30)})
    prep = TabularPreprocessor(bins=8).fit(frame, target="y")
    assert np.isfinite(prep.encoders[0].edges).all()
    assert np.isfinite(prep.transform(frame)).all()
    spec = {
        "column": "x",
        "encoding": "binned_numeric",
        "median": 0.0,
        "scale": 1.0,
        "edges": [-1e308, 1e308, 1.5e308],
        "indicator": False,
    }
    encoded, _ = BinnedNumeric.from_dict(spec)._encode(pd.Series([1e308, -5.0]), [])
    assert np.isfinite(encoded).all()


def test_the_preprocessing_says_which_format_can_read_it():
    binned = TabularPreprocessor(bins=4).fit(_income_frame(), target="buys")
    plain = TabularPreprocessor(bins=0).fit(_income_frame(), target="buys")
    assert binned.to_dict()["format_version"] == 2
    assert plain.to_dict()["format_version"] == 1  # older glassnet reads it
    newer = dict(binned.to_dict(), format_version=3)
    with pytest.raises(ModelFileError, match="newer glassnet"):
        TabularPreprocessor.from_dict(newer)


def test_zero_epochs_is_refused_naming_epochs():
    with pytest.raises(ValueError, match="epochs"):
        tabular.train(_income_frame(), "buys", epochs=0)
