"""GlassnetClassifier and GlassnetRegressor as scikit-learn estimators.

The outside truths: scikit-learn's own estimator checks; its MLPClassifier and
MLPRegressor, which from the same weights must take the same steps and report
the same losses; and its model selection tools, which must work unchanged.
"""

import io
import pickle
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits  # installed with scikit-learn

import glassnet
import glassnet.modelfile
from glassnet import Dropout
from glassnet.estimator import GlassnetClassifier, GlassnetRegressor

quietly = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def digits(n_samples=None):
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0)[:n_samples]
    return X, y[:n_samples]


def regression_data(n_samples=80, n_outputs=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4))
    coefs = rng.normal(size=(4, n_outputs))
    y = np.tanh(X @ coefs) + 0.05 * rng.normal(size=(n_samples, n_outputs))
    return X, y[:, 0] if n_outputs == 1 else y


# -- scikit-learn's estimator checks -------------------------------------------


# NOTE: scikit-learn's own test suite runs these checks ignoring ConvergenceWarning
# (sklearn/tests/test_common.py): a few epochs on toy data do not converge. Every
# check passes; none is marked as expected to fail.
@quietly
@parametrize_with_checks(
    [
        GlassnetClassifier(),
        GlassnetRegressor(),
        GlassnetClassifier(
            hidden_layer_sizes=(8, 8), activation="tanh", solver="sgd", alpha=0.01
        ),
        GlassnetRegressor(
            hidden_layer_sizes=(8, 8), activation="tanh", solver="sgd", alpha=0.01
        ),
        GlassnetClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50),
        GlassnetRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50),
    ]
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# -- the same steps as scikit-learn's MLP --------------------------------------

# scikit-learn adds epsilon to sqrt(v) before the bias correction, glassnet after
# it; with an epsilon far below sqrt(v) both are the same rule.
ADAM = {"solver": "adam", "learning_rate_init": 0.01, "epsilon": 1e-14}
SGD = {"solver": "sgd", "learning_rate_init": 0.05, "momentum": 0.9}


def targets(kind, rng, n_samples):
    if kind == "multi-output regression":
        return rng.normal(size=(n_samples, 3))
    if kind == "multilabel":
        return (rng.random((n_samples, 4)) < 0.5).astype(int)
    n_classes = 2 if kind == "binary" else 3
    return np.arange(n_samples) % n_classes


@quietly
@pytest.mark.parametrize("solver", [SGD, ADAM], ids=["sgd", "adam"])
@pytest.mark.parametrize(
    "kind", ["regression", "multi-output regression", "binary", "multiclass",
             "multilabel"]
)  # fmt: skip
def test_same_steps_and_losses_as_scikit_learn_from_the_same_weights(kind, solver):
    """L2 penalty, uneven mini-batches, loss scaling per task, warm start."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    y = rng.normal(size=50) if kind == "regression" else targets(kind, rng, 50)
    params = dict(
        hidden_layer_sizes=(6,),
        activation="tanh",
        alpha=0.5,
        batch_size=20,  # batches of 20, 20 and 10
        shuffle=False,
        max_iter=1,
        tol=0.0,
        random_state=0,
        **solver,
    )
    regression = kind.endswith("regression")
    ours = (GlassnetRegressor if regression else GlassnetClassifier)(**params)
    theirs = (MLPRegressor if regression else MLPClassifier)(**params)
    ours.fit(X, y)
    theirs.fit(X, y)
    theirs.coefs_ = [weights.copy() for weights in ours.coefs_]
    theirs.intercepts_ = [biases.copy() for biases in ours.intercepts_]
    # A warm start keeps the weights and starts a fresh optimizer, in both.
    ours.set_params(warm_start=True, max_iter=5).fit(X, y)
    theirs.set_params(warm_start=True, max_iter=5).fit(X, y)

    np.testing.assert_allclose(ours.loss_curve_[1:], theirs.loss_curve_[1:], rtol=1e-9)
    for mine, reference in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-7, atol=1e-10)
    if regression:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-7)
    else:
        np.testing.assert_allclose(
            ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-7, atol=1e-10
        )
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.slow
def test_digits_accuracy_within_one_point_of_mlp_classifier():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    ours, theirs = [], []
    # Both start from random weights: compare the means over five seeds.
    for seed in range(5):
        # NOTE: one BLAS thread: on a busy machine, threads spinning over these
        # small products make both six times slower (the accuracies are the same).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            glassnet_model = GlassnetClassifier(random_state=seed).fit(X_train, y_train)
            sklearn_model = MLPClassifier(random_state=seed).fit(X_train, y_train)
        ours.append(glassnet_model.score(X_test, y_test))
        theirs.append(sklearn_model.score(X_test, y_test))
    assert np.mean(ours) > 0.96
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01, (ours, theirs)


# -- model selection -----------------------------------------------------------


@quietly
def test_pipeline_with_a_scaler():
    X, y = digits(600)
    model = make_pipeline(
        StandardScaler(),
        GlassnetClassifier(
            hidden_layer_sizes=(32,),
            learning_rate_init=0.01,
            max_iter=50,
            random_state=0,
        ),
    )
    model.fit(X[:450], y[:450])
    assert model.score(X[450:], y[450:]) > 0.8  # MLPClassifier: 0.86
    assert model.predict_proba(X[450:]).shape == (150, 10)


@quietly
def test_grid_search_picks_from_the_grid_and_refits():
    X, y = digits(300)
    grid = {"hidden_layer_sizes": [(8,), (32,)], "alpha": [1e-4, 1e-1]}
    search = GridSearchCV(
        GlassnetClassifier(max_iter=20, learning_rate_init=0.01, random_state=0),
        grid,
        cv=3,
    )
    search.fit(X, y)
    assert search.best_params_["hidden_layer_sizes"] in grid["hidden_layer_sizes"]
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert search.best_estimator_.network_.n_inputs == 64
    assert search.score(X, y) > 0.8


@quietly
def test_cross_val_score_of_the_regressor():
    X, y = regression_data(150)
    scores = cross_val_score(
        GlassnetRegressor(
            hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
        ),
        X,
        y,
        cv=3,
    )
    assert scores.shape == (3,)
    assert scores.min() > 0.8


# -- tasks, dtypes and attributes ---------------------------------------------


@quietly
def test_string_labels_binary_and_multiclass():
    X, y = digits(200)
    names = np.array(["zero", "one", "two", "three", "four"] * 2)[y]
    clf = GlassnetClassifier(max_iter=5, random_state=0).fit(X, names)
    assert list(clf.classes_) == sorted(set(names))
    assert clf.network_.metadata["classes"] == sorted(set(names))
    assert clf.out_activation_ == "softmax"
    assert set(clf.predict(X)) <= set(names)
    binary = np.where(y % 2 == 0, "even", "odd")
    clf = GlassnetClassifier(max_iter=5, random_state=0).fit(X, binary)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1
    probabilities = clf.predict_proba(X)
    assert probabilities.shape == (200, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    expected = clf.classes_[probabilities.argmax(axis=1)]
    np.testing.assert_array_equal(clf.predict(X), expected)


@quietly
def test_predict_log_proba_is_the_log_of_predict_proba():
    X, y = digits(100)
    clf = GlassnetClassifier(learning_rate_init=0.1, max_iter=50).fit(X, y)
    with np.errstate(divide="ignore"):  # a probability may round to 0: log is -inf
        expected = np.log(clf.predict_proba(X))
    np.testing.assert_array_equal(clf.predict_log_proba(X), expected)


@quietly
def test_multilabel_classification():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = GlassnetClassifier(learning_rate_init=0.01, max_iter=100, random_state=0)
    clf.fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    probabilities = clf.predict_proba(X)
    assert probabilities.shape == Y.shape
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    assert clf.score(X, Y) > 0.6  # every label right, as accuracy_score does


@quietly
def test_multi_output_regression():
    X, y = regression_data(120, n_outputs=3)
    reg = GlassnetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01)
    reg.set_params(random_state=0, max_iter=300).fit(X, y)
    assert reg.predict(X).shape == (120, 3)
    assert reg.n_outputs_ == 3 and reg.out_activation_ == "identity"
    assert reg.score(X, y) > 0.9


@quietly
@pytest.mark.parametrize(
    ("X_dtype", "dtype", "expected"),
    [
        (np.float32, "auto", np.float32),
        (np.float64, "auto", np.float64),
        (np.int64, "auto", np.float64),
        (np.float64, "float32", np.float32),
        (np.float32, "float64", np.float64),
    ],
)
def test_float32_input_gives_a_float32_network(X_dtype, dtype, expected):
    X, y = digits(100)
    X = (X * 16).astype(X_dtype)
    clf = GlassnetClassifier(max_iter=3, dtype=dtype, random_state=0).fit(X, y)
    assert clf.network_.dtype == expected
    assert clf.predict_proba(X).dtype == expected
    assert all(weights.dtype == expected for weights in clf.coefs_)
    reg = GlassnetRegressor(max_iter=3, dtype=dtype, random_state=0).fit(X, y * 1.0)
    assert reg.predict(X).dtype == expected


@quietly
def test_fitted_attributes_like_mlp_classifier():
    X, y = digits(200)
    clf = GlassnetClassifier(hidden_layer_sizes=(12, 7), max_iter=8).fit(X, y)
    assert clf.n_features_in_ == 64
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 10
    assert [w.shape for w in clf.coefs_] == [(64, 12), (12, 7), (7, 10)]
    assert [b.shape for b in clf.intercepts_] == [(12,), (7,), (10,)]
    assert clf.n_iter_ == len(clf.loss_curve_) == 8
    assert clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.t_ == 8 * 200
    assert clf.network_.epochs_trained == 8


@quietly
def test_feature_names_from_a_dataframe():
    pandas = pytest.importorskip("pandas")
    X, y = digits(100)
    frame = pandas.DataFrame(X, columns=[f"pixel{i}" for i in range(64)])
    clf = GlassnetClassifier(max_iter=3, random_state=0).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(clf.predict(frame), clf.network_.predict(X))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        clf.predict(X)


def test_dropout_adds_a_dropout_layer_after_each_hidden_layer():
    X, y = digits(100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = GlassnetClassifier(hidden_layer_sizes=(16, 8), dropout=0.25, max_iter=3)
        clf.fit(X, y)
    kinds = [type(layer).__name__ for layer in clf.network_.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert isinstance(clf.network_.layers[1], Dropout)
    assert clf.network_.layers[1].rate == 0.25


# -- stopping and warnings -----------------------------------------------------


def test_convergence_warning_only_when_max_iter_is_reached():
    X, y = digits(100)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        GlassnetClassifier(max_iter=3, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = GlassnetClassifier(max_iter=500, tol=10.0, n_iter_no_change=2)
        clf.fit(X, y)
    # The first epoch improves on infinity, no later one by 10: after 2 + 1 of
    # those training stops, without a warning.
    assert clf.n_iter_ == 4


def test_early_stopping_on_the_validation_score_restores_the_best_weights():
    X, y = digits(500)
    clf = GlassnetClassifier(
        hidden_layer_sizes=(32,),
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=3,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    # The kept weights are the best epoch's: those a run that ends there keeps.
    best_epoch = int(np.argmax(clf.validation_scores_))
    assert best_epoch < clf.n_iter_ - 1
    with pytest.warns(ConvergenceWarning):
        shorter = clone(clf).set_params(max_iter=best_epoch + 1).fit(X, y)
    assert shorter.validation_scores_ == clf.validation_scores_[: best_epoch + 1]
    np.testing.assert_array_equal(shorter.predict_proba(X), clf.predict_proba(X))


@quietly
def test_verbose_prints_scikit_learns_lines():
    X, y = digits(60)
    out = io.StringIO()
    with redirect_stdout(out):
        GlassnetClassifier(max_iter=2, verbose=True, random_state=0).fit(X, y)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
    assert len(lines) == 2


# -- partial_fit and warm_start ------------------------------------------------


@quietly
def test_partial_fit_is_one_epoch_of_fit():
    X, y = digits(150)  # one full batch: no shuffling to differ
    params = {"max_iter": 4, "n_iter_no_change": 100, "random_state": 0}
    fitted = GlassnetClassifier(**params).fit(X, y)
    incremental = GlassnetClassifier(**params)
    for _ in range(4):
        incremental.partial_fit(X, y, classes=np.arange(10))
    assert incremental.n_iter_ == 1
    np.testing.assert_allclose(incremental.loss_curve_, fitted.loss_curve_)
    np.testing.assert_array_equal(incremental.predict_proba(X), fitted.predict_proba(X))


def test_partial_fit_needs_classes_first_and_knows_them_later():
    X, y = digits(100)
    clf = GlassnetClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 5], y[y < 5], classes=np.arange(10))
    assert list(clf.classes_) == list(range(10))
    clf.partial_fit(X[y >= 5], y[y >= 5])  # classes not seen before, but declared
    with pytest.raises(ValueError, match=r"not in `self\.classes_`"):
        clf.partial_fit(X, y + 10)
    with pytest.raises(ValueError, match="early_stopping"):
        GlassnetClassifier(early_stopping=True).partial_fit(X, y, classes=range(10))


@quietly
def test_partial_fit_of_the_regressor_and_float32_blocks():
    X, y = regression_data(200)
    reg = GlassnetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01)
    for start in range(0, 200, 50):
        reg.partial_fit(X[start : start + 50].astype(np.float32), y[start : start + 50])
    assert reg.network_.dtype == np.float32
    assert len(reg.loss_curve_) == 4


@quietly
def test_warm_start_continues_and_fit_without_it_starts_again():
    X, y = digits(120)
    clf = GlassnetClassifier(max_iter=3, warm_start=True, random_state=0).fit(X, y)
    network = clf.network_
    clf.fit(X, y)
    assert clf.network_ is network and len(clf.loss_curve_) == 6
    assert clf.loss_curve_[3] < clf.loss_curve_[0]
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.network_ is not network and len(clf.loss_curve_) == 3
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.set_params(warm_start=True).fit(X[y < 5], y[y < 5])


@quietly
def test_warm_start_may_switch_early_stopping_on_and_off():
    X, y = digits(200)
    clf = GlassnetClassifier(max_iter=3, warm_start=True, random_state=0).fit(X, y)
    clf.set_params(early_stopping=True).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ and clf.best_loss_ is None
    clf.set_params(early_stopping=False).fit(X, y)
    assert clf.validation_scores_ is None and clf.best_loss_ == min(
        clf.loss_curve_[-3:]
    )
    assert len(clf.loss_curve_) == 3 + clf.n_iter_ + 3


# -- sample and class weights --------------------------------------------------


@quietly
def test_class_weight_is_sample_weight_by_label():
    X, y = digits(150)
    labels = np.where(y < 3, "low", "high")
    params = {"max_iter": 5, "random_state": 0}
    by_class = GlassnetClassifier(class_weight={"low": 3.0}, **params).fit(X, labels)
    by_sample = GlassnetClassifier(**params).fit(
        X, labels, sample_weight=np.where(labels == "low", 3.0, 1.0)
    )
    np.testing.assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X))
    balanced = GlassnetClassifier(class_weight="balanced", **params).fit(X, labels)
    assert balanced.loss_curve_ != by_sample.loss_curve_


def test_weights_that_leave_one_class_are_refused():
    X, y = digits(60)
    with pytest.raises(ValueError, match="at least 2 classes"):
        GlassnetClassifier().fit(X, y, sample_weight=(y == 3).astype(float))


@quietly
def test_a_single_class_fits_and_is_predicted_as_scikit_learns():
    X, _ = digits(60)
    y = np.full(60, 7)
    ours = GlassnetClassifier(max_iter=5, random_state=0).fit(X, y)
    theirs = MLPClassifier(max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape


# -- saving and pickling -------------------------------------------------------


@quietly
def test_pickled_estimator_predicts_the_same_and_trains_on(tmp_path):
    X, y = digits(120)
    clf = GlassnetClassifier(max_iter=3, random_state=0).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    # The parameters are views into one buffer again, as in a freshly built network.
    network = copy.network_
    assert all(
        np.shares_memory(value, network._param_buffer)
        for value in network.named_parameters().values()
    )
    copy.partial_fit(X, y)
    clf.partial_fit(X, y)
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))


@quietly
def test_network_saved_as_a_model_file_predicts_the_same(tmp_path):
    X, y = digits(120)
    names = np.array(list("abcdefghij"))[y]
    clf = GlassnetClassifier(max_iter=3, random_state=0).fit(X, names)
    path = tmp_path / "digits.npz"
    glassnet.modelfile.save(clf.network_, path)
    network = glassnet.modelfile.load(path)
    classes = np.array(network.metadata["classes"])
    np.testing.assert_array_equal(classes[network.predict(X)], clf.predict(X))
    np.testing.assert_array_equal(network.predict_proba(X), clf.predict_proba(X))


# -- parameters ----------------------------------------------------------------


def test_get_and_set_params_use_scikit_learns_names():
    params = GlassnetClassifier().get_params()
    mlp = MLPClassifier().get_params()
    shared = set(params) & set(mlp)
    assert {"hidden_layer_sizes", "alpha", "early_stopping", "beta_2"} <= shared
    assert {name: params[name] for name in shared} == {
        name: mlp[name] for name in shared
    }
    assert set(params) - set(mlp) == {"dropout", "dtype", "class_weight"}
    assert set(mlp) <= set(params)  # a grid for MLPClassifier runs unchanged
    regressor = GlassnetRegressor().get_params()
    assert set(MLPRegressor().get_params()) == set(regressor) - {"dropout", "dtype"}
    assert regressor["loss"] == "squared_error"
    assert clone(GlassnetRegressor(alpha=0.5)).get_params()["alpha"] == 0.5


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"solver": "newton"}, "solver must be one of"),
        ({"learning_rate": "optimal"}, "learning_rate must be one of"),
        ({"power_t": -0.5}, "power_t must be a number >= 0"),
        ({"max_fun": 0}, "max_fun must be an integer >= 1"),
        ({"activation": "swish"}, "activation must be one of"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes must be positive"),
        ({"alpha": -1.0}, "alpha must be a number >= 0"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"max_iter": 2.5}, "max_iter must be an integer >= 1"),
        ({"learning_rate_init": 0}, "learning_rate_init must be a number > 0"),
        ({"momentum": 1.5}, "momentum must be a number >= 0 and <= 1"),
        (
            {"validation_fraction": 1.0},
            "validation_fraction must be a number >= 0 and < 1",
        ),
        ({"dropout": 1.0}, "dropout must be a number >= 0 and < 1"),
        ({"dtype": "float16"}, "dtype must be one of"),
        ({"shuffle": "yes"}, "shuffle must be True or False"),
        ({"class_weight": "even"}, "class_weight must be None, 'balanced'"),
    ],
)
def test_bad_parameters_get_one_line_errors_at_fit(params, match):
    X, y = digits(30)
    clf = GlassnetClassifier(**params)  # __init__ stores, fit checks
    with pytest.raises(ValueError, match=match) as error:
        clf.fit(X, y)
    assert "\n" not in str(error.value)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_accepts_scikit_learn_ranges():
    estimator = pytest.importorskip("glassnet.estimator")
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    for params in ({"validation_fraction": 0.0}, {"solver": "sgd", "momentum": 1.0}):
        estimator.GlassnetClassifier(max_iter=2, **params).fit(X, y)


# -- divergence, as scikit-learn handles it --------------------------------------

SKLEARN_NON_FINITE = (
    "Solver produced non-finite parameter weights. The input data may contain large"
    " values and need to be preprocessed."
)


def test_non_finite_training_raises_scikit_learns_value_error():
    """scikit-learn's test_nonfinite_params, on glassnet's estimator."""
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor a RuntimeWarning on the way
        with pytest.raises(ValueError, match=SKLEARN_NON_FINITE) as excinfo:
            GlassnetRegressor().fit(X, y)
    assert isinstance(excinfo.value, glassnet.NonFiniteLossError)
    assert "\n" not in str(excinfo.value)


DIVERGING = {
    "hidden_layer_sizes": 100,
    "activation": "identity",
    "solver": "sgd",
    "learning_rate_init": 1,
    "max_iter": 20,
    "early_stopping": True,
    "n_iter_no_change": 10,
    "random_state": 0,
}


def test_diverging_fit_with_early_stopping_finishes_as_scikit_learns_does():
    """scikit-learn's test_mlp_diverging_loss: finish, record NaN, keep the best."""
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPRegressor(learning_rate="constant", **DIVERGING).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(20\)"):
            reg = GlassnetRegressor(**DIVERGING).fit(X, y)
    for fitted in (mlp, reg):
        assert fitted.n_iter_ == 20
        assert len(fitted.validation_scores_) == len(fitted.loss_curve_) == 20
        assert str(fitted.validation_scores_[-1]) == str(np.nan)
        assert isinstance(fitted.validation_scores_[-1], float)
        assert np.isnan(fitted.loss_curve_[-1])
        finite = [s for s in fitted.validation_scores_ if np.isfinite(s)]
        assert fitted.best_validation_score_ == max(finite)
    # The kept weights are the best epoch's, finite: predictions are too.
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)
    assert np.isfinite(reg.predict(X)).all()
    assert reg.network_.history.stop_reason == "diverged"
    assert reg.t_ == mlp.t_


def test_diverging_classifier_with_early_stopping_keeps_the_best_weights():
    X, y = digits(200)
    params = dict(DIVERGING, learning_rate_init=1e20, max_iter=15)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning):
            clf = GlassnetClassifier(**params).fit(X * 1e3, y)
    assert clf.n_iter_ == 15 and len(clf.validation_scores_) == 15
    assert np.isnan(clf.validation_scores_[-1])
    assert np.isfinite(clf.predict_proba(X)).all()


# -- F16: bad arguments get one-line errors that name them -----------------------


def _small_data():
    X = np.random.default_rng(0).normal(size=(20, 2))
    return X, np.array(["a", "b"] * 10)


def _one_line_error(fit, *fragments):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor a RuntimeWarning on the way
        with pytest.raises(ValueError) as excinfo:
            fit()
    message = str(excinfo.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize("Estimator", [GlassnetClassifier, GlassnetRegressor])
@pytest.mark.parametrize("random_state", [-1, "a", 1.5])
def test_a_bad_random_state_is_named(Estimator, random_state):
    X, y = _small_data()
    if Estimator is GlassnetRegressor:
        y = np.arange(20.0)
    estimator = Estimator(max_iter=2, random_state=random_state)
    _one_line_error(lambda: estimator.fit(X, y), "random_state")


@pytest.mark.parametrize(
    "labels",
    [["a", None], ["a", 1], ["a", np.nan]],
    ids=["str_and_None", "str_and_int", "str_and_nan"],
)
def test_labels_of_mixed_types_are_named(labels):
    X, _ = _small_data()
    y = np.array(labels * 10, dtype=object)
    clf = GlassnetClassifier(max_iter=2)
    _one_line_error(lambda: clf.fit(X, y), "y", "mixed types")


def test_a_class_weight_for_a_class_not_in_y_is_named():
    X, y = _small_data()
    clf = GlassnetClassifier(max_iter=2, class_weight={"maybe": 2, "a": 1})
    _one_line_error(lambda: clf.fit(X, y), "class_weight", "'maybe'", "not in y")


def test_early_stopping_without_a_validation_fraction_is_named():
    X, y = _small_data()
    clf = GlassnetClassifier(max_iter=2, early_stopping=True, validation_fraction=0)
    _one_line_error(lambda: clf.fit(X, y), "validation_fraction", "early_stopping")


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_non_finite_X_gets_one_line_at_fit_and_predict(bad):
    X, y = _small_data()
    X_bad = X.copy()
    X_bad[3, 1] = bad
    clf = GlassnetClassifier(max_iter=2)
    word = "NaN" if np.isnan(bad) else "infinity"
    _one_line_error(lambda: clf.fit(X_bad, y), f"X contains {word}", "impute")
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    _one_line_error(lambda: clf.predict(X_bad), f"X contains {word}", "impute")


def test_sample_weights_whose_sum_overflows_are_named():
    X, y = _small_data()
    clf = GlassnetClassifier(max_iter=2)
    _one_line_error(
        lambda: clf.fit(X, y, sample_weight=[1e308] * 20), "sample_weight", "overflow"
    )


@quietly
def test_renamed_columns_name_the_columns():
    """Renamed, missing or reordered columns are refused, naming them.

    The message stays scikit-learn's, over several lines: its estimator checks
    (check_dataframe_column_names_consistency) assert that text, newlines and
    all, so a one-line message would fail them.
    """
    pandas = pytest.importorskip("pandas")
    X, y = _small_data()
    frame = pandas.DataFrame(X, columns=["age", "income"])
    clf = GlassnetClassifier(max_iter=2).fit(frame, y)
    with pytest.raises(ValueError, match="unseen at fit time:\n- salary") as excinfo:
        clf.predict(frame.rename(columns={"income": "salary"}))
    assert "missing:\n- income" in str(excinfo.value)
