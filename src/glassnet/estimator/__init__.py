"""scikit-learn estimators: ``GlassnetClassifier`` and ``GlassnetRegressor``.

They take ``MLPClassifier``'s and ``MLPRegressor``'s parameters, with the same
names, defaults and meanings, so a pipeline or a parameter grid written for
scikit-learn's MLP runs unchanged; they train a glassnet
:class:`~glassnet.Network`, which ``fit`` leaves in ``network_``. Only this
package imports scikit-learn: ``pip install "glassnet[sklearn]"``.

From the same weights they take scikit-learn's steps (``tests/test_estimator.py``
checks it): the L2 penalty, mini-batches, ``loss_curve_``, stopping on ``tol``
and ``n_iter_no_change``, learning-rate schedules, L-BFGS, ``warm_start`` and
``partial_fit``. They differ in:

- the initial weights and random draws (glassnet's: He for ReLU, Glorot
  otherwise), so the same ``random_state`` gives other, equally good, draws;
- with ``sample_weight`` and mini-batches, the penalty is divided by the
  batch's *expected* total weight;
- Adam adds ``epsilon`` after the bias correction (as PyTorch and Keras do):
  the same rule whenever ``epsilon`` is far below ``sqrt(v)``;
- with ``solver="lbfgs"``, ``loss_curve_`` holds each iteration's loss, a
  ``tol`` below L-BFGS-B's ``ftol`` lowers it too, and multi-output
  regression minimises the squared error summed over outputs (the loss whose
  gradient scikit-learn uses; ``loss_`` is scikit-learn's average).

They take sparse ``X`` (CSR or CSC), ``solver="lbfgs"``, SGD's
``learning_rate`` schedules and the regressor's ``loss="poisson"``, as
scikit-learn's do; ``tests/test_sklearn_mlp_suite.py`` runs scikit-learn's own
MLP tests against them.

glassnet adds ``dropout``, ``dtype`` ("auto" keeps float32 ``X`` in float32)
and, for the classifier, ``class_weight``.
"""

from .classifier import GlassnetClassifier
from .regressor import GlassnetRegressor

__all__ = ["GlassnetClassifier", "GlassnetRegressor"]

# The public path, as before this became a package: pickles name it, and
# doctest and help() find the classes here.
GlassnetClassifier.__module__ = GlassnetRegressor.__module__ = __name__
