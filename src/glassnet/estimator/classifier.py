"""``GlassnetClassifier``: scikit-learn's ``MLPClassifier``, trained by glassnet."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._base import _GlassnetMLP, _Task
from ._data import check_label_types
from ._params import check_class_weight_keys, only_stochastic


class GlassnetClassifier(ClassifierMixin, _GlassnetMLP):
    """Multi-layer perceptron classifier, as ``sklearn.neural_network.MLPClassifier``.

    Binary, multiclass and multilabel classification with the log-loss: a
    sigmoid output (binary, one output; multilabel, one per label) or a softmax
    output (multiclass).

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu", "leaky_relu"}, \
default="relu"
        Activation of the hidden layers (``"sigmoid"`` means ``"logistic"``).
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        "lbfgs" is SciPy's L-BFGS-B on the whole data: often best on small data.
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Samples per update; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        SGD's step size schedule: ``learning_rate_init``; that over
        ``(t + 1) ** power_t`` after ``t`` samples; or divided by 5 after
        ``n_iter_no_change`` epochs without improvement (down to 1e-6).
    learning_rate_init : float, default=0.001
        The initial step size (SGD and Adam).
    power_t : float, default=0.5
        For ``learning_rate="invscaling"``.
    max_iter : int, default=200
        Maximum number of epochs (iterations for lbfgs).
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, shuffling, dropout and the validation split.
    tol : float, default=1e-4
        Smallest improvement of the loss (or the validation score) that counts.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        Start ``fit`` from the weights of the previous call.
    momentum : float, default=0.9
        For ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        For ``solver="sgd"`` with momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when the validation
        accuracy has not improved by ``tol`` for more than ``n_iter_no_change``
        epochs, and keep the best epoch's weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        For ``solver="adam"``.
    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping.
    max_fun : int, default=15000
        For lbfgs: the most loss evaluations.
    dropout : float, default=0.0
        Dropout rate after each hidden layer (glassnet's).
    dtype : {"auto", "float32", "float64"}, default="auto"
        Floating-point type of the network: "auto" is float32 for float32 ``X``
        and float64 for anything else.
    class_weight : dict, "balanced" or None, default=None
        Weights by class label, multiplied into ``sample_weight``; "balanced"
        is ``n_samples / (n_classes * count(class))``. Not for multilabel
        targets, and "balanced" not in ``partial_fit``.

    Attributes
    ----------
    network_ : Network
        The trained glassnet network (its ``metadata["classes"]`` holds the
        labels of its outputs, when they are JSON data).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,)
        Only when ``X`` had string column names (a pandas DataFrame).
    loss_ : float
        The last epoch's loss.
    loss_curve_ : list of float
        Each epoch's loss (the mean log-loss plus the L2 penalty, as scikit-learn
        reports it), over all ``fit`` and ``partial_fit`` calls since the weights
        were first drawn.
    best_loss_ : float or None
        The smallest ``loss_curve_`` value (None with ``early_stopping``).
    validation_scores_ : list of float or None
        Each epoch's validation accuracy, with ``early_stopping``.
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen.
    n_layers_ : int
        Hidden layers plus 2.
    n_outputs_ : int
    out_activation_ : {"logistic", "softmax"}
    coefs_, intercepts_ : list of ndarray
        Each Dense layer's weights and biases (views into ``network_``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassnet.estimator import GlassnetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = GlassnetClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.02,
    ...                          random_state=0).fit(X, y)
    >>> clf.n_iter_ < 200, clf.score(X, y) > 0.95  # converged before max_iter
    (True, True)
    >>> clf.predict_proba(X[:1]).round(2)
    array([[1., 0., 0.]])
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        dtype="auto",
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            dtype=dtype,
        )
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` and ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GlassnetClassifier
        """
        check_label_types(y)
        return self._fit(X, y, sample_weight)

    @only_stochastic
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on ``X`` and ``y``, continuing from the last call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set; needed on the first call (but for
            multilabel targets), as ``y`` may hold only some of them.

        Returns
        -------
        self : GlassnetClassifier
        """
        check_label_types(y)
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Return the predicted labels, shape (n_samples,) or (n_samples, n_labels)."""
        return self._outputs_to_predictions(self._outputs(X))

    def predict_proba(self, X):
        """Return class probabilities, (n_samples, n_classes), in ``classes_`` order.

        For multilabel targets, the probability of each label, (n_samples, n_labels).
        """
        outputs = self._outputs(X)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([1 - outputs, outputs])
        return outputs

    def predict_log_proba(self, X):
        """Return the log of :meth:`predict_proba` (-inf for a probability of 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _outputs_unchecked(self, X):
        return self.network_.predict_proba(X)

    def _outputs_to_predictions(self, outputs):
        if outputs.shape[1] == 1:
            outputs = outputs.ravel()
        return self._label_binarizer.inverse_transform(outputs)

    def _score_function(self, y, y_pred, sample_weight=None):
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    def _prepare_targets(self, y, first_pass, incremental, classes):
        """Return the network's targets, the labels and the task.

        Fits ``classes_`` on a first pass; checks ``y`` against them after.
        """
        check_classification_targets(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        multilabel = type_of_target(y).startswith("multilabel")
        new_classes = first_pass or not hasattr(self, "classes_")  # coefs_ assigned
        if (
            classes is not None
            and not new_classes
            and not np.array_equal(np.unique(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={classes!r} differs from classes_={self.classes_!r}"
                " of the first partial_fit call"
            )
        if new_classes:
            self._fit_classes(y, multilabel, incremental, classes)
        if not new_classes or incremental:  # y within partial_fit's classes too
            self._check_classes(y, multilabel, incremental)
        indicator = self._label_binarizer.transform(y)
        y_type = self._label_binarizer.y_type_
        if y_type == "multiclass":
            return (
                indicator.argmax(axis=1),
                y,
                _Task("categorical_crossentropy", "softmax", len(self.classes_)),
            )
        n_outputs = 1 if y_type == "binary" else len(self.classes_)
        # glassnet's binary cross-entropy averages over the outputs, sklearn's sums.
        task = _Task(
            "binary_crossentropy",
            "logistic",
            n_outputs,
            loss_scale=n_outputs,
            gradient_scale=n_outputs,
        )
        return indicator, y, task

    def _fit_classes(self, y, multilabel, incremental, classes) -> None:
        """Fit ``classes_`` (and the label binarizer) to ``y`` or ``classes``."""
        if incremental and classes is None and not multilabel:
            raise ValueError(
                "classes must be passed on the first call to partial_fit:"
                " every class of the whole data set, such as np.unique(y_all)"
            )
        self._label_binarizer = LabelBinarizer()
        if incremental and not multilabel:
            self._label_binarizer.fit(np.asarray(classes))
        else:
            self._label_binarizer.fit(y)
        # One class fits too, as scikit-learn's: it is always predicted.
        self.classes_ = self._label_binarizer.classes_

    def _check_classes(self, y, multilabel, incremental) -> None:
        """Raise if ``y`` has classes that the first fit did not see."""
        present = np.unique(y) if not multilabel else self.classes_
        if self.warm_start and not incremental:
            if set(present) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes"
                    f" as in the previous call to fit. Previously got"
                    f" {self.classes_}, `y` has {present}"
                )
        elif len(np.setdiff1d(present, self.classes_)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has"
                f" {self.classes_}. 'y' has {present}."
            )

    def _add_class_weight(self, y, sample_weight, incremental):
        multilabel = self._label_binarizer.y_type_ == "multilabel-indicator"
        weights = sample_weight
        if self.class_weight is not None:
            if multilabel:
                raise ValueError(
                    "class_weight is not supported for multilabel targets;"
                    " pass sample_weight instead"
                )
            if isinstance(self.class_weight, dict):
                check_class_weight_keys(self.class_weight, self.classes_)
                by_label = {
                    label: self.class_weight.get(label, 1.0) for label in np.unique(y)
                }
            elif self.class_weight == "balanced" and not incremental:
                by_label = "balanced"
            elif self.class_weight == "balanced":
                raise ValueError(
                    "class_weight='balanced' needs every sample at once: use it with"
                    " fit, or pass a dict of class weights to partial_fit"
                )
            else:
                raise ValueError(
                    f"{type(self).__name__}: class_weight must be None, 'balanced' or"
                    f" a dict of class label to weight, got {self.class_weight!r}"
                )
            by_class = compute_sample_weight(by_label, y)
            weights = by_class if weights is None else weights * by_class
        if weights is not None and not incremental and not multilabel:
            weighted = np.unique(y[weights > 0])
            if len(weighted) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes with positive"
                    f" sample_weight, got {weighted.tolist()}"
                )
        return weights

    def _set_metadata(self):
        super()._set_metadata()
        classes = self.classes_.tolist()
        if all(isinstance(label, int | str | float | bool) for label in classes):
            self.network_.metadata["classes"] = classes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
