"""glassnet's benchmarks: ``python -m benchmarks`` from the repository root.

Every benchmark runs each contender in the same process, alternating them round by
round (the machine's speed drifts from minute to minute, so only runs measured
side by side are compared), and reports medians and the ratio glassnet / other.
``python -m benchmarks --help`` lists the options; ``--smoke`` runs all of them
in seconds on tiny synthetic data, which is what CI does.

Modules
-------
_common
    Timing, interleaving, thread limits, machine facts, tables and JSON.
bench_tutorial
    Trask's 3-layer network: glassnet's parts against the raw tutorial loop.
bench_mnist
    Fashion-MNIST-shaped training: seconds per epoch, GFLOP/s, test accuracy.
bench_predict
    ``predict_proba`` on 60,000 rows.
bench_accuracy
    Test accuracy against scikit-learn's ``MLPClassifier`` on its bundled datasets.
"""
