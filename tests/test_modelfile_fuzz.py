"""Fuzzing the model-file loader: single-byte mutations, hostile headers and metadata.

Whatever the bytes, ``load`` returns the very network that was saved or raises
``ModelFileError`` with one line naming the file: never another exception,
never a hang, never memory a forged header asks for. The quick runs are in the
default test run; the exhaustive ones are marked slow.
"""

import json
import sys
import time
import zipfile
from io import BytesIO

import numpy as np
import pytest
from conftest import DEEP_FUZZ, fuzz_size, load_under_memory_cap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet.modelfile
from glassnet import Adam, Dense, Network
from glassnet.layers import Dropout
from glassnet.modelfile import ModelFileError

LINUX = sys.platform.startswith("linux")


@pytest.fixture(scope="module")
def original():
    network = Network(
        [Dense(4, 5, "relu"), Dropout(0.2), Dense(5, 2, "softmax")],
        loss="categorical_crossentropy",
        optimizer=Adam(0.01),
        seed=3,
    )
    rng = np.random.default_rng(0)
    network.fit(rng.normal(size=(30, 4)), rng.integers(0, 2, 30), epochs=2)
    # Over 4 KiB of header: zipfile checks a smaller member's CRC at its first
    # read, which would hide the parser behind it from single-byte mutations.
    network.metadata = {"note": "x" * 5000, "labels": ["a", "b"]}
    return network


@pytest.fixture(scope="module")
def original_bytes(original, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz_original") / "model.npz"
    glassnet.modelfile.save(original, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "model.npz"


def same_network(expected, found):
    assert found.get_config() == expected.get_config()
    for name, value in expected.state_dict().items():
        assert np.array_equal(found.state_dict()[name], value), name
    assert found.metadata == expected.metadata
    assert found.history.to_dict() == expected.history.to_dict()


def load_or_refuse(data: bytes, path):
    """Return the loaded network, or None for a one-line ModelFileError."""
    path.write_bytes(data)
    try:
        return glassnet.modelfile.load(path)
    except ModelFileError as error:
        message = str(error)
        assert "\n" not in message and str(path) in message, message
        return None


def read_members(data: bytes) -> dict:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bytes(members: dict) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def npy_header_length(member: bytes) -> int:
    """The length of a .npy member's magic, length field and header dict."""
    if member[6:7] == b"\x01":
        return 10 + int.from_bytes(member[8:10], "little")
    return 12 + int.from_bytes(member[8:12], "little")


def header_regions(data: bytes, names=None) -> list[int]:
    """Offsets of each member's zip local header and .npy header, in the file."""
    offsets = []
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            if names is not None and info.filename not in names:
                continue
            start = info.header_offset
            data_start = start + 30 + len(info.filename) + len(info.extra)
            member = data[data_start : data_start + 12]
            end = data_start + npy_header_length(member)
            offsets.extend(range(start, end))
    return offsets


def flip_each(original, original_bytes, scratch, offsets, masks):
    """Flip each offset with each mask; every result loads right or is refused."""
    loaded = 0
    for offset in offsets:
        for mask in masks:
            damaged = bytearray(original_bytes)
            damaged[offset] ^= mask
            network = load_or_refuse(bytes(damaged), scratch)
            if network is not None:  # bytes nobody reads: a zip date, say
                same_network(original, network)
                loaded += 1
    return loaded


# -- single-byte mutations in the file (F5) -------------------------------------

QUICK_MEMBERS = {"header.npy", "params/layers.0.weights.npy"}


def test_every_byte_of_two_member_headers_flipped(original, original_bytes, scratch):
    offsets = header_regions(original_bytes, QUICK_MEMBERS)
    assert 50 in offsets and len(offsets) > 200
    flip_each(original, original_bytes, scratch, offsets, [0x40])


@pytest.mark.slow
def test_every_byte_of_every_member_header_flipped_every_way(
    original, original_bytes, scratch
):
    offsets = header_regions(original_bytes)
    every_way = [1 << bit for bit in range(8)] + [0xFF]
    masks = every_way if DEEP_FUZZ else [0x01, 0x20, 0x80, 0xFF]
    flip_each(original, original_bytes, scratch, offsets, masks)


@pytest.mark.slow
def test_every_byte_of_the_file_flipped(original, original_bytes, scratch):
    offsets = range(len(original_bytes))
    masks = [0x01, 0x40, 0x80] if DEEP_FUZZ else [0x40]
    flip_each(original, original_bytes, scratch, offsets, masks)


def _flip_inside_member(original, original_bytes, scratch, name, offset, mask):
    """Flip a byte of a member's .npy header and fix the CRC: the parser sees it."""
    members = read_members(original_bytes)
    member = bytearray(members[name])
    member[offset] ^= mask
    # '<f8' flipped to '>f8' is a valid file of other numbers, read as written.
    byte_order = {members[name][offset], member[offset]} == {ord("<"), ord(">")}
    members[name] = bytes(member)
    network = load_or_refuse(zip_bytes(members), scratch)
    if network is not None and not byte_order:
        same_network(original, network)
    elif network is not None:
        assert all(np.isfinite(p).all() for p in network.state_dict().values())


def test_every_npy_header_byte_flipped_behind_a_good_crc(
    original, original_bytes, scratch
):
    members = read_members(original_bytes)
    for name in sorted(QUICK_MEMBERS):
        for offset in range(npy_header_length(members[name])):
            _flip_inside_member(original, original_bytes, scratch, name, offset, 0x40)


@pytest.mark.slow
def test_every_npy_header_byte_of_every_member_flipped_behind_a_good_crc(
    original, original_bytes, scratch
):
    members = read_members(original_bytes)
    for name, member in members.items():
        for offset in range(npy_header_length(member)):
            for bit in range(8) if DEEP_FUZZ else (0, 3, 6):
                _flip_inside_member(
                    original, original_bytes, scratch, name, offset, 1 << bit
                )


# -- hostile JSON headers and metadata (F4, F17) --------------------------------

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_LONG = settings(FUZZ, max_examples=fuzz_size(ci=800, deep=2000))

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 0, 2**63, 10**300, "Dense", "Dropout", "network"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


class Nested:
    """Metadata nested ``depth`` deep, as JSON text (too deep for json.dumps)."""

    def __init__(self, depth, kind):
        self.depth, self.kind = depth, kind

    def text(self) -> str:
        start, end = ("[", "]") if self.kind == "list" else ('{"k": ', "}")
        return start * self.depth + "0" + end * self.depth

    def __repr__(self):
        return f"Nested({self.depth}, {self.kind!r})"


def nested(depth, kind):
    return Nested(depth, kind)


HOSTILE_METADATA = st.one_of(
    JSON_VALUES,
    st.builds(nested, st.integers(60, 70), st.sampled_from(["list", "dict"])),
    st.builds(nested, st.sampled_from([900, 5000]), st.sampled_from(["list", "dict"])),
    st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=5),
)


def with_header(original_bytes, change) -> bytes:
    members = read_members(original_bytes)
    header = json.loads(np.load(BytesIO(members["header.npy"])).tobytes())
    change(header)
    deep = header.get("metadata")
    if isinstance(deep, Nested):
        header["metadata"] = "DEEP"
    text = json.dumps(header)
    if isinstance(deep, Nested):
        text = text.replace('"metadata": "DEEP"', f'"metadata": {deep.text()}')
    text = text.encode()
    buffer = BytesIO()
    np.lib.format.write_array(buffer, np.frombuffer(text, np.uint8))
    members["header.npy"] = buffer.getvalue()
    return zip_bytes(members)


def _hostile_metadata(original, original_bytes, scratch, data):
    metadata = data.draw(HOSTILE_METADATA, label="metadata")
    started = time.perf_counter()
    network = load_or_refuse(
        with_header(original_bytes, lambda h: h.update(metadata=metadata)), scratch
    )
    assert time.perf_counter() - started < 2.0
    if network is not None:
        assert isinstance(network.metadata, dict)
        assert not isinstance(metadata, Nested) or metadata.depth <= 64
        if not isinstance(metadata, Nested):
            assert json.dumps(network.metadata) == json.dumps(metadata)


def _hostile_header_values(original_bytes, scratch, data):
    def change(header):
        key = data.draw(st.sampled_from(sorted(header)), label="key")
        inner = header[key]
        if isinstance(inner, dict) and inner and data.draw(st.booleans()):
            inner[data.draw(st.sampled_from(sorted(inner)))] = data.draw(JSON_VALUES)
        else:
            header[key] = data.draw(JSON_VALUES, label="value")

    load_or_refuse(with_header(original_bytes, change), scratch)


def _hostile_layers(original_bytes, scratch, data):
    layer = st.fixed_dictionaries(
        {"class": st.sampled_from(["Dense", "Dropout", "x"]), "config": JSON_VALUES}
    )
    count = data.draw(st.sampled_from([0, 1, 2, 999, 1001, 3000]), label="count")
    kind = data.draw(layer, label="layer")

    def change(header):
        header["architecture"]["layers"] = [kind] * count
        header["rng"].update({f"layers.{i}": "network" for i in range(count)})

    load_or_refuse(with_header(original_bytes, change), scratch)


@FUZZ
@given(data=st.data())
def test_fuzz_hostile_metadata(original, original_bytes, scratch, data):
    _hostile_metadata(original, original_bytes, scratch, data)


@FUZZ
@given(data=st.data())
def test_fuzz_hostile_header_values(original_bytes, scratch, data):
    _hostile_header_values(original_bytes, scratch, data)


@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_fuzz_hostile_layer_lists(original_bytes, scratch, data):
    _hostile_layers(original_bytes, scratch, data)


@pytest.mark.slow
@FUZZ_LONG
@given(data=st.data())
def test_fuzz_headers_long(original, original_bytes, scratch, data):
    kind = data.draw(st.sampled_from(["metadata", "values", "layers"]))
    if kind == "metadata":
        _hostile_metadata(original, original_bytes, scratch, data)
    elif kind == "values":
        _hostile_header_values(original_bytes, scratch, data)
    else:
        _hostile_layers(original_bytes, scratch, data)


# -- the nasty cases, under a memory limit and a clock ---------------------------


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS and /proc are Linux")
def test_nasty_headers_are_refused_in_bounded_memory_and_time(original_bytes, tmp_path):
    def dropouts(count):
        def change(header):
            layers = header["architecture"]["layers"]
            header["architecture"]["layers"] = [
                layers[0],
                *[{"class": "Dropout", "config": {"rate": 0.0}}] * count,
                layers[2],
            ]
            header["rng"].update({f"layers.{i}": "network" for i in range(count)})

        return change

    # Each case: the change, and the outcome. Three million objects in a 12 MB
    # header are valid metadata: bounded by the 16 MiB header, they load.
    cases = {
        # F17: the probe's 15 MB file of 200,000 layers (7.5 s, 465 MB before)
        "200k_dropouts": (dropouts(200_000), "ModelFileError"),
        "metadata_900_deep": (
            lambda h: h.update(metadata=nested(900, "dict")),
            "ModelFileError",
        ),
        "metadata_100k_deep": (
            lambda h: h.update(metadata=nested(100_000, "list")),
            "ModelFileError",
        ),
        "metadata_many_objects": (
            lambda h: h.update(metadata={"x": [{}] * 3_000_000}),
            "loaded",
        ),
    }
    paths, expected = [], {}
    for name, (change, outcome) in cases.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(with_header(original_bytes, change))
        assert path.stat().st_size < 16 * 2**20 + 10_000
        paths.append(str(path))
        expected[str(path)] = outcome
    results = load_under_memory_cap(
        "glassnet.modelfile:load", paths, headroom=2**29, timeout=120
    )
    for path, (outcome, seconds) in results.items():
        assert outcome == expected[path], path
        assert seconds < 10, path
