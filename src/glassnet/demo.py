"""``glassnet demo``: the pet-shop network learns, then predicts new customers."""

from __future__ import annotations

import sys
from typing import TextIO

import numpy as np

from . import tutorials
from .network import Network


def _yes_no(answers) -> str:
    return "  ".join(f"{'yes' if answer else 'no':>4}" for answer in answers)


def run(file: TextIO | None = None) -> Network:
    """Train the pet-shop 3-4-1 network and print its predictions.

    Prints the mean absolute error every 10,000 of its 60,000 iterations, the
    probability of buying cat litter for each of the four customers it learned
    from, and for four new surveys "from the veterinarian" it never saw.

    Returns
    -------
    Network
        The trained network.
    """
    file = file if file is not None else sys.stdout
    say = lambda text="": print(text, file=file)  # noqa: E731
    say("glassnet demo: the pet-shop survey")
    say("Four customers answered three questions; did they buy the cat litter?")
    for number, question in enumerate(tutorials.PET_SHOP_QUESTIONS, start=1):
        say(f"  Q{number}. {question}")
    say()
    say("Training a 3-4-1 sigmoid network for 60,000 iterations (full batch):")
    net = tutorials.tutorial_network([3, 4, 1])

    def report(network, epoch):
        error = np.mean(np.abs(network.intermediates()["l2_error"]))
        say(f"  iteration {epoch:>6,}  mean absolute error {error:.6f}")

    net.fit(
        tutorials.PET_SHOP_X,
        tutorials.PET_SHOP_Y,
        epochs=60_000,
        callbacks=[tutorials._every(10_000, report)],
    )
    header = "    Q1    Q2    Q3"
    say()
    say("The customers it learned from:")
    say(f"{header}   bought   P(buys)")
    bought = tutorials.PET_SHOP_Y.ravel()
    for answers, did_buy, prob in zip(
        tutorials.PET_SHOP_X,
        bought,
        net.predict(tutorials.PET_SHOP_X).ravel(),
        strict=True,
    ):
        say(f"  {_yes_no(answers)}   {'yes' if did_buy else 'no':>6}   {prob:7.3f}")
    say()
    say("New surveys from the veterinarian (never seen in training):")
    say(f"{header}   P(buys)")
    for answers, prob in zip(
        tutorials.VET_SURVEYS, net.predict(tutorials.VET_SURVEYS).ravel(), strict=True
    ):
        say(f"  {_yes_no(answers)}   {prob:7.3f}")
    say()
    say("It learned an XOR: customers buy if they have a cat or drink imported beer,")
    say("but not both. Every veterinarian's survey answers 'no' to Q3, which no")
    say("customer did, so the network is less sure about them.")
    say("Every matrix of this run: glassnet tutorial pet-shop (and tutorial --list)")
    return net
