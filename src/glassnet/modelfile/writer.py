"""Saving a model file: the JSON header and the arrays, as one atomic zip."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
from numpy.lib import format as npy_format

from .._files import atomic_file, check_writable
from .._version import __version__
from ..network import Network
from .header import nests_deeper
from .layout import (
    BIT_GENERATORS,
    FORMAT_NAME,
    FORMAT_VERSION,
    HEADER_MEMBER,
    MAX_HEADER_BYTES,
    MAX_LAYERS,
    MAX_METADATA_DEPTH,
    is_slot_name,
    param_member,
    slot_member,
)

_ZIP64_THRESHOLD = 2**30  # members larger than this get zip64 sizes


def save(network: Network, path) -> None:
    """Write ``network`` to ``path`` atomically, as a model file.

    The format is described in ``docs/model-file-format.md``.

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
    if not isinstance(network, Network):
        raise TypeError(f"save: network must be a glassnet Network, got {network!r}")
    path = os.fspath(path)
    if len(network.layers) > MAX_LAYERS:
        raise ValueError(
            f"save: the network has {len(network.layers)} layers; a model file"
            f" holds at most {MAX_LAYERS}"
        )
    members = _network_arrays(network)
    members.insert(0, (HEADER_MEMBER, _encode_header(_header(network))))
    check_writable(path)
    with atomic_file(path) as file:
        archive = zipfile.ZipFile(file, "w", zipfile.ZIP_STORED)
        try:
            _write_members(archive, members)
        except BaseException:
            _abandon(archive)
            raise
        archive.close()


def _write_members(archive: zipfile.ZipFile, members: list) -> None:
    """Write each ``(name, array)`` as an uncompressed ``.npy`` member."""
    for name, array in members:
        # A fixed date (ZipInfo's 1980 default) makes files reproducible.
        info = zipfile.ZipInfo(name)
        info.external_attr = 0o644 << 16
        force_zip64 = array.nbytes > _ZIP64_THRESHOLD
        with archive.open(info, "w", force_zip64=force_zip64) as member:
            npy_format.write_array(member, array, allow_pickle=False)


def _abandon(archive: zipfile.ZipFile) -> None:
    """Drop a half-written archive without closing it.

    NOTE: an interruption (SIGTERM, Ctrl-C) inside ``archive.open`` leaves
    zipfile "writing" with no handle to close, and closing the archive would
    then raise a ValueError over the interruption (and again when it is
    garbage-collected). ``atomic_file`` deletes the temporary file anyway, so
    the archive is dropped unclosed.
    """
    archive.fp = None


def _header(network: Network) -> dict:
    """Return the JSON header: everything but the arrays."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "glassnet_version": __version__,
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


def _encode_header(header: dict) -> np.ndarray:
    """Return the header as UTF-8 JSON bytes in a uint8 array."""
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
    return np.frombuffer(encoded, dtype=np.uint8)


def _check_finite(what: str, array: np.ndarray) -> None:
    if not np.isfinite(array).all():
        raise ValueError(
            f"save: {what} holds NaN or infinite values, so the model cannot"
            " predict; train again (lower the learning rate or scale the inputs)"
        )


def _network_arrays(network: Network) -> list[tuple[str, np.ndarray]]:
    """Return (member name, array) for every parameter and optimizer slot."""
    params = network.named_parameters()
    for name, param in params.items():
        _check_finite(f"parameter {name!r}", param)
    members = [(param_member(name), param) for name, param in params.items()]
    for name, slots in network.optimizer.state.items():
        if name not in params:
            raise ValueError(
                f"save: the optimizer has state for {name!r}, which is not one of"
                f" the network's parameters {sorted(params)}"
            )
        for slot, value in slots.items():
            valid = (
                is_slot_name(slot)
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
            _check_finite(f"optimizer state {name!r}/{slot!r}", value)
            members.append((slot_member(name, slot), value))
    return members


def _generator_states(network: Network) -> dict:
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
        if type(bit_generator) is not BIT_GENERATORS.get(kind):
            raise ValueError(
                f"save: cannot save the state of {key}'s {kind}; use one of NumPy's"
                f" bit generators {sorted(BIT_GENERATORS)}"
            )
        states[key] = bit_generator.state
    return states


def _check_metadata(metadata) -> dict:
    if not isinstance(metadata, dict):
        raise ValueError(
            f"save: network.metadata must be a dict, got {type(metadata).__name__}"
        )
    if nests_deeper(metadata, MAX_METADATA_DEPTH):
        raise ValueError(
            f"save: network.metadata nests deeper than {MAX_METADATA_DEPTH} levels"
            " of dicts and lists; flatten it"
        )
    return metadata


def _json_default(value):
    """Turn NumPy scalars and arrays (say, in metadata) into JSON data."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON data")
