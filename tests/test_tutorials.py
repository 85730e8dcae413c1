"""The tutorials against their published numbers and against their own loops.

Three kinds of truth, none of them glassnet's own output:
- the numbers the tutorials publish (REFERENCE.md), digit for digit as printed;
- the numbers REFERENCE.md computed by running the tutorials' code, to 1e-8;
- the tutorials' loops, written out here as they wrote them, compared bit for bit.
"""

import io

import numpy as np
import pytest

from glassnet import tutorials

# -- the tutorials' own code, written out -------------------------------------


def nonlin(x, deriv=False):
    if deriv:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


def py2(value):
    """Print as the tutorials' Python 2 did: '%.12g' floats, pre-1.14 arrays."""
    if isinstance(value, np.ndarray):
        with np.printoptions(legacy="1.13"):
            return str(value)
    return "%.12g" % value  # noqa: UP031 - the very format Python 2 used


X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])


def raw_two_layer(X, y, iterations, report=None):
    """Trask part 1 (and "a program that actually learns"), as written."""
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 1)) - 1
    lines = []
    for j in range(iterations):
        l0 = X
        l1 = nonlin(np.dot(l0, syn0))
        l1_error = y - l1
        if report and j % report == 0:
            lines += [f"Iteration {j}", "l1:", *py2(l1).splitlines()]
            lines.append("Mean squared error: " + py2(np.mean(np.square(l1_error))))
        l1_delta = l1_error * nonlin(l1, True)
        syn0 += np.dot(l0.T, l1_delta)
    return syn0, l1, lines


def raw_three_layer(X, y, iterations, error_line):
    """Trask's 3-layer network (and the pet-shop survey), as written."""
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    lines = []
    for j in range(iterations):
        l0 = X
        l1 = nonlin(np.dot(l0, syn0))
        l2 = nonlin(np.dot(l1, syn1))
        l2_error = y - l2
        if j % 10000 == 0:
            lines.append(error_line(l2_error))
        l2_delta = l2_error * nonlin(l2, deriv=True)
        l1_error = l2_delta.dot(syn1.T)
        l1_delta = l1_error * nonlin(l1, deriv=True)
        syn1 += l1.T.dot(l2_delta)
        syn0 += l0.T.dot(l1_delta)
    return syn0, syn1, l2, lines


class MiloNeuralNetwork:
    """Milo Harper's class (and, but for names, Marko Jerkic's perceptron)."""

    def __init__(self):
        np.random.seed(1)
        self.synaptic_weights = 2 * np.random.random((3, 1)) - 1

    def __sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def __sigmoid_derivative(self, x):
        return x * (1 - x)

    def train(self, inputs, outputs, iterations):
        for _ in range(iterations):
            output = self.think(inputs)
            error = outputs - output
            adjustment = np.dot(inputs.T, error * self.__sigmoid_derivative(output))
            self.synaptic_weights += adjustment

    def think(self, inputs):
        return self.__sigmoid(np.dot(inputs, self.synaptic_weights))


def run(name, **kwargs):
    out = io.StringIO()
    net = tutorials.TUTORIALS[name][0](out, **kwargs)
    return net, out.getvalue().splitlines()


def weights(net, index=0):
    return net.layers[index].params["weights"]


# -- published numbers ----------------------------------------------------------


def test_trask_two_layer_prints_published_output():
    net, lines = run("trask-2layer")
    assert lines == [
        "Output After Training:",
        "[[ 0.00966449]",
        " [ 0.00786506]",
        " [ 0.99358898]",
        " [ 0.99211957]]",
    ]
    np.testing.assert_allclose(
        weights(net).ravel(), [9.67299303, -0.2078435, -4.62963669], atol=1e-8
    )


def test_trask_three_layer_prints_the_six_published_error_lines():
    net, lines = run("trask-3layer")
    assert lines == [
        "Error:0.496410031903",
        "Error:0.00858452565325",
        "Error:0.00578945986251",
        "Error:0.00462917677677",
        "Error:0.00395876528027",
        "Error:0.00351012256786",
    ]
    final_syn0 = [
        [4.6013571, 4.17197193, -6.30956245, -4.19745118],
        [-2.58413484, -5.81447929, -6.60793435, -3.68396123],
        [0.97538679, -2.02685775, 2.52949751, 5.84371739],
    ]
    final_syn1 = [[-6.96765763], [7.14101949], [-10.31917382], [7.86128405]]
    np.testing.assert_allclose(weights(net, 0), final_syn0, atol=1e-8)
    np.testing.assert_allclose(weights(net, 1), final_syn1, atol=1e-8)
    np.testing.assert_allclose(
        net.intermediates()["l2"].ravel(),
        [0.00260572, 0.99672209, 0.99701711, 0.00386759],
        atol=1e-8,
    )


def test_tutorial_initial_weights_are_the_legacy_draws():
    net = tutorials.tutorial_network([3, 4, 1])
    syn0 = [
        [-0.16595599, 0.44064899, -0.99977125, -0.39533485],
        [-0.70648822, -0.81532281, -0.62747958, -0.30887855],
        [-0.20646505, 0.07763347, -0.16161097, 0.370439],
    ]
    syn1 = [[-0.5910955], [0.75623487], [-0.94522481], [0.34093502]]
    np.testing.assert_allclose(weights(net, 0), syn0, atol=1e-8)
    np.testing.assert_allclose(weights(net, 1), syn1, atol=1e-8)
    np.testing.assert_allclose(
        weights(tutorials.tutorial_network([3, 1])).ravel(),
        [-0.16595599, 0.44064899, -0.99977125],
        atol=1e-8,
    )


# Milo Harper's published text lost the leading space of NumPy's continuation
# lines in copying; his program printed them, so lines are compared stripped.
MILO_PUBLISHED = """\
Random starting synaptic weights:
[[-0.16595599]
[ 0.44064899]
[-0.99977125]]
New synaptic weights after training:
[[ 9.67299303]
[-0.2078435 ]
[-4.62963669]]
Considering new situation [1, 0, 0] -> ?:
[ 0.99993704]"""


def test_milo_neuron_prints_published_output():
    _, lines = run("milo-neuron")
    assert [line.strip() for line in lines] == MILO_PUBLISHED.splitlines()


@pytest.mark.parametrize(
    ("iterations", "expected"),
    [
        (1, 0.53002734),
        (10, 0.84820304),
        (100, 0.99025576),
        (1_000, 0.99929937),
        (10_000, 0.99993704),
        pytest.param(1_000_000, 0.9999994, marks=pytest.mark.slow),
    ],
)
def test_milo_neuron_new_situation_after_n_iterations(iterations, expected):
    net, _ = run("milo-neuron", iterations=iterations)
    assert net.predict([[1, 0, 0]])[0, 0] == pytest.approx(expected, abs=1e-8)


def test_perceptron_agrees_with_milo_harper():
    perceptron, lines = run("perceptron")
    milo, _ = run("milo-neuron")
    assert np.array_equal(weights(perceptron), weights(milo))
    assert lines[-1] == "[ 0.99993704]"


def test_pet_shop_prints_computed_error_lines_and_final_l2():
    net, lines = run("pet-shop")
    prefix = "Total error after 10,000 additional tries: "
    assert lines[:6] == [
        prefix + value
        for value in (
            "0.992820063805",
            "0.0171690513065",
            "0.011578919725",
            "0.00925835355354",
            "0.00791753056055",
            "0.00702024513572",
        )
    ]
    np.testing.assert_allclose(
        net.intermediates()["l2"].ravel(),
        [0.99701711, 0.99672209, 0.00260572, 0.00386759],
        atol=1e-8,
    )


# -- bit for bit against the tutorials' own loops -----------------------------


def test_trask_two_layer_is_its_loop_bit_for_bit():
    syn0, l1, _ = raw_two_layer(X, np.array([[0, 0, 1, 1]]).T, 10_000)
    net, lines = run("trask-2layer")
    assert np.array_equal(weights(net), syn0)
    assert np.array_equal(net.intermediates()["l1"], l1)
    assert lines[1:] == py2(l1).splitlines()


def test_trask_three_layer_is_its_loop_bit_for_bit():
    syn0, syn1, l2, lines = raw_three_layer(
        X,
        np.array([[0, 1, 1, 0]]).T,
        60_000,
        lambda error: "Error:" + py2(np.mean(np.abs(error))),
    )
    net, printed = run("trask-3layer")
    assert np.array_equal(weights(net, 0), syn0)
    assert np.array_equal(weights(net, 1), syn1)
    assert np.array_equal(net.intermediates()["l2"], l2)
    assert printed == lines


def test_pet_shop_is_its_loop_bit_for_bit():
    syn0, syn1, l2, lines = raw_three_layer(
        tutorials.PET_SHOP_X,
        tutorials.PET_SHOP_Y,
        60_000,
        lambda error: (
            "Total error after 10,000 additional tries: "
            + py2(np.sum(np.abs(error) / 2))
        ),
    )
    net, printed = run("pet-shop")
    assert np.array_equal(weights(net, 0), syn0)
    assert np.array_equal(weights(net, 1), syn1)
    assert printed[:6] == lines
    assert printed[7:] == py2(l2).splitlines()


def test_milo_neuron_is_his_class_bit_for_bit():
    milo = MiloNeuralNetwork()
    start = milo.synaptic_weights.copy()
    milo.train(tutorials.MILO_X, tutorials.MILO_Y, 10_000)
    net, lines = run("milo-neuron")
    new_situation = milo.think(np.array([1, 0, 0]))
    assert np.array_equal(weights(net), milo.synaptic_weights)
    assert lines == [
        "Random starting synaptic weights:",
        *py2(start).splitlines(),
        "New synaptic weights after training:",
        *py2(milo.synaptic_weights).splitlines(),
        "Considering new situation [1, 0, 0] -> ?:",
        py2(new_situation),
    ]


def test_program_that_actually_learns_is_its_loop_bit_for_bit():
    syn0, l1, lines = raw_two_layer(X, np.array([[0, 0, 1, 1]]).T, 10_000, report=2000)
    net, printed = run("actually-learns")
    assert np.array_equal(weights(net), syn0)
    assert printed == [*lines, "Output After Training:", *py2(l1).splitlines()]
    # The learner sees the outputs move from their first to their last values.
    assert printed[0] == "Iteration 0" and "Iteration 8000" in printed


def test_intermediates_are_the_tutorials_matrices_of_one_step():
    """After one step, every named matrix equals the tutorial's, bit for bit."""
    y = np.array([[0, 1, 1, 0]]).T
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    l0 = X
    l1 = nonlin(np.dot(l0, syn0))
    l2 = nonlin(np.dot(l1, syn1))
    l2_error = y - l2
    l2_delta = l2_error * nonlin(l2, deriv=True)
    l1_error = l2_delta.dot(syn1.T)
    l1_delta = l1_error * nonlin(l1, deriv=True)
    syn1 += l1.T.dot(l2_delta)
    syn0 += l0.T.dot(l1_delta)

    net = tutorials.tutorial_network([3, 4, 1])
    net.train_step(X, y)
    steps = net.intermediates()
    expected = {
        "l0": l0,
        "l1": l1,
        "l2": l2,
        "l2_error": l2_error,
        "l2_delta": l2_delta,
        "l1_error": l1_error,
        "l1_delta": l1_delta,
        "syn0": syn0,
        "syn1": syn1,
    }
    for name, value in expected.items():
        assert np.array_equal(steps[name], value), name
    assert np.array_equal(steps["syn1_grad"], -l1.T.dot(l2_delta))
    assert steps["loss"] == pytest.approx(0.5 * np.sum(l2_error**2), rel=1e-15)


def test_run_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown tutorial 'nope'; expected one of"):
        tutorials.run("nope")


def test_every_tutorial_runs_and_is_listed():
    assert sorted(tutorials.TUTORIALS) == [
        "actually-learns",
        "milo-neuron",
        "perceptron",
        "pet-shop",
        "trask-2layer",
        "trask-3layer",
    ]
