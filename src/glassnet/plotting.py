"""Plots of a training run with matplotlib (``pip install "glassnet[plot]"``)."""

from __future__ import annotations

from ._files import atomic_file, check_writable


def require_matplotlib() -> None:
    """Raise a one-line ValueError saying how to install matplotlib if it is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ValueError(
            "plotting needs matplotlib: pip install 'glassnet[plot]'"
        ) from None


def plot_losses(history, path) -> None:
    """Write a PNG of the training and validation loss per epoch to ``path``.

    Parameters
    ----------
    history : History
        ``network.history``.
    path : str or path-like
        Where to write the image; written to a temporary file first, then renamed.

    Raises
    ------
    ValueError
        If the history is empty, or matplotlib is not installed (the message says
        how to install it).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        raise ValueError(
            "plotting needs matplotlib: pip install 'glassnet[plot]'"
        ) from None
    if not history.records:
        raise ValueError("the history is empty: train the network before plotting")
    epochs = [record["epoch"] + 1 for record in history.records]
    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    try:
        axes.plot(epochs, history.loss, label="training loss", color="#2563eb")
        validation = [
            (epoch, value)
            for epoch, value in zip(epochs, history.val_loss, strict=True)
            if value is not None
        ]
        if validation:
            axes.plot(
                *zip(*validation, strict=True), label="validation loss", color="#ea580c"
            )
        values = [v for v in history.loss + [v for _, v in validation] if v is not None]
        if min(values) > 0 and max(values) / min(values) > 100:
            axes.set_yscale("log")  # losses that fall by decades
        if history.best_epoch is not None:
            axes.axvline(
                history.best_epoch + 1,
                color="#0f172a",
                linestyle="--",
                label="best epoch",
            )
        axes.set_xlabel("epoch")
        axes.set_ylabel("loss")
        axes.legend()
        figure.tight_layout()
        check_writable(path)
        with atomic_file(path) as file:
            figure.savefig(file, format="png")
    finally:
        plt.close(figure)
