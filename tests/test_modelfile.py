"""Model files: exact round trips, resumed training, atomic saves, hostile files.

The hostile-file tests check one promise: whatever the bytes, ``load`` raises
``ModelFileError`` with a one-line message (or returns the very network that
was saved), never another exception, never runs code from the file, and never
allocates what a forged header claims.
"""

import doctest
import importlib
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile
from io import BytesIO

import numpy as np
import pytest
from conftest import build_big_network, load_under_memory_cap, save_forever_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.lib import format as npy_format

import glassnet
import glassnet.modelfile
from glassnet import SGD, Adam, Dense, History, Network
from glassnet.layers import Dropout
from glassnet.modelfile import FORMAT_VERSION, MAX_HEADER_BYTES, ModelFileError

POSIX = os.name == "posix"
TEMPORARY_NAME = re.compile(r"^\.model\.npz\.[0-9a-f]{12}\.tmp$")


# -- helpers ----------------------------------------------------------------


def make_data(n_samples=40, n_inputs=5, n_classes=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_inputs))
    y = rng.integers(0, n_classes, size=n_samples)
    return X, y


def make_network(
    *, dtype="float64", use_bias=True, dropout=True, optimizer="adam", seed=0
):
    layers = [Dense(5, 7, "tanh", use_bias=use_bias)]
    if dropout:
        layers.append(Dropout(0.25))
    layers.append(Dense(7, 3, "softmax", use_bias=use_bias))
    if optimizer == "adam":
        optimizer = Adam(learning_rate=0.01)
    elif optimizer == "sgd_momentum":
        optimizer = SGD(learning_rate=0.05, momentum=0.9)
    else:
        optimizer = SGD(learning_rate=0.05)
    return Network(
        layers,
        loss="categorical_crossentropy",
        optimizer=optimizer,
        dtype=dtype,
        seed=seed,
    )


def trained_network(**options):
    network = make_network(**options)
    X, y = make_data()
    network.fit(X, y, epochs=2, batch_size=8)
    network.metadata = {"preprocessing": {"mean": [0.5, -1.25], "scale": [2.0, 0.1]}}
    return network


def assert_same_network(expected, found):
    """Assert that ``found`` is ``expected`` in every saved respect, bit for bit."""
    assert found.get_config() == expected.get_config()
    assert found.dtype == expected.dtype
    assert found.seed == expected.seed
    expected_params, found_params = expected.state_dict(), found.state_dict()
    assert list(found_params) == list(expected_params)
    for name, value in expected_params.items():
        assert found_params[name].dtype == value.dtype, name
        assert np.array_equal(found_params[name], value), name
    assert found.optimizer.n_steps == expected.optimizer.n_steps
    assert found.optimizer.learning_rate == expected.optimizer.learning_rate
    assert found.optimizer.state.keys() == expected.optimizer.state.keys()
    for name, slots in expected.optimizer.state.items():
        assert found.optimizer.state[name].keys() == slots.keys()
        for slot, value in slots.items():
            found_value = found.optimizer.state[name][slot]
            assert found_value.dtype == value.dtype, (name, slot)
            assert np.array_equal(found_value, value), (name, slot)
    assert found.rng.bit_generator.state == expected.rng.bit_generator.state
    for expected_layer, found_layer in zip(expected.layers, found.layers, strict=True):
        if isinstance(expected_layer, Dropout):
            assert (
                found_layer.rng.bit_generator.state
                == expected_layer.rng.bit_generator.state
            )
            # A network built with seed= shares its generator with Dropout.
            assert (found_layer.rng is found.rng) == (
                expected_layer.rng is expected.rng
            )
    assert found.history.to_dict() == expected.history.to_dict()
    assert found.epochs_trained == expected.epochs_trained
    assert found.metadata == expected.metadata
    X, _ = make_data(n_inputs=expected.n_inputs)
    assert np.array_equal(found.forward(X), expected.forward(X))
    assert np.array_equal(found.predict(X), expected.predict(X))


def save_and_load(network, directory):
    path = directory / "model.npz"
    glassnet.modelfile.save(network, path)
    return glassnet.modelfile.load(path)


def npy_bytes(array, allow_pickle=False):
    buffer = BytesIO()
    npy_format.write_array(buffer, np.asanyarray(array), allow_pickle=allow_pickle)
    return buffer.getvalue()


def raw_npy(descr, shape, data=b"", fortran_order=False, version=(1, 0)):
    """Return .npy bytes with any header at all, followed by ``data``."""
    buffer = BytesIO()
    header = {"descr": descr, "fortran_order": fortran_order, "shape": shape}
    if version == (1, 0):
        npy_format.write_array_header_1_0(buffer, header)
    else:
        npy_format.write_array_header_2_0(buffer, header)
    return buffer.getvalue() + data


def header_npy(header) -> bytes:
    text = header if isinstance(header, str | bytes) else json.dumps(header)
    encoded = text if isinstance(text, bytes) else text.encode("utf-8")
    return npy_bytes(np.frombuffer(encoded, dtype=np.uint8))


def read_members(data: bytes) -> dict:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def read_header(members: dict) -> dict:
    array = np.load(BytesIO(members["header.npy"]), allow_pickle=False)
    return json.loads(array.tobytes().decode("utf-8"))


def zip_bytes(members, compression=zipfile.ZIP_STORED) -> bytes:
    """Return a zip of ``members`` (a dict, or (name, bytes) pairs for duplicates)."""
    items = members.items() if isinstance(members, dict) else members
    buffer = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return buffer.getvalue()


def load_bytes(data: bytes, path):
    path.write_bytes(data)
    return glassnet.modelfile.load(path)


def assert_refused(data: bytes, path, *fragments):
    """Assert that loading ``data`` raises ModelFileError with a one-line message."""
    with pytest.raises(ModelFileError) as caught:
        load_bytes(data, path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    return message


def load_or_refuse(data: bytes, path):
    """Return the loaded network, or None if it raised ModelFileError (one line)."""
    try:
        return load_bytes(data, path)
    except ModelFileError as error:
        message = str(error)
        assert "\n" not in message
        assert str(path) in message
        return None


# -- round trips ------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum"])
@pytest.mark.parametrize("dropout", [True, False], ids=["dropout", "no_dropout"])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_bit_identical(tmp_path, dtype, use_bias, dropout, optimizer):
    network = trained_network(
        dtype=dtype, use_bias=use_bias, dropout=dropout, optimizer=optimizer
    )
    assert network.optimizer.state  # the test is about state that exists
    loaded = save_and_load(network, tmp_path)
    assert_same_network(network, loaded)
    assert isinstance(loaded.optimizer, type(network.optimizer))


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "sgd_momentum"])
def test_untrained_network_round_trips(tmp_path, optimizer):
    network = make_network(optimizer=optimizer, seed=None)
    loaded = save_and_load(network, tmp_path)
    assert_same_network(network, loaded)
    assert loaded.optimizer.state == {}
    assert loaded.optimizer.n_steps == 0
    assert loaded.epochs_trained == 0


def test_history_and_metadata_round_trip(tmp_path):
    network = trained_network()
    network.history = History.from_dict(
        {
            "records": [
                {"epoch": 0, "loss": 0.1, "val_loss": None, "accuracy": 1 / 3},
                {"epoch": 1, "loss": 5e-324, "val_loss": 1e308, "accuracy": 0.5},
            ],
            "stop_reason": "early_stopping",
            "best_epoch": 1,
        }
    )
    network.metadata = {
        "preprocessing": {"columns": ["größe", "日本", ""], "mean": [0.1, -2.5]},
        "flags": [True, False, None],
        "big": 2**100,
        "nested": {"a": [{"b": [[]]}], "c": {}},
    }
    loaded = save_and_load(network, tmp_path)
    assert loaded.history.to_dict() == network.history.to_dict()
    assert loaded.history.stop_reason == "early_stopping"
    assert loaded.history.best_epoch == 1
    assert loaded.epochs_trained == 2
    assert loaded.metadata == network.metadata


def test_numpy_values_in_metadata_are_saved_as_plain_numbers(tmp_path):
    network = make_network()
    network.metadata = {"mean": np.array([1.5, 2.0]), "n": np.int64(3)}
    loaded = save_and_load(network, tmp_path)
    assert loaded.metadata == {"mean": [1.5, 2.0], "n": 3}


def test_changed_learning_rate_and_seed_are_kept(tmp_path):
    network = trained_network(seed=12345)
    network.optimizer.learning_rate = 0.00123  # as a schedule would
    loaded = save_and_load(network, tmp_path)
    assert loaded.optimizer.learning_rate == 0.00123
    assert loaded.seed == 12345


@pytest.mark.parametrize("kind", ["PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"])
def test_every_numpy_bit_generator_round_trips(tmp_path, kind):
    network = make_network(seed=None)
    network.rng = np.random.Generator(getattr(np.random, kind)(3))
    network.layers[1].rng = np.random.Generator(getattr(np.random, kind)(4))
    network.rng.random(5)  # a state part-way through a block of output
    loaded = save_and_load(network, tmp_path)
    assert type(loaded.rng.bit_generator) is type(network.rng.bit_generator)
    assert np.array_equal(loaded.rng.random(9), network.rng.random(9))
    assert np.array_equal(
        loaded.layers[1].rng.integers(0, 2**62, 9),
        network.layers[1].rng.integers(0, 2**62, 9),
    )


def test_save_refuses_inconsistent_optimizer_state(tmp_path):
    network = trained_network()
    network.optimizer.state["layers.0.weights"]["m"] = np.zeros(3)
    with pytest.raises(ValueError, match="must be a float64 array of shape"):
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    network.optimizer.state = {"layers.9.weights": {"m": np.zeros(3)}}
    with pytest.raises(ValueError, match="not one of the network's parameters"):
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_saving_is_reproducible(tmp_path):
    network = trained_network()
    glassnet.modelfile.save(network, tmp_path / "a.npz")
    glassnet.modelfile.save(network, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


@pytest.mark.parametrize(
    "module", ["__init__", "writer", "reader", "header", "npy", "layout", "errors"]
)
def test_docstring_examples_of_every_module(module):
    # tests/test_docs.py sees only top-level modules, not the package's own.
    name = "glassnet.modelfile" + ("" if module == "__init__" else f".{module}")
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0


def test_file_is_a_documented_npz(tmp_path):
    network = trained_network()
    path = tmp_path / "model.npz"
    glassnet.modelfile.save(network, path)
    with np.load(path, allow_pickle=False) as arrays:
        names = set(arrays.files)
        header = json.loads(arrays["header"].tobytes().decode("utf-8"))
        weights = arrays["params/layers.0.weights"]
        m = arrays["optimizer/layers.0.weights/m"]
    assert names == {
        "header",
        *(f"params/{name}" for name in network.named_parameters()),
        *(
            f"optimizer/{name}/{slot}"
            for name in network.named_parameters()
            for slot in ("m", "v")
        ),
    }
    assert header["format"] == "glassnet-model"
    assert header["format_version"] == FORMAT_VERSION
    assert header["architecture"] == network.get_config()
    assert header["parameters"]["layers.0.weights"] == [5, 7]
    assert header["optimizer_state"]["n_steps"] == network.optimizer.n_steps
    assert set(header["rng"]) == {"network", "layers.1"}
    assert header["metadata"] == network.metadata
    assert np.array_equal(weights, network.layers[0].params["weights"])
    assert np.array_equal(m, network.optimizer.state["layers.0.weights"]["m"])
    with zipfile.ZipFile(path) as archive:
        assert {info.compress_type for info in archive.infolist()} == {
            zipfile.ZIP_STORED
        }


# -- resuming training ------------------------------------------------------


def make_resumable_network(dtype, optimizer, generators):
    if generators == "shared":  # seed=: Dropout draws from network.rng
        return make_network(dtype=dtype, optimizer=optimizer, seed=7)
    network = Network(
        [Dense(5, 7, "relu", rng=1), Dropout(0.25, rng=2), Dense(7, 3, rng=3)],
        loss="mse",
        optimizer=Adam(0.01) if optimizer == "adam" else SGD(0.05, momentum=0.9),
        dtype=dtype,
    )
    network.rng = np.random.default_rng(4)
    return network


@pytest.mark.parametrize("generators", ["shared", "separate"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_resumed_training_matches_uninterrupted_training(
    tmp_path, dtype, optimizer, generators
):
    X, y = make_data(n_samples=50)
    if generators == "separate":
        y = np.eye(3)[y]
    uninterrupted = make_resumable_network(dtype, optimizer, generators)
    uninterrupted.fit(X, y, epochs=6, batch_size=8)

    first_half = make_resumable_network(dtype, optimizer, generators)
    first_half.fit(X, y, epochs=3, batch_size=8)
    assert (first_half.layers[1].rng is first_half.rng) == (generators == "shared")
    resumed = save_and_load(first_half, tmp_path)
    resumed.fit(X, y, epochs=3, batch_size=8)

    for name, value in uninterrupted.state_dict().items():
        assert np.array_equal(resumed.state_dict()[name], value), name
    assert np.array_equal(resumed.predict(X), uninterrupted.predict(X))
    assert np.array_equal(resumed.forward(X), uninterrupted.forward(X))
    assert resumed.optimizer.n_steps == uninterrupted.optimizer.n_steps
    for name, slots in uninterrupted.optimizer.state.items():
        for slot, value in slots.items():
            assert np.array_equal(resumed.optimizer.state[name][slot], value)
    assert resumed.rng.bit_generator.state == uninterrupted.rng.bit_generator.state
    assert resumed.history.records == uninterrupted.history.records
    assert resumed.epochs_trained == 6


# -- atomic saving ----------------------------------------------------------


def test_saving_over_a_file_leaves_only_the_new_file(tmp_path):
    path = tmp_path / "model.npz"
    glassnet.modelfile.save(make_network(seed=1), path)
    newer = trained_network(seed=2)
    glassnet.modelfile.save(newer, path)
    assert os.listdir(tmp_path) == ["model.npz"]
    assert_same_network(newer, glassnet.modelfile.load(path))


def _fail(*args, **kwargs):
    raise OSError(28, "No space left on device (simulated)")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("target", "replacement"),
    [
        (npy_format, "write_array"),
        (os, "fsync"),
        (os, "replace"),
        (npy_format, "write_array:interrupt"),
    ],
    ids=["write", "fsync", "replace", "ctrl_c"],
)
def test_failed_save_keeps_the_previous_file(
    tmp_path, monkeypatch, target, replacement
):
    path = tmp_path / "model.npz"
    previous = trained_network(seed=3)
    glassnet.modelfile.save(previous, path)
    name, _, how = replacement.partition(":")
    monkeypatch.setattr(target, name, _interrupt if how else _fail)
    expected = KeyboardInterrupt if how else OSError
    with pytest.raises(expected):
        glassnet.modelfile.save(trained_network(seed=4), path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone
    assert_same_network(previous, glassnet.modelfile.load(path))


@pytest.mark.parametrize(
    "metadata",
    [{"f": object()}, ["not", "a", "dict"], {"loop": None}, {(1, 2): "tuple key"}],
    ids=["object", "list", "circular", "tuple_key"],
)
def test_save_refuses_metadata_that_is_not_json(tmp_path, metadata):
    if isinstance(metadata, dict) and "loop" in metadata:
        metadata["loop"] = metadata
    network = make_network()
    network.metadata = metadata
    with pytest.raises(ValueError, match="metadata") as caught:
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    assert "\n" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_directory_and_a_missing_directory(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        glassnet.modelfile.save(make_network(), tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        glassnet.modelfile.save(make_network(), tmp_path / "missing" / "model.npz")
    with pytest.raises(TypeError, match="Network"):
        glassnet.modelfile.save({"not": "a network"}, tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_saved_file_mode_follows_the_umask(tmp_path):
    umask = os.umask(0o027)
    try:
        glassnet.modelfile.save(make_network(), tmp_path / "model.npz")
    finally:
        os.umask(umask)
    assert (tmp_path / "model.npz").stat().st_mode & 0o777 == 0o640


def _kill_while_saving(tmp_path, old, big, attempts, seed):
    path = tmp_path / "model.npz"
    glassnet.modelfile.save(old, path)
    script = save_forever_script()
    delays = random.Random(seed)
    kills_mid_save = 0
    for _ in range(attempts):
        before = set(os.listdir(tmp_path))
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout.readline() == "ready\n"
            time.sleep(delays.uniform(0.0, 0.4))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        loaded = glassnet.modelfile.load(path)
        if loaded.metadata == old.metadata:
            assert_same_network(old, loaded)
        else:
            assert_same_network(big, loaded)
        new_files = set(os.listdir(tmp_path)) - before
        assert all(TEMPORARY_NAME.match(name) for name in new_files), new_files
        kills_mid_save += bool(new_files)
        for name in new_files:  # 48 MB each
            (tmp_path / name).unlink()
    assert not any(
        name.endswith(".npz") for name in os.listdir(tmp_path) if name != "model.npz"
    )
    return kills_mid_save


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_killing_a_save_leaves_the_previous_or_the_new_file(tmp_path):
    old = trained_network()
    old.metadata = {"generation": "old"}
    kills_mid_save = _kill_while_saving(
        tmp_path, old, build_big_network(), attempts=5, seed=0
    )
    # Almost all of the child's time is spent inside save: some kills must land
    # there and leave a temporary file, or this test did not test anything.
    assert kills_mid_save >= 1


@pytest.mark.slow
@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_killing_a_save_many_times(tmp_path):
    old = trained_network()
    old.metadata = {"generation": "old"}
    _kill_while_saving(tmp_path, old, build_big_network(), attempts=40, seed=1)


# -- files that are not model files -----------------------------------------


def test_missing_file_and_directory_raise_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        glassnet.modelfile.load(tmp_path / "missing.npz")
    if POSIX:
        with pytest.raises(IsADirectoryError):
            glassnet.modelfile.load(tmp_path)


@pytest.mark.parametrize(
    ("name", "contents", "expected"),
    [
        ("model.npz", "model", True),
        ("model.bin", "model", True),  # the contents decide, not the suffix
        ("table.csv", b"a,b\n1,2\n", False),
        ("arrays.npz", "other_npz", False),
        ("empty_zip.zip", zip_bytes({}), False),
        ("empty", b"", False),
        ("zip_prefix_only", b"PK\x03\x04" + b"\0" * 100, False),
        ("missing.npz", None, False),
        ("directory", "directory", False),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_is_model_file(tmp_path, name, contents, expected):
    path = tmp_path / name
    if contents == "model":
        glassnet.modelfile.save(make_network(), path)
    elif contents == "other_npz":
        np.savez(path, weights=np.ones(3))
    elif contents == "directory":
        path.mkdir()
    elif contents is not None:
        path.write_bytes(contents)
    assert glassnet.modelfile.is_model_file(path) is expected
    assert glassnet.modelfile.is_model_file(str(path)) is expected


def test_is_model_file_reads_no_arrays(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    glassnet.modelfile.save(trained_network(), path)
    monkeypatch.setattr(zipfile.ZipFile, "open", _fail)
    assert glassnet.modelfile.is_model_file(path)


@pytest.fixture(scope="module")
def original():
    """A small trained network with Dropout, Adam state, history and metadata."""
    network = make_network(seed=5)
    X, y = make_data()
    network.fit(X, y, epochs=2, batch_size=16)
    network.metadata = {"preprocessing": {"mean": [0.5], "labels": ["a", "b"]}}
    return network


@pytest.fixture(scope="module")
def original_bytes(original, tmp_path_factory):
    path = tmp_path_factory.mktemp("original") / "model.npz"
    glassnet.modelfile.save(original, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A path for hostile files, shared by the examples of the hypothesis tests."""
    return tmp_path_factory.mktemp("hostile") / "model.npz"


def test_newer_format_is_refused_with_upgrade_advice(original_bytes, scratch):
    members = read_members(original_bytes)
    header = read_header(members)
    header["format_version"] = 3
    members["header.npy"] = header_npy(header)
    message = assert_refused(zip_bytes(members), scratch)
    assert message == (
        f"{scratch} was written by a newer glassnet (format 3, this one reads up"
        " to 1); upgrade glassnet"
    )


def _with_header(original_bytes, change):
    members = read_members(original_bytes)
    header = read_header(members)
    change(header)
    members["header.npy"] = header_npy(header)
    return zip_bytes(members)


def _with_member(original_bytes, name, data):
    members = read_members(original_bytes)
    members[name] = data
    return zip_bytes(members)


def set_field(*path, value=None, delete=False):
    """Return a builder: the original file with ``header[path...]`` changed."""

    def change(header):
        parent = header
        for key in path[:-1]:
            parent = parent[key]
        if delete:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value

    return lambda good: _with_header(good, change)


def set_member(name, data):
    """Return a builder: the original file with member ``name`` replaced."""
    return lambda good: _with_member(good, name, data)


def constant(data):
    return lambda good: data


def _absurd_architecture(original_bytes):
    """Dense(10**6, 10**6): 8 TB, with headers that all agree with it."""
    members = read_members(original_bytes)
    header = read_header(members)
    header["architecture"]["layers"][0]["config"].update(n_inputs=10**6, n_units=10**6)
    header["parameters"]["layers.0.weights"] = [10**6, 10**6]
    header["parameters"]["layers.0.biases"] = [10**6]
    members["header.npy"] = header_npy(header)
    for prefix in ("params", "optimizer/layers.0.weights", "optimizer/layers.0.biases"):
        for name in ("layers.0.weights", "layers.0.biases", "m", "v"):
            if f"{prefix}/{name}.npy" in members:
                shape = (10**6, 10**6) if "weights" in prefix + name else (10**6,)
                members[f"{prefix}/{name}.npy"] = raw_npy("<f8", shape)
    return zip_bytes(members)


def _adam_with_sgd_slots(original_bytes):
    """Rename Adam's m to SGD's velocity and drop v, consistently everywhere."""
    members = read_members(original_bytes)
    header = read_header(members)
    slots = header["optimizer_state"]["slots"]
    for name in slots:
        slots[name] = ["velocity"]
        members[f"optimizer/{name}/velocity.npy"] = members.pop(
            f"optimizer/{name}/m.npy"
        )
        del members[f"optimizer/{name}/v.npy"]
    members["header.npy"] = header_npy(header)
    return zip_bytes(members)


def _without(name):
    return lambda good: zip_bytes(
        {key: data for key, data in read_members(good).items() if key != name}
    )


def _twice(name, data):
    return lambda good: zip_bytes([*read_members(good).items(), (name, data)])


WEIGHTS = "params/layers.0.weights.npy"
GOOD_WEIGHTS = npy_bytes(np.zeros((5, 7)))
OPTIMIZER = "architecture", "optimizer", "config"
FIRST_LAYER = "architecture", "layers", 0, "config"

# Each case: (builder from the original file's bytes, part of the message).
HOSTILE_FILES = {
    # not model files at all
    "empty": (constant(b""), "(it is empty)"),
    "text": (constant(b"weights = [1, 2, 3]\n"), "not a zip archive"),
    "npy": (constant(npy_bytes(np.zeros(3))), "not a zip archive"),
    "zip_prefix_only": (constant(b"PK\x03\x04" + b"\0" * 100), "corrupt"),
    "empty_zip": (constant(zip_bytes({})), "(no header)"),
    "zip_of_other_arrays": (
        constant(zip_bytes({"arr_0.npy": npy_bytes(np.ones(3))})),
        "(no header)",
    ),
    # the JSON header's bytes
    "header_not_utf8": (set_member("header.npy", header_npy(b"\xff{")), "not JSON"),
    "header_not_json": (set_member("header.npy", header_npy("{'a': 1}")), "not JSON"),
    "header_json_list": (set_member("header.npy", header_npy("[1]")), "not an object"),
    "header_deeply_nested": (
        set_member("header.npy", header_npy("[" * 200_000)),
        "not JSON",
    ),
    "header_5000_digit_number": (
        set_member("header.npy", header_npy('{"a": ' + "9" * 5000 + "}")),
        "not JSON",
    ),
    "header_is_float64": (
        set_member("header.npy", npy_bytes(np.zeros(8))),
        "expected uint8",
    ),
    "header_is_2d": (
        set_member("header.npy", npy_bytes(np.zeros((2, 2), np.uint8))),
        "1-D",
    ),
    "header_absurd_shape": (
        set_member("header.npy", raw_npy("|u1", (10**15,))),
        "1-D and at most",
    ),
    "header_over_16_mib": (
        set_member("header.npy", raw_npy("|u1", (MAX_HEADER_BYTES + 1,))),
        "at most",
    ),
    "header_pickled_object": (
        set_member("header.npy", npy_bytes(np.array([{}]), allow_pickle=True)),
        "Python objects",
    ),
    # the JSON header's fields
    "wrong_format_name": (set_field("format", value="keras"), "not a glassnet"),
    "format_version_string": (set_field("format_version", value="1"), "format_v"),
    "format_version_float": (set_field("format_version", value=1.0), "format_v"),
    "format_version_bool": (set_field("format_version", value=True), "format_v"),
    "format_version_zero": (set_field("format_version", value=0), "format_v"),
    "n_steps_string": (set_field("optimizer_state", "n_steps", value="3"), "n_steps"),
    "n_steps_nan": (set_field("optimizer_state", "n_steps", value=math.nan), "n_st"),
    "n_steps_huge": (set_field("optimizer_state", "n_steps", value=10**300), "n_st"),
    "n_steps_missing": (set_field("optimizer_state", "n_steps", delete=True), "n_st"),
    "missing_architecture": (set_field("architecture", delete=True), "architecture"),
    "parameters_list": (set_field("parameters", value=[]), "'parameters'"),
    "shape_of_strings": (
        set_field("parameters", "layers.0.weights", value=["5", "7"]),
        "shape",
    ),
    "dtype_float16": (set_field("dtype", value="float16"), "dtype"),
    "seed_negative": (set_field("seed", value=-1), "seed"),
    "learning_rate_nan": (
        set_field(*OPTIMIZER, "learning_rate", value=math.nan),
        "cannot be built",
    ),
    "learning_rate_huge": (
        # Beyond any float: 10**300 itself is a (silly) valid learning rate.
        set_field(*OPTIMIZER, "learning_rate", value=10**400),
        "cannot be built",
    ),
    "unknown_layer": (
        set_field("architecture", "layers", 1, "class", value="os"),
        "cannot be built",
    ),
    "layers_dict": (
        set_field("architecture", "layers", value={"0": {}}),
        "layers must be a list",
    ),
    "n_units_string": (set_field(*FIRST_LAYER, "n_units", value="7"), "n_units"),
    "absurd_architecture_only": (
        set_field(*FIRST_LAYER, "n_inputs", value=10**6),
        "the architecture gives layers.0.weights shape (1000000, 7)",
    ),
    "absurd_architecture": (_absurd_architecture, "should hold"),
    "history_records_dict": (set_field("history", "records", value={}), "history"),
    "history_loss_string": (
        set_field("history", "records", 0, "loss", value="0.5"),
        "history",
    ),
    "metadata_list": (set_field("metadata", value=[1]), "'metadata'"),
    "rng_of_another_kind": (
        set_field("rng", "network", "bit_generator", value="os.system"),
        "rng 'network'",
    ),
    "rng_state_strings": (
        set_field("rng", "network", "state", value={"state": "x"}),
        "rng 'network'",
    ),
    "rng_missing_dropout": (
        set_field("rng", "layers.1", delete=True),
        "random generator states",
    ),
    "rng_shares_a_later_generator": (
        set_field("rng", "network", value="layers.1"),
        "earlier generator",
    ),
    "adam_with_sgd_slots": (_adam_with_sgd_slots, "adam keeps ['m', 'v']"),
    "slots_of_unknown_parameter": (
        set_field("optimizer_state", "slots", "layers.9.weights", value=["m"]),
        "one of the parameters",
    ),
    # the members
    "extra_member": (set_member("params/evil.npy", GOOD_WEIGHTS), "unexpected"),
    "missing_member": (_without("params/layers.2.biases.npy"), "arrays missing"),
    "duplicate_member": (_twice(WEIGHTS, GOOD_WEIGHTS), "twice"),
    "compressed": (
        lambda good: zip_bytes(read_members(good), zipfile.ZIP_DEFLATED),
        "compressed",
    ),
    "weights_float32": (
        set_member(WEIGHTS, npy_bytes(np.zeros((5, 7), "f4"))),
        "expected float64",
    ),
    "weights_int64": (
        set_member(WEIGHTS, npy_bytes(np.zeros((5, 7), "i8"))),
        "expected float64",
    ),
    "weights_complex": (
        set_member(WEIGHTS, npy_bytes(np.zeros((5, 7), "c16"))),
        "expected float64",
    ),
    "weights_structured": (
        set_member(WEIGHTS, npy_bytes(np.zeros((5, 7), [("a", "<f8")]))),
        "expected float64",
    ),
    "weights_subarray": (
        set_member(WEIGHTS, raw_npy(("<f8", (7,)), (5,))),
        "expected float64",
    ),
    "weights_pickled_object": (
        set_member(WEIGHTS, npy_bytes(np.zeros((5, 7), object), allow_pickle=True)),
        "Python objects",
    ),
    "weights_wrong_shape": (
        set_member(WEIGHTS, npy_bytes(np.zeros((7, 5)))),
        "the header says (5, 7)",
    ),
    "weights_absurd_shape": (
        set_member(WEIGHTS, raw_npy("<f8", (10**12, 10**12))),
        "the header says (5, 7)",
    ),
    "weights_negative_shape": (
        set_member(WEIGHTS, raw_npy("<f8", (-5, -7))),
        "the header says (5, 7)",
    ),
    "weights_data_too_short": (
        set_member(WEIGHTS, GOOD_WEIGHTS[:-8]),
        "should hold 280 bytes",
    ),
    "weights_data_too_long": (
        set_member(WEIGHTS, GOOD_WEIGHTS + b"\0" * 8),
        "should hold 280 bytes",
    ),
    "weights_npy_version_3": (
        set_member(WEIGHTS, GOOD_WEIGHTS.replace(b"NUMPY\x01", b"NUMPY\x03")),
        ".npy version",
    ),
    "weights_npy_header_4_gib": (
        set_member(WEIGHTS, b"\x93NUMPY\x02\x00" + b"\xff" * 4 + b"{"),
        ".npy header is",
    ),
    "weights_npy_header_code": (
        set_member(WEIGHTS, GOOD_WEIGHTS.replace(b"'<f8'", b"__import__('os')")),
        ".npy header",
    ),
    "weights_bad_magic": (set_member(WEIGHTS, b"\0" * 300), ".npy header"),
}


def test_big_endian_and_fortran_order_arrays_load_as_written(
    original, original_bytes, scratch
):
    weights = original.layers[0].params["weights"]
    for array in (weights.astype(">f8"), np.asfortranarray(weights)):
        data = _with_member(original_bytes, WEIGHTS, npy_bytes(array))
        assert_same_network(original, load_bytes(data, scratch))


def test_unknown_header_keys_are_ignored(original, original_bytes, scratch):
    data = _with_header(original_bytes, lambda h: h.update(comment="from a tool"))
    assert_same_network(original, load_bytes(data, scratch))


class CreateMarker:
    """Unpickling this creates a directory: proof that code from the file ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.makedirs, (self.path,))


def test_pickled_object_never_runs(original_bytes, scratch, tmp_path):
    marker = tmp_path / "code-ran"
    payload = np.array([CreateMarker(marker)], dtype=object)
    poisoned = npy_bytes(payload, allow_pickle=True)
    # The payload is live: a loader that unpickles it runs our code.
    np.load(BytesIO(poisoned), allow_pickle=True)
    assert marker.exists()
    marker.rmdir()
    for name in [
        "header.npy",
        "params/layers.0.weights.npy",
        "optimizer/layers.0.weights/m.npy",
    ]:
        data = _with_member(original_bytes, name, poisoned)
        assert_refused(data, scratch, "Python objects")
        assert not marker.exists()


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc are Linux"
)
def test_absurd_sizes_are_refused_under_a_tight_memory_limit(original_bytes, tmp_path):
    cases = [
        "header_absurd_shape",
        "header_over_16_mib",
        "weights_absurd_shape",
        "weights_npy_header_4_gib",
        "absurd_architecture",
        "absurd_architecture_only",
    ]
    for case in cases:
        (tmp_path / f"{case}.npz").write_bytes(HOSTILE_FILES[case][0](original_bytes))
    paths = [str(tmp_path / f"{case}.npz") for case in cases]
    # 256 MiB more than the child already maps: far below any absurd size.
    results = load_under_memory_cap(
        "glassnet.modelfile:load", paths, headroom=2**28, timeout=60
    )
    outcomes = {path: outcome for path, (outcome, _) in results.items()}
    assert outcomes == dict.fromkeys(paths, "ModelFileError")


# -- fuzzing ----------------------------------------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_LONG = settings(FUZZ, max_examples=3000)


def zip_boundaries(data: bytes) -> list[int]:
    """Offsets where the zip's structures start and end, and their neighbours."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        points = {0, 4, 30, archive.start_dir, len(data) - 22}
        for info in archive.infolist():
            start = info.header_offset
            data_start = start + 30 + len(info.filename) + len(info.extra)
            points.update({start, data_start, data_start + 10, data_start + 128})
            points.add(data_start + info.compress_size)
    near = {p + d for p in points for d in (-1, 0, 1)}
    return sorted(p for p in near if 0 <= p < len(data))


def test_every_truncation_is_refused(original_bytes, scratch):
    for length in range(len(original_bytes)):
        assert_refused(original_bytes[:length], scratch)


def _truncations(original_bytes, scratch, data):
    boundaries = zip_boundaries(original_bytes)
    length = data.draw(
        st.sampled_from(boundaries) | st.integers(0, len(original_bytes) - 1),
        label="length",
    )
    assert_refused(original_bytes[:length], scratch)


@FUZZ
@given(data=st.data())
def test_fuzz_truncated_files(original_bytes, scratch, data):
    _truncations(original_bytes, scratch, data)


def _damage(original_bytes, data):
    """Flip bits, overwrite, cut out or append bytes."""
    damaged = bytearray(original_bytes)
    n_changes = data.draw(st.integers(1, 4), label="n_changes")
    for _ in range(n_changes):
        kind = data.draw(st.sampled_from(["flip", "byte", "cut", "append"]))
        position = data.draw(
            st.sampled_from(zip_boundaries(original_bytes))
            | st.integers(0, len(damaged) - 1),
            label="position",
        )
        position = min(position, len(damaged) - 1)
        if kind == "flip":
            damaged[position] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        elif kind == "byte":
            damaged[position] = data.draw(st.integers(0, 255), label="byte")
        elif kind == "cut":
            length = data.draw(st.integers(1, 64), label="cut")
            del damaged[position : position + length]
        else:
            damaged += data.draw(st.binary(min_size=1, max_size=64), label="tail")
        if not damaged:
            break
    return bytes(damaged)


def _damaged_files(original, original_bytes, scratch, data):
    loaded = load_or_refuse(_damage(original_bytes, data), scratch)
    if loaded is not None:  # damage to bytes nobody reads (a zip date, say)
        assert_same_network(original, loaded)


@FUZZ
@given(data=st.data())
def test_fuzz_damaged_files(original, original_bytes, scratch, data):
    _damaged_files(original, original_bytes, scratch, data)


def json_paths(value, prefix=()):
    """Every path (tuple of keys and indices) into a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*prefix, index))


HOSTILE_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 0, 2**31, 2**63, 2**64, 10**300, -(10**300)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["float64", "adam", "Dense", "PCG64", "layers.0.weights", "m"]),
    st.lists(st.integers(-2, 10**13), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _mutated_headers(original_bytes, scratch, data):
    members = read_members(original_bytes)
    header = read_header(members)
    paths = list(json_paths(header))
    path = data.draw(st.sampled_from(paths[1:]), label="path")
    parent = header
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "wrap"]), label="action")
    if action == "delete":
        del parent[path[-1]]
    elif action == "wrap":
        parent[path[-1]] = [parent[path[-1]]]
    else:
        parent[path[-1]] = data.draw(HOSTILE_JSON, label="value")
    members["header.npy"] = header_npy(header)
    load_or_refuse(zip_bytes(members), scratch)


@FUZZ
@given(data=st.data())
def test_fuzz_wrong_types_in_the_header(original_bytes, scratch, data):
    _mutated_headers(original_bytes, scratch, data)


NPY_DESCRS = [
    "<f8",
    ">f8",
    "<f4",
    "<f2",
    "<i8",
    "|u1",
    "|b1",
    "<c16",
    "|O",
    "<U10",
    "|S3",
    "|V8",
    "<M8[s]",
    [("a", "<f8")],
    [("a", "|O")],
    ("<f8", (2,)),
]


def _hostile_members(original_bytes, scratch, data):
    members = read_members(original_bytes)
    name = data.draw(st.sampled_from(sorted(members)), label="member")
    descr = data.draw(st.sampled_from(NPY_DESCRS), label="descr")
    shape = tuple(
        data.draw(
            st.lists(
                st.sampled_from([0, 1, 3, 5, 7, 10**6, 10**12, 2**62])
                | st.integers(0, 9),
                max_size=3,
            ),
            label="shape",
        )
    )
    n_bytes = data.draw(st.integers(0, 512), label="n_bytes")
    version = data.draw(st.sampled_from([(1, 0), (2, 0)]), label="version")
    fortran_order = data.draw(st.booleans(), label="fortran_order")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy may warn while writing odd headers
        members[name] = raw_npy(descr, shape, b"\x01" * n_bytes, fortran_order, version)
    tracemalloc.start()
    try:
        load_or_refuse(zip_bytes(members), scratch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


@FUZZ
@given(data=st.data())
def test_fuzz_hostile_npy_members(original_bytes, scratch, data):
    _hostile_members(original_bytes, scratch, data)


@pytest.mark.slow
@FUZZ_LONG
@given(data=st.data())
def test_fuzz_long(original, original_bytes, scratch, data):
    kind = data.draw(st.sampled_from(["truncate", "damage", "header", "members"]))
    if kind == "truncate":
        _truncations(original_bytes, scratch, data)
    elif kind == "damage":
        _damaged_files(original, original_bytes, scratch, data)
    elif kind == "header":
        _mutated_headers(original_bytes, scratch, data)
    else:
        _hostile_members(original_bytes, scratch, data)


# -- issue 11: what the hostile probe found ----------------------------------


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = {"a": [value]} if isinstance(value, int) else {"a": value}
    return value


NON_FINITE = npy_bytes(np.full((5, 7), np.nan))
PROBE_FILES = {
    # F2: a model that cannot predict
    "weights_nan": (set_member(WEIGHTS, NON_FINITE), f"{WEIGHTS} holds NaN or inf"),
    "weights_inf": (
        set_member(WEIGHTS, npy_bytes(np.full((5, 7), -np.inf))),
        "holds NaN or infinite values",
    ),
    "adam_slot_nan": (
        set_member("optimizer/layers.0.weights/v.npy", NON_FINITE),
        "optimizer/layers.0.weights/v.npy holds NaN or infinite values",
    ),
    # F4: metadata nested without bound
    "metadata_900_deep": (set_field("metadata", value=_nested(900)), "nests deeper"),
    "metadata_65_deep": (set_field("metadata", value=_nested(64)), "than 64 levels"),
    "metadata_string": (set_field("metadata", value="x"), "'metadata' must be"),
    # F17: more layers than a model file may have
    "layers_1001": (
        set_field("architecture", "layers", value=[{}] * 1001),
        "1001 layers, more than the 1000",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES) + sorted(PROBE_FILES))
def test_hostile_file_is_refused_quickly_in_little_memory(
    case, original_bytes, scratch
):
    build, fragment = {**HOSTILE_FILES, **PROBE_FILES}[case]
    data = build(original_bytes)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert_refused(data, scratch, fragment)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 8 * 2**20  # bytes: nothing near what a forged header claims


def test_metadata_at_the_depth_limit_loads(original, original_bytes, scratch):
    data = _with_header(original_bytes, lambda h: h.update(metadata=_nested(63)))
    assert load_bytes(data, scratch).metadata == _nested(63)


def test_one_flipped_byte_in_an_npy_header_is_a_model_file_error(
    original_bytes, scratch
):
    # F5: byte 50 is the "{" of header.npy's .npy header; NumPy's parser raised
    # tokenize.TokenError for it. A member under 4 KiB is CRC-checked at its
    # first read, so the probe's header was longer: make ours long too.
    data = _with_header(original_bytes, lambda h: h.update(note="x" * 5000))
    damaged = bytearray(data)
    assert damaged[50:51] == b"{"
    damaged[50] ^= 0x40
    assert_refused(bytes(damaged), scratch, "header.npy's .npy header")


@pytest.mark.parametrize(
    "change",
    [(b"{", b";"), (b"(35,)", b"(35,"), (b"'<f8'", b"'" * 3)],
    ids=["brace", "open_tuple", "open_string"],
)
def test_npy_headers_numpy_cannot_tokenize_are_model_file_errors(
    original_bytes, scratch, change
):
    damaged = GOOD_WEIGHTS.replace(b"(5, 7)", b"(35,)").replace(*change, 1)
    assert_refused(_with_member(original_bytes, WEIGHTS, damaged), scratch, ".npy")


def test_a_model_of_thousands_of_layers_is_refused_before_building(
    original_bytes, scratch
):
    # F17: 200,000 Dropout layers took 7.5 s and 465 MB; 5,000 show it.
    def many_layers(header):
        layers = header["architecture"]["layers"]
        header["architecture"]["layers"] = [
            layers[0],
            *[{"class": "Dropout", "config": {"rate": 0.0}}] * 5000,
            layers[2],
        ]
        header["rng"].update({f"layers.{i}": "network" for i in range(1, 5001)})

    data = _with_header(original_bytes, many_layers)
    started = time.perf_counter()
    assert_refused(data, scratch, "5002 layers, more than the 1000")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("where", "value"),
    [("params", np.nan), ("params", np.inf), ("slot", -np.inf)],
    ids=["nan_weights", "inf_weights", "inf_adam_slot"],
)
def test_save_refuses_non_finite_weights(tmp_path, where, value):
    network = trained_network()
    if where == "params":
        network.layers[2].params["weights"][1, 0] = value
        name = "parameter 'layers.2.weights'"
    else:
        network.optimizer.state["layers.0.biases"]["v"][0] = value
        name = "optimizer state 'layers.0.biases'/'v'"
    with pytest.raises(ValueError) as caught:
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    message = str(caught.value)
    assert message.startswith(f"save: {name} holds NaN or infinite values")
    assert "\n" not in message
    assert os.listdir(tmp_path) == []


def test_save_refuses_what_load_would_refuse(tmp_path):
    network = make_network()
    network.metadata = _nested(65)
    with pytest.raises(ValueError, match="nests deeper than 64 levels"):
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    network.metadata = {"x": np.zeros((1,) * 64)}  # 65 levels as JSON lists
    with pytest.raises(ValueError, match="nests deeper than 64 levels"):
        glassnet.modelfile.save(network, tmp_path / "model.npz")
    deep = Network([Dense(2, 2), *[Dropout(0.0) for _ in range(1000)]], seed=0)
    with pytest.raises(ValueError, match="1001 layers; a model file holds at most"):
        glassnet.modelfile.save(deep, tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


LOAD_IN_A_CHILD = """
import sys, glassnet.modelfile
try:
    glassnet.modelfile.load(sys.argv[1])
except glassnet.modelfile.ModelFileError as error:
    print(error)
print(glassnet.modelfile.is_model_file(sys.argv[1]))
"""


@pytest.mark.skipif(not POSIX, reason="FIFOs and /dev/zero are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_a_fifo_or_device_as_model_is_refused_without_waiting(tmp_path, kind):
    path = tmp_path / "model.npz"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    what = "a FIFO" if kind == "fifo" else "a character device"
    assert result.stdout == (
        f"{path} is not a glassnet model file (it is {what}, not a regular file);"
        " was it written by net.save?\nFalse\n"
    )
