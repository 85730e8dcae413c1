"""The seed tutorials, rebuilt from engine parts, printing what they printed.

Each tutorial builds its network from :class:`~glassnet.Dense` layers (sigmoid,
no bias, the tutorials' ``2 * random(shape) - 1`` weights drawn from a legacy
``RandomState(1)`` in their order), trains it with :meth:`~glassnet.Network.fit`
(full batch, :class:`~glassnet.SGD` with step 1 on half the sum of squared
errors, which is exactly their update), and prints with a callback. Their
output is reproduced digit for digit: floats as Python 2 printed them
(``'%.12g'``), arrays in NumPy's pre-1.14 style.

How the tutorials' names map to glassnet (``net`` is the tutorial's network,
``steps = net.intermediates()`` after training):

================================  ================================================
tutorial                          glassnet
================================  ================================================
``np.random.seed(1)``,            ``Dense(..., init="tutorial",``
``2*np.random.random(s) - 1``     ``rng=np.random.RandomState(1))``, layers in order
``syn0``, ``syn1``                ``net.layers[0].params["weights"]``, ``[1]...``
``nonlin(x)``                     ``Sigmoid().forward(x)``
``nonlin(l1, deriv=True)``        ``Sigmoid.backward``, from its cached outputs
``l0``, ``l1``, ``l2``            ``steps["l0"]`` (= X), ``steps["l1"]`` ... (also
                                  ``net.layers[k].outputs``)
``l2_error = y - l2``             ``steps["l2_error"]``
``l2_delta``                      ``steps["l2_delta"]`` =
                                  ``-net.layers[1].grad_preactivations``
``l1_error = l2_delta @ syn1.T``  ``steps["l1_error"]``
``l1_delta``                      ``steps["l1_delta"]``
``syn1 += l1.T.dot(l2_delta)``    ``SGD(learning_rate=1.0)``: ``weights -= grads``,
                                  with ``grads = l1.T @ -l2_delta`` (``"syn1_grad"``)
the error, ``0.5*sum(...**2)``    ``HalfSquaredError(reduction="sum")``
``for j in range(60000)``         ``net.fit(X, y, epochs=60000)`` (full batch)
``think(x)`` / ``predict(x)``     ``net.predict(x)``
================================  ================================================
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from typing import TextIO

import numpy as np

from .callbacks import LambdaCallback
from .layers import Dense
from .losses import HalfSquaredError
from .network import Network
from .optimizers import SGD

#: Trask's inputs; the "program that actually learns" uses them too.
TRASK_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
#: Milo Harper's inputs: Trask's rows reordered.
MILO_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
MILO_Y = np.array([[0, 1, 1, 0]]).T
#: The pet-shop survey: has a cat, drinks imported beer, visited the website.
PET_SHOP_X = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]])
#: Did the customer buy the cat litter?
PET_SHOP_Y = np.array([[1], [1], [0], [0]])
PET_SHOP_QUESTIONS = (
    "Do you have a cat?",
    "Do you drink imported beer?",
    "Have you visited our website?",
)
#: Surveys "from the veterinarian": the four answer patterns no customer gave.
VET_SURVEYS = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]])


def tutorial_network(widths: list[int], seed: int = 1) -> Network:
    """Build the tutorials' network: sigmoid layers without biases, step-1 SGD.

    Parameters
    ----------
    widths : list of int
        Layer widths from inputs to outputs, such as ``[3, 4, 1]``.
    seed : int, default=1
        Seed of the legacy ``RandomState`` the weights are drawn from, in order.

    Returns
    -------
    Network
        Trained by ``fit`` exactly as the tutorials' loops train theirs.
    """
    rng = np.random.RandomState(seed)
    layers = [
        Dense(n_in, n_out, "sigmoid", use_bias=False, init="tutorial", rng=rng)
        for n_in, n_out in itertools.pairwise(widths)
    ]
    return Network(
        layers, loss=HalfSquaredError(reduction="sum"), optimizer=SGD(learning_rate=1.0)
    )


def py2_format(value) -> str:
    """Format a float or an array as the tutorials' Python 2 and old NumPy did."""
    if isinstance(value, np.ndarray):
        with np.printoptions(legacy="1.13"):
            return str(value)
    return f"{value:.12g}"


def _every(n_epochs: int, report: Callable) -> LambdaCallback:
    """Call ``report(network, epoch)`` after epochs 0, n, 2n..., like ``j % n == 0``."""

    def on_epoch_end(network, epoch, logs):
        if epoch % n_epochs == 0:
            report(network, epoch)

    return LambdaCallback(on_epoch_end=on_epoch_end)


def trask_2layer(file: TextIO) -> Network:
    """Trask part 1: one layer of synapses learns that the output is the first input."""
    net = tutorial_network([3, 1])
    net.fit(TRASK_X, np.array([[0, 0, 1, 1]]).T, epochs=10_000)
    print("Output After Training:", file=file)
    print(py2_format(net.intermediates()["l1"]), file=file)
    return net


def trask_3layer(file: TextIO) -> Network:
    """Trask's "slightly harder problem" (XOR of the first two inputs): a 3-4-1 net."""
    net = tutorial_network([3, 4, 1])

    def report(network, epoch):
        error = np.mean(np.abs(network.intermediates()["l2_error"]))
        print("Error:" + py2_format(error), file=file)

    net.fit(
        TRASK_X,
        np.array([[0, 1, 1, 0]]).T,
        epochs=60_000,
        callbacks=[_every(10_000, report)],
    )
    return net


def _single_neuron(file: TextIO, iterations: int, titles: tuple[str, str, str]):
    """One sigmoid neuron on Milo Harper's data: weights before, after, a prediction."""
    net = tutorial_network([3, 1])
    print(titles[0], file=file)
    print(py2_format(net.layers[0].params["weights"]), file=file)
    net.fit(MILO_X, MILO_Y, epochs=iterations)
    print(titles[1], file=file)
    print(py2_format(net.layers[0].params["weights"]), file=file)
    print(titles[2], file=file)
    print(py2_format(net.predict([[1, 0, 0]])[0]), file=file)
    return net


def milo_neuron(file: TextIO, iterations: int = 10_000) -> Network:
    """Milo Harper's single neuron, and its answer for the new situation [1, 0, 0]."""
    return _single_neuron(
        file,
        iterations,
        (
            "Random starting synaptic weights:",
            "New synaptic weights after training:",
            "Considering new situation [1, 0, 0] -> ?:",
        ),
    )


def perceptron(file: TextIO) -> Network:
    """Marko Jerkic's perceptron class, on Milo Harper's data (it publishes none)."""
    return _single_neuron(
        file,
        10_000,
        (
            "Random starting weights:",
            "Weights after training:",
            "Prediction for the new input [1, 0, 0]:",
        ),
    )


def actually_learns(file: TextIO) -> Network:
    """ "Building a program that actually learns": watch l1 move every 2,000 steps.

    The seed shows its output only as a screenshot; this prints what it
    describes: the iteration, the layer-1 values and the mean squared error.
    """
    net = tutorial_network([3, 1])

    def report(network, epoch):
        steps = network.intermediates()
        print(f"Iteration {epoch}", file=file)
        print("l1:", file=file)
        print(py2_format(steps["l1"]), file=file)
        error = np.mean(np.square(steps["l1_error"]))
        print("Mean squared error: " + py2_format(error), file=file)

    net.fit(
        TRASK_X,
        np.array([[0, 0, 1, 1]]).T,
        epochs=10_000,
        callbacks=[_every(2_000, report)],
    )
    print("Output After Training:", file=file)
    print(py2_format(net.intermediates()["l1"]), file=file)
    return net


def pet_shop(file: TextIO) -> Network:
    """The pet-shop survey: will a customer buy cat litter? (3-4-1, seed's wording)."""
    net = tutorial_network([3, 4, 1])

    def report(network, epoch):
        error = np.sum(np.abs(network.intermediates()["l2_error"]) / 2)
        print(
            "Total error after 10,000 additional tries: " + py2_format(error), file=file
        )

    net.fit(PET_SHOP_X, PET_SHOP_Y, epochs=60_000, callbacks=[_every(10_000, report)])
    print("Our error value y-l2 after 60,000 attempts: ", file=file)
    print(py2_format(net.intermediates()["l2"]), file=file)
    return net


#: Every tutorial by name: (function, one-line description).
TUTORIALS: dict[str, tuple[Callable[[TextIO], Network], str]] = {
    "trask-2layer": (trask_2layer, "Trask, 11 lines part 1: a 2-layer network (3-1)"),
    "trask-3layer": (
        trask_3layer,
        "Trask, a slightly harder problem: a 3-layer network (3-4-1)",
    ),
    "milo-neuron": (
        milo_neuron,
        "Milo Harper's single neuron and the new situation [1, 0, 0]",
    ),
    "perceptron": (
        perceptron,
        "Marko Jerkic's perceptron class, on Milo Harper's data",
    ),
    "actually-learns": (
        actually_learns,
        "A program that actually learns: l1 every 2,000 steps",
    ),
    "pet-shop": (pet_shop, "Building a working brain: the pet-shop survey (3-4-1)"),
}


def run(name: str, *, file: TextIO | None = None) -> Network:
    """Run the tutorial ``name``, printing its output; return the trained network.

    Parameters
    ----------
    name : str
        One of :data:`TUTORIALS`: ``"trask-2layer"``, ``"trask-3layer"``,
        ``"milo-neuron"``, ``"perceptron"``, ``"actually-learns"``, ``"pet-shop"``.
    file : text stream, default=sys.stdout

    Raises
    ------
    ValueError
        If there is no tutorial of that name.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> net = run("trask-2layer", file=out)
    >>> print(out.getvalue(), end="")
    Output After Training:
    [[ 0.00966449]
     [ 0.00786506]
     [ 0.99358898]
     [ 0.99211957]]
    """
    if name not in TUTORIALS:
        raise ValueError(
            f"unknown tutorial {name!r}; expected one of {sorted(TUTORIALS)}"
        )
    return TUTORIALS[name][0](file if file is not None else sys.stdout)
