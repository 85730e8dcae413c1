"""Model files: save a network and load it back, exactly, without pickle.

``save(network, path)`` writes everything needed to predict *and* to go on
training bit for bit: the architecture, the parameters, the optimizer's state
and step count, the random generators' states, the training history and the
user's ``metadata`` (such as the CLI's preprocessing). ``load(path)`` returns
a :class:`~glassnet.Network` that predicts bit-identically and whose ``fit``
continues exactly where the saved one stopped.

File format (version 1)
-----------------------
A model file is an ordinary uncompressed ``.npz`` (a zip archive of ``.npy``
members, all ``ZIP_STORED``), so ``numpy.load(path)`` can inspect it too:

``header.npy``
    1-D ``uint8`` array: the UTF-8 JSON header described below (at most 16 MiB).
``params/<name>.npy``
    One array per parameter, by dotted name, such as
    ``params/layers.0.weights.npy``; dtype float32 or float64 (the network's).
``optimizer/<name>/<slot>.npy``
    The optimizer's state for a parameter, such as
    ``optimizer/layers.0.weights/m.npy`` (Adam: ``m`` and ``v``; SGD with
    momentum: ``velocity``); same shape and dtype as the parameter.

No other member is allowed. The header is a JSON object with these keys:

``"format"``
    Always ``"glassnet-model"``.
``"format_version"``
    Integer, 1 for this layout. Readers refuse newer versions. ``header.npy``,
    ``"format"`` and ``"format_version"`` never change meaning between versions.
``"glassnet_version"``
    The version of glassnet that wrote the file (informative only).
``"architecture"``
    ``network.get_config()``: layers, loss, optimizer with its current
    learning rate and other settings, dtype.
``"dtype"``
    ``"float32"`` or ``"float64"``: the dtype of every array but the header.
``"seed"``
    The network's ``seed``: an integer or null.
``"parameters"``
    Object: parameter name to shape (list of integers), one per ``params/`` member.
``"optimizer_state"``
    Object: ``"n_steps"`` (integer, updates taken so far) and ``"slots"`` (object:
    parameter name to the list of its slot names, one ``optimizer/`` member each).
``"rng"``
    Object: ``"network"`` (the state of ``network.rng``, which shuffles) and
    ``"layers.<index>"`` for each layer with a generator (``Dropout``). Each is
    ``numpy.random.Generator.bit_generator.state`` as JSON (arrays as lists), or
    the key of an earlier entry whose generator the layer shares (a ``Dropout``
    in a network built with ``seed=`` draws from ``network.rng`` itself:
    ``"layers.1": "network"``).
``"history"``
    ``network.history.to_dict()``.
``"metadata"``
    ``network.metadata``, verbatim (as :func:`json.dumps` writes it; NaN and
    infinity as Python's ``json`` writes them).

Readers ignore keys they do not know; a change that older readers must not
ignore increases ``format_version``.

Safety
------
``load`` never unpickles and never runs code from the file: it reads each
member's ``.npy`` header itself and checks dtype (float32/float64 for arrays,
uint8 for the header), shape (against the header and the architecture) and
size (against the zip directory and the file's length) *before* it allocates
or reads any data, and every member's CRC as it reads. Every problem with the
file's contents raises :class:`ModelFileError` (a ``ValueError``) with a
one-line message. A missing path raises :class:`FileNotFoundError` and a
directory :class:`IsADirectoryError` (on Windows :class:`PermissionError`),
as ``open`` does.

Saving is atomic: the file is written to a temporary file in the same
directory (named ``.<file name>.<random>.tmp``), flushed, fsynced and renamed
over ``path`` with :func:`os.replace`, and then the directory is fsynced. A
crash or a kill while saving leaves the previous file intact; the temporary
file is removed on every error Python can see, but not after ``SIGKILL`` or a
power cut, when a ``.*.tmp`` file may stay behind (safe to delete).

Limits: arrays are stored uncompressed (float32 halves the size); a loaded
network needs the whole file in memory once more, briefly, while its
parameters are copied in; only NumPy's own bit generators (PCG64, PCG64DXSM,
MT19937, Philox, SFC64) can be saved; callbacks (and a learning-rate
schedule's own counters) are not part of the file.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import reprlib
import struct
import warnings
import zipfile
from io import BytesIO

import numpy as np
from numpy.lib import format as npy_format

from ._files import atomic_file
from ._validation import is_int, one_line
from .history import History

__all__ = ["FORMAT_VERSION", "MAX_HEADER_BYTES", "ModelFileError", "load", "save"]

#: The format version this glassnet writes, and the newest it reads.
FORMAT_VERSION = 1
#: The largest JSON header written or read, in bytes.
MAX_HEADER_BYTES = 16 * 2**20

_FORMAT_NAME = "glassnet-model"
_HEADER_MEMBER = "header.npy"
_NPY_HEADER_MAX = 10_000  # NumPy's own limit on a .npy header's length
_CHUNK_BYTES = 16 * 2**20  # arrays are read in pieces of this size
_ZIP64_THRESHOLD = 2**30  # members larger than this get zip64 sizes
_MAX_COUNT = 2**63 - 1
_BIT_GENERATORS = {
    cls.__name__: cls
    for cls in (
        np.random.PCG64,
        np.random.PCG64DXSM,
        np.random.MT19937,
        np.random.Philox,
        np.random.SFC64,
    )
}
# What zipfile and the .npy header parser raise for damaged bytes.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,  # includes RecursionError and "File is encrypted"
    OverflowError,
    Warning,
)


class ModelFileError(ValueError):
    """The file is not a glassnet model file this version can load.

    Raised by :func:`load` for a file that is not a model file, is truncated or
    corrupt, holds anything but plain numbers, or was written by a newer
    glassnet. The message says which, on one line.
    """


# -- saving -----------------------------------------------------------------


def save(network, path) -> None:
    """Write ``network`` to ``path`` atomically, in the format described above.

    Parameters
    ----------
    network : Network
        The network to save, with its optimizer state, random generators,
        history and metadata.
    path : str or os.PathLike
        The file to write (conventionally ``*.npz``; no suffix is added). An
        existing file is replaced only once the new one is complete.

    Raises
    ------
    TypeError
        If ``network`` is not a :class:`~glassnet.Network`.
    ValueError
        If ``network.metadata`` is not JSON data, or the header would exceed
        16 MiB.
    OSError
        If the file cannot be written; ``path`` is then left as it was.
    """
    from .network import Network  # network.py imports this module

    if not isinstance(network, Network):
        raise TypeError(f"save: network must be a glassnet Network, got {network!r}")
    path = os.fspath(path)
    members = _network_arrays(network)
    header = {
        "format": _FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "glassnet_version": _glassnet_version(),
        "architecture": network.get_config(),
        "dtype": network.dtype.name,
        "seed": network.seed,
        "parameters": {
            name: list(param.shape)
            for name, param in network.named_parameters().items()
        },
        "optimizer_state": {
            "n_steps": int(network.optimizer.n_steps),
            "slots": {
                name: list(slots) for name, slots in network.optimizer.state.items()
            },
        },
        "rng": _generator_states(network),
        "history": network.history.to_dict(),
        "metadata": _check_metadata(network.metadata),
    }
    try:
        text = json.dumps(header, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as error:
        raise ValueError(
            "save: network.metadata and history must hold only JSON data (dicts,"
            f" lists, strings, numbers, True/False/None): {error}"
        ) from None
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_HEADER_BYTES:
        raise ValueError(
            f"save: the model's header (architecture, history, metadata) is"
            f" {len(encoded)} bytes, over the {MAX_HEADER_BYTES} byte limit; keep"
            " large data out of network.metadata"
        )
    members.insert(0, (_HEADER_MEMBER, np.frombuffer(encoded, dtype=np.uint8)))
    _write_atomically(path, members)


def _glassnet_version() -> str:
    from . import __version__  # the package may still be importing this module

    return __version__


def _network_arrays(network) -> list[tuple[str, np.ndarray]]:
    """Return (member name, array) for every parameter and optimizer slot."""
    params = network.named_parameters()
    members = [(f"params/{name}.npy", param) for name, param in params.items()]
    for name, slots in network.optimizer.state.items():
        if name not in params:
            raise ValueError(
                f"save: the optimizer has state for {name!r}, which is not one of"
                f" the network's parameters {sorted(params)}"
            )
        for slot, value in slots.items():
            valid = (
                isinstance(slot, str)
                and slot
                and "/" not in slot
                and isinstance(value, np.ndarray)
                and value.shape == params[name].shape
                and value.dtype == network.dtype
            )
            if not valid:
                found = f"{type(value).__name__} {getattr(value, 'dtype', '')}"
                raise ValueError(
                    f"save: optimizer state {name!r}/{slot!r} must be a {network.dtype}"
                    f" array of shape {params[name].shape}, got {found.strip()} of"
                    f" shape {getattr(value, 'shape', None)}"
                )
            members.append((f"optimizer/{name}/{slot}.npy", value))
    return members


def _generator_states(network) -> dict:
    """Return the state of ``network.rng`` and of every layer's own generator."""
    generators = {"network": network.rng}
    for index, layer in enumerate(network.layers):
        rng = getattr(layer, "rng", None)
        if isinstance(rng, np.random.Generator):
            generators[f"layers.{index}"] = rng
    states = {}
    first_key = {}  # id(generator) -> the key it was saved under
    for key, generator in generators.items():
        if id(generator) in first_key:
            # NOTE: a shared generator must stay shared, or the draws that
            # interleave (shuffling, dropout masks) diverge after loading.
            states[key] = first_key[id(generator)]
            continue
        first_key[id(generator)] = key
        bit_generator = generator.bit_generator
        kind = type(bit_generator).__name__
        if type(bit_generator) is not _BIT_GENERATORS.get(kind):
            raise ValueError(
                f"save: cannot save the state of {key}'s {kind}; use one of NumPy's"
                f" bit generators {sorted(_BIT_GENERATORS)}"
            )
        states[key] = bit_generator.state
    return states


def _check_metadata(metadata) -> dict:
    if not isinstance(metadata, dict):
        raise ValueError(
            f"save: network.metadata must be a dict, got {type(metadata).__name__}"
        )
    return metadata


def _json_default(value):
    """Turn NumPy scalars and arrays (say, in metadata) into JSON data."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON data")


def _write_atomically(path: str, members: list[tuple[str, np.ndarray]]) -> None:
    """Write ``members`` as an uncompressed zip to a temporary file, then rename."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"cannot save to {path}: it is a directory; pass a file path such as"
            " model.npz"
        )
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"cannot save to {path}: directory {directory} does not exist"
        )
    with (
        atomic_file(path) as file,
        zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive,
    ):
        for name, array in members:
            # A fixed date (ZipInfo's 1980 default) makes files reproducible.
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o644 << 16
            force_zip64 = array.nbytes > _ZIP64_THRESHOLD
            with archive.open(info, "w", force_zip64=force_zip64) as member:
                npy_format.write_array(member, array, allow_pickle=False)


# -- loading ----------------------------------------------------------------


def load(path):
    """Read a network written by :func:`save`.

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
    >>> from glassnet.io import load, save
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
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        return _Reader(file, size, path).load()


class _Reader:
    """Check and read one model file; every problem raises ModelFileError."""

    def __init__(self, file, size: int, path: str) -> None:
        self.file, self.size, self.path = file, size, path

    # -- errors --

    def corrupt(self, detail: str) -> ModelFileError:
        return ModelFileError(f"{self.path} is truncated or corrupt: {detail}")

    def invalid(self, detail: str) -> ModelFileError:
        return ModelFileError(
            f"{self.path} is not a valid glassnet model file: {detail};"
            " was it written by net.save?"
        )

    @contextlib.contextmanager
    def reading(self, what: str):
        """Turn zipfile's and NumPy's errors while reading ``what`` into ours."""
        try:
            yield
        except ModelFileError:
            raise
        except _READ_ERRORS as error:
            raise self.corrupt(f"{what}: {one_line(error)}") from None

    # -- the steps, in order --

    def load(self):
        from .network import Network  # network.py imports this module

        archive = self.open_archive()
        with archive:
            header = self.read_header(archive)
            self.check_version(header)
            fields = self.check_header(header)
            shapes, slots = fields["parameters"], fields["slots"]
            history = self.history(fields["history"])
            arrays = {f"params/{name}.npy": shape for name, shape in shapes.items()}
            arrays.update(
                (f"optimizer/{name}/{slot}.npy", shapes[name])
                for name, names in slots.items()
                for slot in names
            )
            self.check_members(archive, {_HEADER_MEMBER, *arrays})
            self.check_architecture(fields["architecture"], shapes)
            dtype = np.dtype(fields["dtype"])
            # Every array's size is checked before anything is allocated.
            for member, shape in arrays.items():
                self.open_array(archive, member, dtype, shape)[0].close()
            network = self.build(Network, fields["architecture"], dtype, shapes, slots)
            params = {
                name: self.read_array(archive, f"params/{name}.npy", dtype, shape)
                for name, shape in shapes.items()
            }
            network.load_state_dict(params)
            del params
            network.optimizer.state = {
                name: {
                    slot: self.read_array(
                        archive, f"optimizer/{name}/{slot}.npy", dtype, shapes[name]
                    )
                    for slot in names
                }
                for name, names in slots.items()
            }
        network.optimizer.n_steps = fields["n_steps"]
        self.restore_generators(network, fields["rng"])
        network.history = history
        network.metadata = fields["metadata"]
        network.seed = fields["seed"]
        return network

    def open_archive(self) -> zipfile.ZipFile:
        if self.size == 0:
            raise ModelFileError(
                f"{self.path} is not a glassnet model file (it is empty);"
                " was it written by net.save?"
            )
        with self.reading("reading the file"):
            magic = self.file.read(4)
            self.file.seek(0)
        if magic not in (b"PK\x03\x04", b"PK\x05\x06"):  # a member; an empty zip
            raise ModelFileError(
                f"{self.path} is not a glassnet model file (not a zip archive);"
                " was it written by net.save?"
            )
        with self.reading("zip directory"):
            archive = zipfile.ZipFile(self.file)
        return archive

    def read_header(self, archive: zipfile.ZipFile) -> dict:
        if _HEADER_MEMBER not in archive.namelist():
            raise ModelFileError(
                f"{self.path} is not a glassnet model file (no header);"
                " was it written by net.save?"
            )
        data = self.read_array(archive, _HEADER_MEMBER, np.dtype(np.uint8), None)
        try:
            header = json.loads(data.tobytes().decode("utf-8"))
        except (ValueError, RecursionError) as error:
            raise self.invalid(f"its header is not JSON ({one_line(error)})") from None
        if not isinstance(header, dict):
            raise self.invalid(
                f"its header is a JSON {type(header).__name__}, not an object"
            )
        return header

    def check_version(self, header: dict) -> None:
        if header.get("format") != _FORMAT_NAME:
            raise ModelFileError(
                f"{self.path} is not a glassnet model file (its header's format is"
                f" {_short(header.get('format'))}, not {_FORMAT_NAME!r}); was it"
                " written by net.save?"
            )
        version = header.get("format_version")
        if not is_int(version) or version < 1:
            raise self.invalid(
                f"format_version must be a positive integer, got {_short(version)}"
            )
        if version > FORMAT_VERSION:
            raise ModelFileError(
                f"{self.path} was written by a newer glassnet (format {version},"
                f" this one reads up to {FORMAT_VERSION}); upgrade glassnet"
            )

    def check_header(self, header: dict) -> dict:
        """Check every field's type; return them by name."""
        fields = {}
        for key, kind in (
            ("architecture", dict),
            ("dtype", str),
            ("parameters", dict),
            ("optimizer_state", dict),
            ("rng", dict),
            ("history", dict),
            ("metadata", dict),
        ):
            if key not in header:
                raise self.invalid(f"its header has no {key!r}")
            if not isinstance(header[key], kind):
                raise self.invalid(
                    f"header {key!r} must be a JSON {_JSON_NAMES[kind]},"
                    f" got {_short(header[key])}"
                )
            fields[key] = header[key]
        dtype = fields["dtype"]
        if dtype not in ("float32", "float64"):
            raise self.invalid(
                f"header 'dtype' must be 'float32' or 'float64', got {_short(dtype)}"
            )
        architecture_dtype = fields["architecture"].get("dtype")
        if architecture_dtype != dtype:
            raise self.invalid(
                f"the architecture's dtype {_short(architecture_dtype)} differs from"
                f" the header's {dtype!r}"
            )
        seed = header.get("seed")
        if seed is not None and not (is_int(seed) and seed >= 0):
            raise self.invalid(
                f"seed must be null or an integer >= 0, got {_short(seed)}"
            )
        fields["seed"] = seed
        shapes = {}
        for name, shape in fields["parameters"].items():
            valid = (
                isinstance(shape, list)
                and len(shape) <= 32
                and all(is_int(n) and 0 <= n <= _MAX_COUNT for n in shape)
            )
            if not valid:
                raise self.invalid(
                    f"the shape of parameter {_short(name)} must be a list of"
                    f" integers >= 0, got {_short(shape)}"
                )
            shapes[name] = tuple(shape)
        fields["parameters"] = shapes
        state = fields["optimizer_state"]
        n_steps = state.get("n_steps")
        if not (is_int(n_steps) and 0 <= n_steps <= _MAX_COUNT):
            raise self.invalid(
                "optimizer_state n_steps must be an integer >= 0,"
                f" got {_short(n_steps)}"
            )
        fields["n_steps"] = n_steps
        slots = state.get("slots")
        if not isinstance(slots, dict):
            raise self.invalid(
                f"optimizer_state slots must be a JSON object, got {_short(slots)}"
            )
        for name, names in slots.items():
            valid = (
                name in fields["parameters"]
                and isinstance(names, list)
                and all(
                    isinstance(slot, str) and slot and "/" not in slot for slot in names
                )
                and len(set(names)) == len(names)
            )
            if not valid:
                raise self.invalid(
                    f"optimizer_state slots for {_short(name)} must be distinct names"
                    f" for one of the parameters, got {_short(names)}"
                )
        fields["slots"] = slots
        return fields

    def check_members(self, archive: zipfile.ZipFile, expected: set[str]) -> None:
        names = archive.namelist()
        if len(names) != len(set(names)):
            raise self.corrupt("it holds a member twice")
        missing = sorted(expected - set(names))
        unexpected = sorted(set(names) - expected)
        if missing:
            raise self.corrupt(f"arrays missing: {_short(missing)}")
        if unexpected:
            raise self.invalid(f"it holds unexpected members {_short(unexpected)}")

    def check_architecture(self, architecture: dict, shapes: dict) -> None:
        """Check the header's shapes against the Dense layers before building any.

        Building the network allocates its parameters, so an architecture that
        does not match the (size-checked) arrays must be refused first.
        """
        layers = architecture.get("layers")
        if not isinstance(layers, list):
            raise self.invalid(
                f"the architecture's layers must be a list, got {_short(layers)}"
            )
        derived = {}
        for index, entry in enumerate(layers):
            if not (isinstance(entry, dict) and entry.get("class") == "Dense"):
                continue  # other layers are checked when the network is built
            config = entry.get("config")
            if not isinstance(config, dict):
                raise self.invalid(f"layer {index}'s config must be a JSON object")
            n_inputs, n_units = config.get("n_inputs"), config.get("n_units")
            if not (is_int(n_inputs) and is_int(n_units)):
                raise self.invalid(
                    f"layer {index} (Dense) needs integer n_inputs and n_units, got"
                    f" {_short(n_inputs)} and {_short(n_units)}"
                )
            derived[f"layers.{index}.weights"] = (n_inputs, n_units)
            if config.get("use_bias", True):
                derived[f"layers.{index}.biases"] = (n_units,)
        for name, shape in derived.items():
            if shapes.get(name) != shape:
                raise self.invalid(
                    f"the architecture gives {name} shape {shape} but the header"
                    f" lists {_short(shapes.get(name))}"
                )

    def open_array(self, archive, member: str, dtype: np.dtype, shape):
        """Open ``member`` and check its .npy header before reading any data.

        ``shape`` None (the header) accepts any 1-D shape up to MAX_HEADER_BYTES.
        Returns the member positioned at its data, and (shape, fortran_order,
        dtype, n_bytes).
        """
        info = archive.getinfo(member)
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.invalid(
                f"{member} is compressed (zip method {info.compress_type}); glassnet"
                " stores arrays uncompressed"
            )
        if info.file_size != info.compress_size:
            raise self.corrupt(
                f"{member} is stored with {info.compress_size} bytes but claims"
                f" {info.file_size}"
            )
        if info.header_offset + info.compress_size > self.size:
            raise self.corrupt(
                f"{member} claims {info.file_size} bytes at offset"
                f" {info.header_offset}, beyond the file's {self.size} bytes"
            )
        with self.reading(member):
            stream = archive.open(info)
        with contextlib.ExitStack() as on_error:
            on_error.callback(stream.close)
            with self.reading(f"{member}'s .npy header"):
                magic = self._read_exact(stream, npy_format.MAGIC_LEN, member)
                version = npy_format.read_magic(BytesIO(magic))
                if version not in ((1, 0), (2, 0)):
                    raise self.corrupt(f"{member} has .npy version {version}")
                length_bytes = self._read_exact(
                    stream, 2 if version == (1, 0) else 4, member
                )
                length = int.from_bytes(length_bytes, "little")
                if length > _NPY_HEADER_MAX:
                    raise self.corrupt(f"{member}'s .npy header is {length} bytes long")
                text = self._read_exact(stream, length, member)
                read_header = (
                    npy_format.read_array_header_1_0
                    if version == (1, 0)
                    else npy_format.read_array_header_2_0
                )
                with warnings.catch_warnings():
                    # NumPy may warn about odd dtypes; a forged header is an error.
                    warnings.simplefilter("error")
                    found_shape, fortran_order, found_dtype = read_header(
                        BytesIO(length_bytes + text), max_header_size=_NPY_HEADER_MAX
                    )
            if found_dtype.hasobject:
                raise self.invalid(
                    f"{member} holds Python objects (dtype {found_dtype}); glassnet"
                    " files hold only numbers and are never unpickled"
                )
            if not (
                found_dtype.kind == dtype.kind
                and found_dtype.itemsize == dtype.itemsize
                and found_dtype.names is None
                and found_dtype.subdtype is None
            ):
                raise self.invalid(f"{member} holds {found_dtype}, expected {dtype}")
            if shape is None:
                if len(found_shape) != 1 or found_shape[0] > MAX_HEADER_BYTES:
                    raise self.invalid(
                        f"{member} has shape {_short(found_shape)}; the header must be"
                        f" 1-D and at most {MAX_HEADER_BYTES} bytes"
                    )
            elif tuple(found_shape) != tuple(shape):
                raise self.invalid(
                    f"{member} has shape {_short(found_shape)}, the header says"
                    f" {tuple(shape)}"
                )
            if any(n < 0 for n in found_shape):
                raise self.corrupt(f"{member} has shape {found_shape}")
            n_bytes = math.prod(found_shape) * found_dtype.itemsize
            data_offset = npy_format.MAGIC_LEN + len(length_bytes) + length
            if data_offset + n_bytes != info.file_size:
                raise self.corrupt(
                    f"{member} should hold {n_bytes} bytes of data for shape"
                    f" {found_shape}, but holds {info.file_size - data_offset}"
                )
            on_error.pop_all()
        return stream, (tuple(found_shape), fortran_order, found_dtype, n_bytes)

    def read_array(self, archive, member: str, dtype: np.dtype, shape) -> np.ndarray:
        """Return the checked array ``member``, read in pieces (CRC checked)."""
        stream, layout = self.open_array(archive, member, dtype, shape)
        found_shape, fortran_order, found_dtype, n_bytes = layout
        with stream:
            raw = np.empty(n_bytes, dtype=np.uint8)
            with self.reading(member):
                offset = 0
                while offset < n_bytes:
                    chunk = stream.read(min(_CHUNK_BYTES, n_bytes - offset))
                    if not chunk:
                        raise self.corrupt(f"{member} ends early")
                    raw[offset : offset + len(chunk)] = np.frombuffer(chunk, np.uint8)
                    offset += len(chunk)
                if stream.read(1):  # also makes zipfile check the CRC
                    raise self.corrupt(f"{member} is longer than its header says")
        values = raw.view(found_dtype)
        if fortran_order:
            values = values.reshape(found_shape[::-1]).transpose()
        else:
            values = values.reshape(found_shape)
        return np.ascontiguousarray(values, dtype=found_dtype.newbyteorder("="))

    def _read_exact(self, stream, n_bytes: int, member: str) -> bytes:
        data = stream.read(n_bytes)
        if len(data) != n_bytes:
            raise self.corrupt(f"{member} ends early")
        return data

    def build(self, network_class, architecture, dtype, shapes: dict, slots: dict):
        """Build the network from its architecture; check its parameters and slots."""
        try:
            network = network_class.from_config(architecture)
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,
        ) as error:
            raise self.invalid(
                f"its architecture cannot be built ({one_line(error)})"
            ) from None
        found = {
            name: tuple(param.shape)
            for name, param in network.named_parameters().items()
        }
        if network.dtype != dtype or found != shapes:
            raise self.invalid(
                f"the architecture has {network.dtype} parameters {_short(found)}"
                f" but the file holds {dtype} {_short(shapes)}"
            )
        # A file whose slots differ would fail only later, in the middle of fit.
        needed = set(network.optimizer.slot_names)
        for name, names in slots.items():
            if set(names) != needed:
                raise self.invalid(
                    f"{network.optimizer.name} keeps {sorted(needed)} for each"
                    f" parameter, the file has {_short(names)} for {name}"
                )
        return network

    def restore_generators(self, network, states: dict) -> None:
        targets = {"network": None}
        for index, layer in enumerate(network.layers):
            if isinstance(getattr(layer, "rng", None), np.random.Generator):
                targets[f"layers.{index}"] = layer
        if set(states) != set(targets):
            raise self.invalid(
                f"it holds random generator states for {_short(sorted(states))},"
                f" the architecture has {sorted(targets)}"
            )
        generators = {}
        for key, layer in targets.items():
            state = states[key]
            if isinstance(state, str):  # shares an earlier entry's generator
                if state not in generators:
                    raise self.invalid(
                        f"rng {key!r} refers to {_short(state)}, which is not an"
                        " earlier generator"
                    )
                generator = generators[state]
            else:
                generator = self.generator(key, state)
            generators[key] = generator
            if layer is None:
                network.rng = generator
            else:
                layer.rng = generator

    def generator(self, key: str, state) -> np.random.Generator:
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if not isinstance(name, str) or name not in _BIT_GENERATORS:
            raise self.invalid(
                f"rng {key!r} must be the state of one of {sorted(_BIT_GENERATORS)},"
                f" got {_short(state)}"
            )
        bit_generator = _BIT_GENERATORS[name](0)
        try:
            bit_generator.state = state
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
            raise self.invalid(
                f"rng {key!r} has an invalid state ({one_line(error)})"
            ) from None
        return np.random.Generator(bit_generator)

    def history(self, data: dict):
        try:
            return History.from_dict(data)
        except (ValueError, TypeError) as error:
            raise self.invalid(f"its history is invalid ({one_line(error)})") from None


_JSON_NAMES = {dict: "object", str: "string", list: "array"}


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60


def _short(value) -> str:
    """Return a short one-line repr of (possibly hostile, huge or deep) ``value``."""
    return " ".join(_REPR.repr(value).split())
