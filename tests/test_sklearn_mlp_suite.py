"""scikit-learn's own MLP tests, run unchanged against glassnet's estimators.

The installed ``sklearn/neural_network/tests/test_mlp.py`` is imported under
another name while ``sklearn.neural_network.MLPClassifier`` and
``MLPRegressor`` are glassnet's estimators, so its module-level imports bind
them; its test functions are then collected from here. Nothing is copied: a new
scikit-learn brings its new tests.

Only tests that reach into scikit-learn's private internals are left out, each
with the reason in ``DESELECTED``; ``tests/test_estimator.py`` checks the same
behaviour through public attributes, against scikit-learn's MLP.
"""

import importlib.util
from pathlib import Path

import pytest
import sklearn.neural_network

from glassnet.estimator import GlassnetClassifier, GlassnetRegressor

SUITE = Path(sklearn.neural_network.__file__).parent / "tests" / "test_mlp.py"

DESELECTED = {
    "test_gradient": (
        "calls MLPClassifier._loss_grad_lbfgs, the private loss-and-gradient"
        " function of sklearn's lbfgs; test_lbfgs_objective_matches_finite_"
        "differences checks glassnet's against finite differences"
    ),
    "test_learning_rate_warmstart": (
        "reads the private MLPClassifier._optimizer.learning_rate;"
        " test_invscaling_rate_after_warm_start_as_scikit_learn reads"
        " network_.optimizer.learning_rate"
    ),
    "test_adaptive_learning_rate": (
        "reads the private MLPClassifier._optimizer.learning_rate;"
        " test_adaptive_rate_divides_by_5_until_1e_6_as_scikit_learn"
        " reads network_.optimizer.learning_rate"
    ),
    "test_n_iter_no_change": (
        "reads the private MLPClassifier._no_improvement_count;"
        " test_n_iter_no_change_stops_at_the_same_epoch_as_scikit_learn"
        " compares n_iter_"
    ),
    "test_n_iter_no_change_inf": (
        "reads the private MLPClassifier._no_improvement_count;"
        " test_n_iter_no_change_inf_runs_to_max_iter checks n_iter_"
    ),
}


def _load_suite():
    """Import sklearn's test_mlp.py with glassnet's estimators under sklearn's names."""
    spec = importlib.util.spec_from_file_location("sklearn_test_mlp_glassnet", SUITE)
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sklearn.neural_network, "MLPClassifier", GlassnetClassifier)
        patch.setattr(sklearn.neural_network, "MLPRegressor", GlassnetRegressor)
        spec.loader.exec_module(module)
    return module


_SUITE = _load_suite()
_TESTS = {name: test for name, test in vars(_SUITE).items() if name.startswith("test_")}
assert set(DESELECTED) <= set(_TESTS), "a deselected test is gone from scikit-learn's"
# The collected tests, under their own names (pytest collects module globals).
globals().update({n: t for n, t in _TESTS.items() if n not in DESELECTED})

# As sklearn's runs: its tests leave ConvergenceWarning to sklearn's default
# filter, where it is a warning, not the error of glassnet's pytest settings.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def global_random_seed():
    """scikit-learn's conftest fixture, at its default seed."""
    return 42


def test_the_suite_ran_scikit_learns_tests_against_glassnet():
    assert _SUITE.MLPClassifier is GlassnetClassifier
    assert _SUITE.MLPRegressor is GlassnetRegressor
    assert sklearn.neural_network.MLPClassifier is not GlassnetClassifier
    assert len(_TESTS) >= 40
