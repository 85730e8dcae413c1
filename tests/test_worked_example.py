"""One SGD step of a 3-2-1 sigmoid network, worked out by hand.

Every number below was computed independently of glassnet, with plain Python
floats and ``math.exp``, from the formulas written next to it (as in
scikit-learn's ``test_fit`` for ``MLPClassifier``). The names are those of
:meth:`glassnet.Network.intermediates`: ``l0`` the input, ``l1`` and ``l2`` the
layers' outputs, ``syn0``/``b0`` and ``syn1``/``b1`` the weights and biases of
layers 0 and 1, and ``delta = -dL/dz``.

The network::

    l0 = x                = [1.0, 0.5, -1.0]                      y = 1.0
    syn0 = [[ 0.1,  0.4],   b0 = [0.1, -0.2]     syn1 = [[ 0.3],  b1 = [0.2]
            [-0.2,  0.3],                                [-0.4]]
            [ 0.5, -0.1]]

Loss: half the squared error, ``L = 0.5 * (l2 - y) ** 2`` (one sample, so
``reduction="sum"`` and ``"mean"`` agree). Optimizer: SGD, learning rate 0.5.

Forward pass (sigmoid(z) = 1 / (1 + exp(-z))):

    z1 = l0 @ syn0 + b0
       = [0.1 - 0.1 - 0.5 + 0.1, 0.4 + 0.15 + 0.1 - 0.2]   = [-0.4, 0.45]
    l1 = sigmoid(z1)                 = [0.401312339888, 0.610639233949]
    z2 = l1 @ syn1 + b1
       = 0.3 * 0.401312339888 - 0.4 * 0.610639233949 + 0.2 = 0.0761380083866
    l2 = sigmoid(z2)                 = 0.519025312179
    L  = 0.5 * (0.519025312179 - 1) ** 2                  = 0.115668325162

Backward pass:

    l2_error = y - l2                = 0.480974687821
    l2_delta = l2_error * l2 * (1 - l2)                   = 0.120069577153
    l1_error = l2_delta * syn1.T     = [0.0360208731459, -0.0480278308612]
    l1_delta = l1_error * l1 * (1 - l1)
                                     = [0.0086544018443, -0.0114190471124]

Gradients (dL/dW = -input.T @ delta, dL/db = -delta):

    syn1_grad = -l1.T * l2_delta     = [[-0.0481854029566], [-0.0733191946134]]
    b1_grad   = -l2_delta            = [-0.120069577153]
    syn0_grad = -l0.T @ l1_delta     = [[-0.0086544018443,   0.0114190471124 ],
                                        [-0.00432720092215,  0.00570952355618],
                                        [ 0.0086544018443,  -0.0114190471124 ]]
    b0_grad   = -l1_delta            = [-0.0086544018443, 0.0114190471124]

Update (param -= 0.5 * grad):

    syn1 = [[0.3 + 0.5 * 0.0481854029566], [-0.4 + 0.5 * 0.0733191946134]]
         = [[0.324092701478], [-0.363340402693]]
    b1   = [0.2 + 0.5 * 0.120069577153]                 = [0.260034788577]
    syn0 = [[ 0.104327200922,  0.394290476444 ],
            [-0.197836399539,  0.297145238222 ],
            [ 0.495672799078, -0.0942904764438]]
    b0   = [0.104327200922, -0.205709523556]
"""

import numpy as np
import pytest

from glassnet import SGD, Dense, HalfSquaredError, Network

# The hand values carry 12 significant digits; the step is asserted to 1e-6.
ATOL = 1e-6

X = [[1.0, 0.5, -1.0]]
Y = [[1.0]]

EXPECTED = {
    "l0": [[1.0, 0.5, -1.0]],
    "l1": [[0.401312339888, 0.610639233949]],
    "l2": [[0.519025312179]],
    "l2_error": [[0.480974687821]],
    "l2_delta": [[0.120069577153]],
    "l1_error": [[0.0360208731459, -0.0480278308612]],
    "l1_delta": [[0.0086544018443, -0.0114190471124]],
    "syn1_grad": [[-0.0481854029566], [-0.0733191946134]],
    "b1_grad": [-0.120069577153],
    "syn0_grad": [
        [-0.0086544018443, 0.0114190471124],
        [-0.00432720092215, 0.00570952355618],
        [0.0086544018443, -0.0114190471124],
    ],
    "b0_grad": [-0.0086544018443, 0.0114190471124],
    # After the update:
    "syn1": [[0.324092701478], [-0.363340402693]],
    "b1": [0.260034788577],
    "syn0": [
        [0.104327200922, 0.394290476444],
        [-0.197836399539, 0.297145238222],
        [0.495672799078, -0.0942904764438],
    ],
    "b0": [0.104327200922, -0.205709523556],
}
EXPECTED_LOSS = 0.115668325162


def _hand_built_network(reduction):
    net = Network(
        [Dense(3, 2, "sigmoid"), Dense(2, 1, "sigmoid")],
        loss=HalfSquaredError(reduction=reduction),
        optimizer=SGD(learning_rate=0.5),
    )
    net.layers[0].params["weights"][...] = [[0.1, 0.4], [-0.2, 0.3], [0.5, -0.1]]
    net.layers[0].params["biases"][...] = [0.1, -0.2]
    net.layers[1].params["weights"][...] = [[0.3], [-0.4]]
    net.layers[1].params["biases"][...] = [0.2]
    return net


@pytest.fixture(params=["sum", "mean"])
def stepped_network(request):
    net = _hand_built_network(request.param)
    loss = net.train_step(X, Y)
    return net, loss


def test_step_returns_the_loss_before_the_update(stepped_network):
    net, loss = stepped_network
    assert loss == pytest.approx(EXPECTED_LOSS, abs=ATOL)
    assert net.intermediates()["loss"] == pytest.approx(EXPECTED_LOSS, abs=ATOL)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_intermediate_matches_the_hand_computed_value(stepped_network, name):
    net, _ = stepped_network
    np.testing.assert_allclose(
        net.intermediates()[name], EXPECTED[name], rtol=0, atol=ATOL
    )


def test_updated_parameters_match_the_hand_computed_values(stepped_network):
    net, _ = stepped_network
    parameters = net.named_parameters()
    for name, key in [
        ("layers.0.weights", "syn0"),
        ("layers.0.biases", "b0"),
        ("layers.1.weights", "syn1"),
        ("layers.1.biases", "b1"),
    ]:
        np.testing.assert_allclose(
            parameters[name], EXPECTED[key], rtol=0, atol=ATOL, err_msg=name
        )


def test_predictions_after_the_step_use_the_updated_weights(stepped_network):
    net, _ = stepped_network
    # By hand, from the updated weights above, the same formulas:
    #   z1 = l0 @ syn0 + b0 = [-0.385936597003, 0.431444048442]
    #   l1 = sigmoid(z1)    = [0.404695863753, 0.606218441095]
    #   z2 = l1 @ syn1 + b1 = 0.17093011183
    #   l2 = sigmoid(z2)    = 0.542628787656 (up from 0.519025312179, towards y = 1)
    np.testing.assert_allclose(net.predict(X), [[0.542628787656]], rtol=0, atol=ATOL)
