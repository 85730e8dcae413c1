"""The estimators' lbfgs solver, learning-rate schedules, Poisson loss and sparse X.

The outside truths: finite differences of the lbfgs objective, scikit-learn's
log-loss, and scikit-learn's MLP started from the same weights; the stopping
rule recomputed from ``loss_curve_``. (scikit-learn's own tests of these run
in tests/test_sklearn_mlp_suite.py.)
"""

import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier, MLPRegressor

import glassnet.modelfile
from glassnet.estimator import GlassnetClassifier, GlassnetRegressor
from glassnet.estimator._base import _Task
from glassnet.estimator._lbfgs import _Objective

quietly = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def digits(n_samples, n_class=10):
    X, y = load_digits(n_class=n_class, return_X_y=True)
    return X[:n_samples] / 16.0, y[:n_samples]


def regressor_and_mlp(Estimator, Reference, X, y, **params):
    """Return ours and scikit-learn's, fitted from the same weights (warm start)."""
    ours = Estimator(warm_start=True, max_iter=1, random_state=0, **params)
    theirs = Reference(warm_start=True, max_iter=1, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        theirs.fit(X, y)
    theirs.coefs_ = [weights.copy() for weights in ours.coefs_]
    theirs.intercepts_ = [biases.copy() for biases in ours.intercepts_]
    return ours, theirs


# -- lbfgs -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["multiclass", "multilabel", "weighted regression"])
def test_lbfgs_objective_matches_finite_differences(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 3))
    if kind == "multiclass":
        model, y = GlassnetClassifier, np.arange(12) % 3
    elif kind == "multilabel":
        model, y = GlassnetClassifier, (rng.random((12, 3)) < 0.5).astype(int)
    else:
        model, y = GlassnetRegressor, rng.normal(size=(12, 2))
    weights = rng.uniform(0.5, 2.0, 12) if kind.startswith("weighted") else None
    est = model(hidden_layer_sizes=(4,), activation="tanh", solver="lbfgs", max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, sample_weight=weights)
    network = est.network_
    targets = est._prepare_targets(y, False, False, None)[0]
    n_outputs = est.n_outputs_
    scale = n_outputs if kind == "multilabel" else 1.0
    task = _Task(network.loss.name, "", n_outputs, gradient_scale=scale)
    data = network.check_data(X, targets, weights)
    objective = _Objective(network, *data, alpha=0.3, task=task)
    theta = network.flat_parameters.astype(np.float64)
    _, grad = objective(theta.copy())
    numeric = np.empty_like(theta)
    for index in range(theta.size):
        step = np.zeros_like(theta)
        step[index] = 1e-6
        numeric[index] = (
            objective(theta + step)[0] - objective(theta - step)[0]
        ) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_lbfgs_loss_is_scikit_learns_log_loss_plus_the_penalty():
    X, y = digits(60, n_class=3)
    clf = GlassnetClassifier(hidden_layer_sizes=(5,), solver="lbfgs", alpha=0.2)
    clf.fit(X, y)
    squares = sum(float((w**2).sum()) for w in clf.coefs_)
    expected = log_loss(y, clf.predict_proba(X)) + 0.5 * 0.2 * squares / len(X)
    assert clf.loss_ == pytest.approx(expected, rel=1e-9)
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_, rel=1e-6)


@quietly
@pytest.mark.parametrize(
    ("Estimator", "Reference", "kind"),
    [
        (GlassnetClassifier, MLPClassifier, "multiclass"),
        (GlassnetClassifier, MLPClassifier, "multilabel"),
        (GlassnetRegressor, MLPRegressor, "regression"),
    ],
)
def test_lbfgs_from_the_same_weights_reaches_scikit_learns_solution(
    Estimator, Reference, kind
):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5))
    if kind == "multiclass":
        y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    elif kind == "multilabel":
        y = (X[:, :3] + 0.3 * rng.normal(size=(60, 3)) > 0).astype(int)
    else:
        y = np.sin(X[:, 0]) + X[:, 1] ** 2
    params = {"hidden_layer_sizes": (6,), "activation": "tanh", "solver": "lbfgs"}
    ours, theirs = regressor_and_mlp(Estimator, Reference, X, y, alpha=0.1, **params)
    # L-BFGS is the same algorithm on the same objective: the parameters are
    # ordered differently, which only changes rounding.
    ours.set_params(max_iter=30).fit(X, y)
    theirs.set_params(max_iter=30).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 30
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    for mine, reference in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-6)


def test_lbfgs_warns_on_max_fun_and_converges_on_tol():
    X, y = digits(100, n_class=3)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        GlassnetClassifier(solver="lbfgs", max_fun=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = GlassnetClassifier(solver="lbfgs", tol=1e-2, random_state=0).fit(X, y)
    assert clf.n_iter_ < 200
    assert clf.score(X, y) == 1.0


def test_lbfgs_on_overflowing_data_raises_scikit_learns_error():
    rng = np.random.default_rng(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    with pytest.raises(ValueError, match="Solver produced non-finite parameter"):
        GlassnetRegressor(solver="lbfgs").fit(X, rng.normal(size=10))


def test_partial_fit_is_for_stochastic_solvers_only():
    clf = GlassnetClassifier(solver="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError) as error:
        clf.partial_fit
    assert "lbfgs is not stochastic" in str(error.value.__cause__)
    assert hasattr(clf.set_params(solver="sgd"), "partial_fit")
    assert not hasattr(GlassnetRegressor(solver="lbfgs"), "partial_fit")


# -- learning-rate schedules --------------------------------------------------------


@quietly
def test_invscaling_rate_after_warm_start_as_scikit_learn():
    # scikit-learn's test_learning_rate_warmstart, read from the public network.
    X, y = [[3, 2], [1, 6], [5, 6], [-2, -4]], [1, 1, 1, 0]
    for schedule in ["invscaling", "constant"]:
        clf = GlassnetClassifier(
            solver="sgd",
            hidden_layer_sizes=4,
            learning_rate=schedule,
            max_iter=1,
            power_t=0.25,
            warm_start=True,
        )
        clf.fit(X, y)
        clf.fit(X, y)
        rate = clf.network_.optimizer.learning_rate
        if schedule == "invscaling":  # 8 samples seen over the two fits
            assert rate == clf.learning_rate_init / pow(8 + 1, clf.power_t)
        else:
            assert rate == clf.learning_rate_init


def test_adaptive_rate_divides_by_5_until_1e_6_as_scikit_learn():
    X, y = [[3, 2], [1, 6]], [1, 0]
    clf = GlassnetClassifier(
        tol=0.5, max_iter=3000, solver="sgd", learning_rate="adaptive"
    )
    clf.fit(X, y)
    assert clf.n_iter_ < clf.max_iter
    # 0.001 / 5 ** 5 is the first rate below 1e-6: five divisions, then a stop.
    assert clf.network_.optimizer.learning_rate == pytest.approx(0.001 / 5**5)


@quietly
@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_schedules_take_scikit_learns_steps_from_the_same_weights(schedule):
    X, y = digits(80, n_class=3)
    params = {
        "solver": "sgd",
        "learning_rate": schedule,
        "learning_rate_init": 0.2,
        "power_t": 0.3,
        "hidden_layer_sizes": (5,),
        "batch_size": 30,
        "shuffle": False,
        "tol": 0.05,
        "n_iter_no_change": 2,
    }
    ours, theirs = regressor_and_mlp(GlassnetClassifier, MLPClassifier, X, y, **params)
    ours.set_params(max_iter=25).fit(X, y)
    theirs.set_params(max_iter=25).fit(X, y)
    # The first epoch is of each one's own initial weights.
    np.testing.assert_allclose(ours.loss_curve_[1:], theirs.loss_curve_[1:], rtol=1e-8)
    assert ours.network_.optimizer.learning_rate == pytest.approx(
        theirs._optimizer.learning_rate, rel=1e-12
    )


def stopping_epoch(loss_curve, tol, n_iter_no_change):
    """Return when scikit-learn's rule stops on this curve (or None), from scratch."""
    best, count = np.inf, 0
    for epoch, loss in enumerate(loss_curve, start=1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


@pytest.mark.parametrize("n_iter_no_change", [2, 5, 10])
def test_n_iter_no_change_stops_at_the_same_epoch_as_scikit_learn(n_iter_no_change):
    X, y = digits(100, n_class=2)
    clf = GlassnetClassifier(
        tol=0.01, max_iter=3000, solver="sgd", n_iter_no_change=n_iter_no_change
    ).fit(X, y)
    assert clf.n_iter_ < clf.max_iter
    assert stopping_epoch(clf.loss_curve_, 0.01, n_iter_no_change) == clf.n_iter_


def test_n_iter_no_change_inf_runs_to_max_iter():
    X, y = digits(100, n_class=2)
    clf = GlassnetClassifier(
        tol=1e9, max_iter=60, solver="sgd", n_iter_no_change=np.inf
    )
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.n_iter_ == 60


# -- Poisson loss -------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_poisson_loss_takes_scikit_learns_steps_from_the_same_weights(solver):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 0.2))
    params = {"loss": "poisson", "hidden_layer_sizes": (4,), "solver": solver}
    params |= {"shuffle": False, "batch_size": 25, "learning_rate_init": 0.01}
    ours, theirs = regressor_and_mlp(GlassnetRegressor, MLPRegressor, X, y, **params)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.set_params(max_iter=20).fit(X, y)
        theirs.set_params(max_iter=20).fit(X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-5)


@quietly
def test_a_poisson_network_saved_as_a_model_file_predicts_the_same(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    y = rng.poisson(np.exp(X[:, 0]))
    reg = GlassnetRegressor(loss="poisson", hidden_layer_sizes=(4,), max_iter=5)
    reg.fit(X, y)
    glassnet.modelfile.save(reg.network_, tmp_path / "counts.npz")
    network = glassnet.modelfile.load(tmp_path / "counts.npz")
    assert network.loss.name == "poisson"
    np.testing.assert_array_equal(network.predict(X).ravel(), reg.predict(X))


def test_poisson_loss_refuses_negative_targets_in_one_line():
    with pytest.raises(ValueError, match=r"values >= 0 \(counts or rates\)"):
        GlassnetRegressor(loss="poisson").fit([[0.0], [1.0]], [1.0, -1.0])


# -- coefs_ and intercepts_ ------------------------------------------------------------


@quietly
def test_assigned_weights_are_written_into_the_network():
    X, y = digits(50, n_class=2)
    clf = GlassnetClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    before = clf.predict_proba(X)
    clf.coefs_ = [np.zeros_like(w) for w in clf.coefs_]
    clf.intercepts_ = [np.zeros_like(b) for b in clf.intercepts_]
    assert not clf.network_.flat_parameters.any()
    np.testing.assert_allclose(clf.predict_proba(X), 0.5)
    assert not np.allclose(before, 0.5)
    with pytest.raises(ValueError, match=r"coefs_\[0\] has shape \(2, 3\)"):
        clf.coefs_ = [np.zeros((2, 3)), np.zeros((3, 1))]
    with pytest.raises(ValueError, match="intercepts_ must hold 2 arrays"):
        clf.intercepts_ = [np.zeros(3)]


# -- sparse X ------------------------------------------------------------------------


@quietly
@pytest.mark.parametrize(
    "container", [scipy.sparse.csr_matrix, scipy.sparse.csc_array], ids=["csr", "csc"]
)
def test_sparse_X_trains_as_the_same_dense_X(container):
    X, y = digits(120, n_class=3)
    X[X < 0.3] = 0.0  # about half the entries
    params = {"hidden_layer_sizes": (8,), "batch_size": 32, "random_state": 0}
    dense = GlassnetClassifier(max_iter=5, **params).fit(X, y)
    sparse = GlassnetClassifier(max_iter=5, **params).fit(container(X), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        sparse.predict_proba(container(X)), dense.predict_proba(X), rtol=1e-10
    )
    regressor = GlassnetRegressor(max_iter=3, early_stopping=True, **params)
    regressor.fit(container(X), y.astype(float))
    assert regressor.predict(container(X)).shape == (120,)
