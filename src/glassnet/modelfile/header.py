"""Checking a model file's JSON header before anything is built or allocated.

The header says what the file holds: format and version, field types, the
parameters' shapes, the optimizer's slots, and an architecture that must agree
with those shapes. Each check raises ModelFileError through ``errors``.
"""

from __future__ import annotations

import json

import numpy as np

from .._validation import is_int, one_line
from .errors import Errors, short
from .layout import (
    FORMAT_NAME,
    FORMAT_VERSION,
    HEADER_MEMBER,
    MAX_LAYERS,
    MAX_METADATA_DEPTH,
    is_slot_name,
    param_member,
    slot_member,
)

_MAX_COUNT = 2**63 - 1
_MAX_DIMENSIONS = 32
# The fields every version-1 header has, with the JSON type each must be.
_FIELDS = (
    ("architecture", dict),
    ("dtype", str),
    ("parameters", dict),
    ("optimizer_state", dict),
    ("rng", dict),
    ("history", dict),
    ("metadata", dict),
)
_JSON_NAMES = {dict: "object", str: "string", list: "array"}


def parse_header(data: bytes, errors: Errors) -> dict:
    """Return the header's JSON object from its UTF-8 bytes."""
    try:
        header = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise errors.invalid(f"its header is not JSON ({one_line(error)})") from None
    if not isinstance(header, dict):
        raise errors.invalid(
            f"its header is a JSON {type(header).__name__}, not an object"
        )
    return header


_CONTAINERS = (dict, list, tuple, np.ndarray)


def nests_deeper(value, limit: int) -> bool:
    """Whether dicts and lists nest more than ``limit`` deep in ``value``.

    Level by level, without recursion, stopping past ``limit``: a deep or
    circular structure costs no RecursionError and no endless loop, and
    millions of small objects cost one pass.
    """
    level, depth = [value] if isinstance(value, _CONTAINERS) else [], 1
    while level:
        children = []
        for item in level:
            if isinstance(item, np.ndarray):  # metadata being saved may hold arrays
                if depth + item.ndim - 1 > limit:
                    return True
                continue
            if depth > limit:
                return True
            children.extend(item.values() if isinstance(item, dict) else item)
        level = [item for item in children if isinstance(item, _CONTAINERS)]
        depth += 1
    return False


def check_version(header: dict, errors: Errors) -> None:
    """Refuse another format, and a version this glassnet cannot read."""
    if header.get("format") != FORMAT_NAME:
        raise errors.not_model_file(
            f"its header's format is {short(header.get('format'))}, not {FORMAT_NAME!r}"
        )
    version = header.get("format_version")
    if not is_int(version) or version < 1:
        raise errors.invalid(
            f"format_version must be a positive integer, got {short(version)}"
        )
    if version > FORMAT_VERSION:
        raise errors.newer(version)


def check_fields(header: dict, errors: Errors) -> dict:
    """Check every field's type and value; return them by name.

    Besides the header's own fields, the result has ``"seed"``, ``"n_steps"``
    and ``"slots"``, and ``"parameters"`` maps names to shape tuples.
    """
    fields = {}
    for key, kind in _FIELDS:
        if key not in header:
            raise errors.invalid(f"its header has no {key!r}")
        if not isinstance(header[key], kind):
            raise errors.invalid(
                f"header {key!r} must be a JSON {_JSON_NAMES[kind]},"
                f" got {short(header[key])}"
            )
        fields[key] = header[key]
    dtype = fields["dtype"]
    if dtype not in ("float32", "float64"):
        raise errors.invalid(
            f"header 'dtype' must be 'float32' or 'float64', got {short(dtype)}"
        )
    architecture_dtype = fields["architecture"].get("dtype")
    if architecture_dtype != dtype:
        raise errors.invalid(
            f"the architecture's dtype {short(architecture_dtype)} differs from"
            f" the header's {dtype!r}"
        )
    seed = header.get("seed")
    if seed is not None and not (is_int(seed) and seed >= 0):
        raise errors.invalid(f"seed must be null or an integer >= 0, got {short(seed)}")
    fields["seed"] = seed
    if nests_deeper(fields["metadata"], MAX_METADATA_DEPTH):
        raise errors.invalid(
            f"its metadata nests deeper than {MAX_METADATA_DEPTH} levels"
        )
    fields["parameters"] = _check_shapes(fields["parameters"], errors)
    fields["n_steps"], fields["slots"] = _check_optimizer_state(
        fields["optimizer_state"], fields["parameters"], errors
    )
    return fields


def _check_shapes(parameters: dict, errors: Errors) -> dict[str, tuple]:
    """Return parameter name -> shape, each a list of counts in the header."""
    shapes = {}
    for name, shape in parameters.items():
        valid = (
            isinstance(shape, list)
            and len(shape) <= _MAX_DIMENSIONS
            and all(is_int(n) and 0 <= n <= _MAX_COUNT for n in shape)
        )
        if not valid:
            raise errors.invalid(
                f"the shape of parameter {short(name)} must be a list of"
                f" integers >= 0, got {short(shape)}"
            )
        shapes[name] = tuple(shape)
    return shapes


def _check_optimizer_state(state: dict, shapes: dict, errors: Errors):
    """Return (n_steps, slots): the step count and parameter -> slot names."""
    n_steps = state.get("n_steps")
    if not (is_int(n_steps) and 0 <= n_steps <= _MAX_COUNT):
        raise errors.invalid(
            f"optimizer_state n_steps must be an integer >= 0, got {short(n_steps)}"
        )
    slots = state.get("slots")
    if not isinstance(slots, dict):
        raise errors.invalid(
            f"optimizer_state slots must be a JSON object, got {short(slots)}"
        )
    for name, names in slots.items():
        valid = (
            name in shapes
            and isinstance(names, list)
            and all(is_slot_name(slot) for slot in names)
            and len(set(names)) == len(names)
        )
        if not valid:
            raise errors.invalid(
                f"optimizer_state slots for {short(name)} must be distinct names"
                f" for one of the parameters, got {short(names)}"
            )
    return n_steps, slots


def expected_arrays(shapes: dict, slots: dict) -> dict[str, tuple]:
    """Return member name -> shape for every array the header promises."""
    arrays = {param_member(name): shape for name, shape in shapes.items()}
    arrays.update(
        (slot_member(name, slot), shapes[name])
        for name, names in slots.items()
        for slot in names
    )
    return arrays


def check_members(names: list[str], arrays: dict, errors: Errors) -> None:
    """Check that the archive holds the header and ``arrays``, each once, no more."""
    expected = {HEADER_MEMBER, *arrays}
    if len(names) != len(set(names)):
        raise errors.corrupt("it holds a member twice")
    missing = sorted(expected - set(names))
    unexpected = sorted(set(names) - expected)
    if missing:
        raise errors.corrupt(f"arrays missing: {short(missing)}")
    if unexpected:
        raise errors.invalid(f"it holds unexpected members {short(unexpected)}")


def check_architecture(architecture: dict, shapes: dict, errors: Errors) -> None:
    """Check the header's shapes against the Dense layers before building any.

    Building the network allocates its parameters, so an architecture that
    does not match the (size-checked) arrays must be refused first.
    """
    layers = architecture.get("layers")
    if not isinstance(layers, list):
        raise errors.invalid(
            f"the architecture's layers must be a list, got {short(layers)}"
        )
    if len(layers) > MAX_LAYERS:
        raise errors.invalid(
            f"its architecture has {len(layers)} layers, more than the"
            f" {MAX_LAYERS} a model file may have"
        )
    derived = {}
    for index, entry in enumerate(layers):
        if not (isinstance(entry, dict) and entry.get("class") == "Dense"):
            continue  # other layers are checked when the network is built
        config = entry.get("config")
        if not isinstance(config, dict):
            raise errors.invalid(f"layer {index}'s config must be a JSON object")
        n_inputs, n_units = config.get("n_inputs"), config.get("n_units")
        if not (is_int(n_inputs) and is_int(n_units)):
            raise errors.invalid(
                f"layer {index} (Dense) needs integer n_inputs and n_units, got"
                f" {short(n_inputs)} and {short(n_units)}"
            )
        derived[f"layers.{index}.weights"] = (n_inputs, n_units)
        if config.get("use_bias", True):
            derived[f"layers.{index}.biases"] = (n_units,)
    for name, shape in derived.items():
        if shapes.get(name) != shape:
            raise errors.invalid(
                f"the architecture gives {name} shape {shape} but the header"
                f" lists {short(shapes.get(name))}"
            )
