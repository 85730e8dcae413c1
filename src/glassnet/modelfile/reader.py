"""Loading a model file: check it step by step, then rebuild the network.

The steps run in an order that keeps hostile files cheap to refuse: the zip
directory and the JSON header first, then every array's ``.npy`` header
(sizes against the file), and only then the network is built and filled.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from .._files import open_regular
from .._validation import one_line
from ..history import History
from ..network import Network
from .errors import READ_ERRORS, Errors, short
from .header import (
    check_architecture,
    check_fields,
    check_members,
    check_version,
    expected_arrays,
    parse_header,
)
from .layout import (
    BIT_GENERATORS,
    HEADER_MEMBER,
    ZIP_MAGIC,
    param_member,
    slot_member,
)
from .npy import ArrayMembers

# What Network.from_config raises for an architecture it cannot build.
_BUILD_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
)
# What setting a bit generator's state raises for a state it cannot take.
_STATE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)


def load(path) -> Network:
    """Read a network written by :func:`~glassnet.modelfile.save`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Network
        With the saved parameters, optimizer state and step count, random
        generator states, history, metadata and seed: ``predict`` gives
        bit-identical results and ``fit`` continues as if never interrupted.

    Raises
    ------
    ModelFileError
        If the file is not a glassnet model file, is truncated or corrupt, holds
        anything but numbers (such as pickled objects), or was written by a
        newer glassnet.
    FileNotFoundError, IsADirectoryError, PermissionError
        If ``path`` cannot be opened as a file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from glassnet import Dense, Network
    >>> from glassnet.modelfile import load, save
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> net = Network([Dense(2, 4, "tanh"), Dense(4, 1)], optimizer="adam", seed=0)
    >>> history = net.fit(X, [0, 1, 1, 0], epochs=10)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     save(net, os.path.join(directory, "model.npz"))
    ...     loaded = load(os.path.join(directory, "model.npz"))
    >>> np.array_equal(loaded.predict(X), net.predict(X))
    True
    >>> loaded.optimizer.n_steps, loaded.epochs_trained
    (10, 10)
    """
    path = os.fspath(path)
    errors = Errors(path)

    def refuse(kind):
        return errors.not_model_file(f"it is {kind}, not a regular file")

    with open_regular(path, refuse) as file:
        size = os.fstat(file.fileno()).st_size
        return _Reader(file, size, path).load()


def is_model_file(path) -> bool:
    """Return whether ``path`` is a zip archive with a model file's header.

    A cheap look at the file's first bytes and its zip directory, for choosing
    a reader: no array or header is read, so ``load`` may still refuse a file
    for which this returns True. A missing path, a directory, an unreadable
    file or any other file (CSV, JSON, a zip of other things) gives False.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    bool
    """
    try:
        with open_regular(path, lambda kind: OSError(kind)) as file:
            if file.read(4) not in ZIP_MAGIC:
                return False
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                return HEADER_MEMBER in archive.namelist()
    except READ_ERRORS:
        return False


class _Reader:
    """Check and read one model file; every problem raises ModelFileError."""

    def __init__(self, file, size: int, path: str) -> None:
        self.file, self.size = file, size
        self.errors = Errors(path)

    def load(self) -> Network:
        """Run the steps in order and return the network."""
        with self.open_archive() as archive:
            members = ArrayMembers(archive, self.size, self.errors)
            header = self.read_header(archive, members)
            check_version(header, self.errors)
            fields = check_fields(header, self.errors)
            shapes, slots = fields["parameters"], fields["slots"]
            history = self.read_history(fields["history"])
            arrays = expected_arrays(shapes, slots)
            check_members(archive.namelist(), arrays, self.errors)
            check_architecture(fields["architecture"], shapes, self.errors)
            dtype = np.dtype(fields["dtype"])
            # Every array's size is checked before anything is allocated.
            for member, shape in arrays.items():
                members.open_array(member, dtype, shape)[0].close()
            network = self.build_network(fields["architecture"], dtype, shapes, slots)
            self.fill_network(network, members, dtype, shapes, slots)
        network.optimizer.n_steps = fields["n_steps"]
        self.restore_generators(network, fields["rng"])
        network.history = history
        network.metadata = fields["metadata"]
        network.seed = fields["seed"]
        return network

    def open_archive(self) -> zipfile.ZipFile:
        """Open the file as a zip archive, or say what else it is."""
        if self.size == 0:
            raise self.errors.not_model_file("it is empty")
        with self.errors.reading("reading the file"):
            magic = self.file.read(4)
            self.file.seek(0)
        if magic not in ZIP_MAGIC:
            raise self.errors.not_model_file("not a zip archive")
        with self.errors.reading("zip directory"):
            archive = zipfile.ZipFile(self.file)
        return archive

    def read_header(self, archive: zipfile.ZipFile, members: ArrayMembers) -> dict:
        """Return the JSON header (not yet checked)."""
        if HEADER_MEMBER not in archive.namelist():
            raise self.errors.not_model_file("no header")
        data = members.read_array(HEADER_MEMBER, np.dtype(np.uint8), None)
        return parse_header(data.tobytes(), self.errors)

    def read_history(self, data: dict) -> History:
        """Return the training history from its header field."""
        try:
            return History.from_dict(data)
        except (ValueError, TypeError) as error:
            raise self.errors.invalid(
                f"its history is invalid ({one_line(error)})"
            ) from None

    def build_network(self, architecture, dtype, shapes: dict, slots: dict):
        """Build the network from its architecture; check its parameters and slots."""
        try:
            network = Network.from_config(architecture)
        except _BUILD_ERRORS as error:
            raise self.errors.invalid(
                f"its architecture cannot be built ({one_line(error)})"
            ) from None
        found = {
            name: tuple(param.shape)
            for name, param in network.named_parameters().items()
        }
        if network.dtype != dtype or found != shapes:
            raise self.errors.invalid(
                f"the architecture has {network.dtype} parameters {short(found)}"
                f" but the file holds {dtype} {short(shapes)}"
            )
        # A file whose slots differ would fail only later, in the middle of fit.
        needed = set(network.optimizer.slot_names)
        for name, names in slots.items():
            if set(names) != needed:
                raise self.errors.invalid(
                    f"{network.optimizer.name} keeps {sorted(needed)} for each"
                    f" parameter, the file has {short(names)} for {name}"
                )
        return network

    def fill_network(self, network, members, dtype, shapes: dict, slots: dict):
        """Read the parameters and the optimizer's slots into ``network``."""
        params = {
            name: self.read_finite(members, param_member(name), dtype, shape)
            for name, shape in shapes.items()
        }
        network.load_state_dict(params)
        del params  # copied into the network's buffer: free before the slots
        network.optimizer.state = {
            name: {
                slot: self.read_finite(
                    members, slot_member(name, slot), dtype, shapes[name]
                )
                for slot in names
            }
            for name, names in slots.items()
        }

    def read_finite(self, members, member: str, dtype, shape) -> np.ndarray:
        """Read ``member``; refuse NaN or infinity (a model that cannot predict)."""
        array = members.read_array(member, dtype, shape)
        if not np.isfinite(array).all():
            raise self.errors.invalid(f"{member} holds NaN or infinite values")
        return array

    def restore_generators(self, network, states: dict) -> None:
        """Give the network and its layers their saved random generators."""
        targets = {"network": None}
        for index, layer in enumerate(network.layers):
            if isinstance(getattr(layer, "rng", None), np.random.Generator):
                targets[f"layers.{index}"] = layer
        if set(states) != set(targets):
            raise self.errors.invalid(
                f"it holds random generator states for {short(sorted(states))},"
                f" the architecture has {sorted(targets)}"
            )
        generators = {}
        for key, layer in targets.items():
            state = states[key]
            if isinstance(state, str):  # shares an earlier entry's generator
                if state not in generators:
                    raise self.errors.invalid(
                        f"rng {key!r} refers to {short(state)}, which is not an"
                        " earlier generator"
                    )
                generator = generators[state]
            else:
                generator = self.make_generator(key, state)
            generators[key] = generator
            if layer is None:
                network.rng = generator
            else:
                layer.rng = generator

    def make_generator(self, key: str, state) -> np.random.Generator:
        """Return a generator in the saved ``state`` (a bit_generator.state)."""
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if not isinstance(name, str) or name not in BIT_GENERATORS:
            raise self.errors.invalid(
                f"rng {key!r} must be the state of one of {sorted(BIT_GENERATORS)},"
                f" got {short(state)}"
            )
        bit_generator = BIT_GENERATORS[name](0)
        try:
            bit_generator.state = state
        except _STATE_ERRORS as error:
            raise self.errors.invalid(
                f"rng {key!r} has an invalid state ({one_line(error)})"
            ) from None
        return np.random.Generator(bit_generator)
