"""What matters and why: permutation importance and integrated gradients, tables.

Checked against things outside the code: scikit-learn's
``permutation_importance`` on the same model and rows, central finite
differences of the network, and the completeness of integrated gradients
(the contributions add up to the change of the output).
"""

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
sklearn_inspection = pytest.importorskip("sklearn.inspection")

import glassnet  # noqa: E402
from glassnet import tabular  # noqa: E402
from glassnet.tabular.attribution import (  # noqa: E402
    centre_baseline,
    feature_attributions,
    output_and_gradient,
)

FAST = {"members": 1, "hidden": [8], "epochs": 20, "seed": 0}


def planted_table(n=400, seed=0):
    """``signal`` decides the target, ``noise`` and ``colour`` are pure noise."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "noise": rng.normal(size=n),
            "signal": rng.normal(size=n),
            "colour": rng.choice(["red", "blue", "green"], n),
        }
    )
    frame.loc[::9, "noise"] = np.nan  # a missing indicator too
    frame["bought"] = np.where(frame["signal"] > 0, "yes", "no")
    frame["spend"] = 3.0 * frame["signal"] + 10.0
    return frame


@pytest.fixture(scope="module")
def table():
    return planted_table()


@pytest.fixture(scope="module")
def classifier(table):
    return tabular.TabularModel.from_network(
        tabular.train(table.drop(columns="spend"), "bought", **FAST)
    )


@pytest.fixture(scope="module")
def regressor(table):
    return tabular.TabularModel.from_network(
        tabular.train(table.drop(columns="bought"), "spend", **FAST)
    )


class _Fitted:
    """A fitted-looking estimator for scikit-learn: the scoring does the work."""

    def fit(self, X, y):
        return self


def sklearn_importance(model, frame, metric, seed):
    target = model.preprocessor.target
    X = frame[model.preprocessor.input_columns]

    def scoring(_estimator, X, y):
        return model.evaluate(X.assign(**{target: y.to_numpy()}))[metric]

    return sklearn_inspection.permutation_importance(
        _Fitted(), X, frame[target], scoring=scoring, n_repeats=5, random_state=seed
    )


@pytest.mark.parametrize(
    ("which", "target", "metric"),
    [("classifier", "bought", "accuracy"), ("regressor", "spend", "r2")],
)
def test_permutation_importance_equals_scikit_learns(
    request, table, which, target, metric
):
    model = request.getfixturevalue(which)
    frame = table.drop(columns={"bought", "spend"} - {target})
    ours = tabular.permutation_importance(model, frame, n_repeats=5, seed=3)
    theirs = sklearn_importance(model, frame, metric, seed=3)
    order = [model.preprocessor.input_columns.index(c) for c in ours.columns]
    # The same permutations, so the same numbers, not only the same ranking.
    np.testing.assert_allclose(ours.mean, theirs.importances_mean[order], atol=1e-9)
    np.testing.assert_allclose(ours.std, theirs.importances_std[order], atol=1e-9)
    assert ours.metric == metric
    assert ours.columns[0] == "signal"
    assert ours.mean[0] > 0.3
    assert abs(ours.mean[ours.columns.index("noise")]) < 0.05


def test_importance_text_is_one_aligned_line_per_column(classifier, table):
    text = tabular.permutation_importance(classifier, table).to_text()
    lines = text.splitlines()
    assert lines[0].split() == ["column", "accuracy", "drop", "±", "std"]
    assert lines[1].split()[0] == "signal"
    assert len({len(line) for line in lines[:4]}) == 1  # aligned
    assert lines[4].startswith("Each number is how much the accuracy")


def test_importance_needs_the_target_and_a_table_model(classifier, table):
    with pytest.raises(ValueError, match="no target column 'bought'"):
        tabular.permutation_importance(classifier, table.drop(columns="bought"))
    with pytest.raises(ValueError, match="n_repeats"):
        tabular.permutation_importance(classifier, table, n_repeats=0)
    python_net = glassnet.Network([glassnet.Dense(2, 1)], seed=0)
    with pytest.raises(ValueError, match="no preprocessing"):
        tabular.permutation_importance(python_net, table)
    with pytest.raises(TypeError, match="TabularModel"):
        tabular.permutation_importance("model.npz", table)


@pytest.mark.parametrize(
    ("last", "loss", "output"),
    [("softmax", "categorical_crossentropy", 1), ("identity", "mse", 0)],
)
def test_input_gradient_matches_finite_differences(last, loss, output):
    rng = np.random.default_rng(1)
    n_outputs = 3 if last == "softmax" else 1
    net = glassnet.Network(
        [glassnet.Dense(4, 6, "tanh"), glassnet.Dense(6, n_outputs, last)],
        loss=loss,
        seed=2,
    )
    X = rng.normal(size=(5, 4))
    outputs, gradient = output_and_gradient(net, X, output)
    np.testing.assert_allclose(outputs, net.forward(X), rtol=1e-12)
    eps = 1e-6
    numeric = np.empty_like(X)
    for j in range(X.shape[1]):
        step = np.zeros(X.shape[1])
        step[j] = eps
        up, down = net.forward(X + step), net.forward(X - step)
        numeric[:, j] = (up[:, output] - down[:, output]) / (2 * eps)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def test_integrated_gradients_are_complete_and_converge_with_steps():
    net = glassnet.Network(
        [glassnet.Dense(3, 5, "tanh"), glassnet.Dense(5, 2, "softmax")],
        loss="categorical_crossentropy",
        seed=4,
    )
    x, baseline = np.array([3.0, -4.0, 1.4]), np.zeros(3)
    ends = net.forward(np.stack([x, baseline]))[:, 1]
    change = ends[0] - ends[1]
    errors = [
        abs(feature_attributions(net, x, baseline, 1, steps).sum() - change)
        for steps in (16, 32, 64, 128)
    ]
    # A midpoint sum on a smooth path: the error falls 4-fold as the steps double.
    ratios = np.divide(errors[:-1], errors[1:])
    assert ((ratios > 3.5) & (ratios < 4.5)).all(), ratios
    assert errors[-1] < 1e-6


@pytest.mark.parametrize("which", ["classifier", "regressor"])
def test_row_contributions_add_up_to_the_change_of_the_output(request, table, which):
    model = request.getfixturevalue(which)
    errors = []
    for steps in (8, 512):
        why = tabular.integrated_gradients(model, table, row=5, steps=steps)
        errors.append(abs(why.contributions.sum() - (why.output - why.baseline_output)))
    scale = 1.0 if which == "classifier" else model.preprocessor.target_scale
    assert errors[1] < 2e-3 * scale
    assert errors[1] <= errors[0] + 1e-12
    assert why.columns == model.preprocessor.input_columns
    # The planted column moves the prediction most; the prediction is the model's.
    assert np.argmax(np.abs(why.contributions)) == why.columns.index("signal")
    predicted = model.predict(table.iloc[[5]]).iloc[0]
    if which == "classifier":
        label = predicted["predicted_bought"]
        assert why.prediction == repr(label)
        assert why.output == pytest.approx(predicted[f"probability_{label}"], rel=1e-5)
    else:
        assert why.output == pytest.approx(predicted["predicted_spend"], rel=1e-5)


def test_the_baseline_is_the_average_row_and_the_network_is_untouched(classifier):
    prep, net = classifier.preprocessor, classifier.network
    baseline = centre_baseline(prep)
    assert baseline.shape == (prep.n_features,)
    names = prep.feature_names
    assert baseline[names.index("noise_missing")] == 0.0
    colours = [i for i, name in enumerate(names) if name.startswith("colour")]
    assert not baseline[colours].any()  # no category
    before = net.state_dict()
    inputs = net.layers[0].inputs
    tabular.integrated_gradients(classifier, planted_table(20), row=0)
    assert net.layers[0].inputs is inputs
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_row_text_says_what_the_numbers_mean(classifier, table):
    why = tabular.integrated_gradients(classifier, table, row=5)
    text = why.to_text()
    lines = text.splitlines()
    assert lines[0].split() == ["column", "value", "contribution"]
    assert {line.split()[0] for line in lines[1:4]} == {"noise", "signal", "colour"}
    assert "positive pushed the prediction towards" in lines[-1]
    assert f"probability of {why.prediction}" in lines[-1]


def test_row_errors(classifier, table):
    with pytest.raises(ValueError, match="row 400 is out of range"):
        tabular.integrated_gradients(classifier, table, row=400)
    with pytest.raises(ValueError, match="steps"):
        tabular.integrated_gradients(classifier, table, row=0, steps=0)


def test_explain_importance_and_row_from_the_command_line(tmp_path, table, capsys):
    from glassnet.cli import main

    data, model = tmp_path / "table.csv", tmp_path / "model.npz"
    table.drop(columns="spend").to_csv(data, index=False)
    tabular.train(table.drop(columns="spend"), "bought", **FAST).save(model)
    assert main(["explain", str(model), str(data), "--importance", "--row", "5"]) == 0
    out = capsys.readouterr().out
    importance, why = out.split("\n\n")
    assert importance.splitlines()[1].split()[0] == "signal"
    assert why.splitlines()[0].split() == ["column", "value", "contribution"]
    assert "pushed the prediction towards" in why
    # Bad input: one line on stderr, status 1.
    inputs = table.drop(columns=["spend", "bought"])
    inputs.to_csv(tmp_path / "inputs.csv", index=False)
    for args in (
        ["--row", "400"],
        ["--importance"],
    ):
        name = "inputs.csv" if args == ["--importance"] else "table.csv"
        assert main(["explain", str(model), str(tmp_path / name), *args]) == 1
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    # Without the target, a row is still explained.
    assert (
        main(["explain", str(model), str(tmp_path / "inputs.csv"), "--row", "0"]) == 0
    )
