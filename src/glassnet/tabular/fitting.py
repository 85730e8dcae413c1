"""One table network: built for a preprocessing, trained with the settings' plan.

Both a single network and each member of an ensemble
(:mod:`glassnet.tabular.ensemble`) are built and trained here: hidden layers,
then a softmax (classification) or one linear output (regression); Adam whose
learning rate warms up for 3 epochs, then follows a cosine down to a
thousandth; early stopping on the validation loss, which keeps the best
epoch's weights.
"""

from __future__ import annotations

from ..callbacks import EarlyStopping, LearningRateScheduler
from ..layers import Dense
from ..network import Network
from ..optimizers import Adam
from ..schedules import warmup_cosine
from .preprocessor import TabularPreprocessor
from .settings import TrainSettings

#: Epochs of the learning rate's warm-up.
WARMUP_EPOCHS = 3


def build_network(
    prep: TabularPreprocessor, settings: TrainSettings, seed: int | None
) -> Network:
    """Return the untrained network: hidden layers, then softmax or one output."""
    layers, n_inputs = [], prep.n_features
    for units in settings.hidden:
        layers.append(Dense(n_inputs, units, settings.activation))
        n_inputs = units
    if prep.task == "classification":
        layers.append(Dense(n_inputs, len(prep.classes), "softmax"))
        loss = "categorical_crossentropy"
    else:
        layers.append(Dense(n_inputs, 1))
        loss = "mse"
    return Network(
        layers,
        loss=loss,
        optimizer=Adam(learning_rate=settings.learning_rate),
        dtype=settings.dtype,
        seed=seed,
    )


def fit_network(
    net: Network,
    X_train,
    y_train,
    validation_data,
    settings: TrainSettings,
    callbacks: list,
    verbose: int,
) -> None:
    """Train ``net`` with the learning-rate plan, and early stopping if validated.

    Parameters
    ----------
    net : Network
    X_train : ndarray of shape (n_samples, n_features)
    y_train : ndarray of shape (n_samples,) or (n_samples, 1)
    validation_data : (X_val, y_val) or None
    settings : TrainSettings
    callbacks : list of Callback
        More callbacks, run before the plan's own.
    verbose : {0, 1, 2}
    """
    plan = [
        LearningRateScheduler(
            warmup_cosine(
                settings.learning_rate,
                settings.epochs,
                max(0, min(WARMUP_EPOCHS, settings.epochs - 1)),
            )
        )
    ]
    if validation_data is not None:
        plan.append(EarlyStopping(patience=settings.patience))
    net.fit(
        X_train,
        y_train,
        epochs=settings.epochs,
        batch_size=settings.batch_size_for(len(X_train)),
        validation_data=validation_data,
        callbacks=[*callbacks, *plan],
        verbose=verbose,
    )


def architecture(net: Network) -> str:
    """Return ``"11 -> 16 -> 8 -> 2 (relu, relu, softmax)"``."""
    activations = [layer.activation.name for layer in net.dense_layers]
    return f"{' -> '.join(map(str, net.widths))} ({', '.join(activations)})"
