"""Fuzzing the table code's readers of untrusted bytes (issue 11).

- ``read_table`` on random bytes and on mutated real CSV, TSV, Parquet and
  compressed files, under every name it treats differently: a DataFrame, or a
  ValueError/OSError of one line, nothing else. The fuzz loop runs in a child
  Python under RLIMIT_AS and a timeout, so a file that would read without
  bound or hang fails the test instead of the machine.
- A bounded set of nasty files (``/dev/zero`` under each name, a FIFO, a
  gzip bomb) read in the same kind of child.
- The saved preprocessing and training summary, as mutated JSON: the model
  loads, or the table code raises ``ModelFileError`` (one line).
- CSV cells round-trip: what ``predict`` writes is what was read.

The quick runs take a few seconds each; ``--slow`` runs the long ones.
"""

import bz2
import copy
import gzip
import io
import lzma
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import fuzz_size, run_capped

import glassnet

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

tabular = pytest.importorskip("glassnet.tabular")

NAMES = (
    ".csv",
    ".tsv",
    ".csv.gz",
    ".bz2",
    ".zip",
    ".xz",
    ".tar",
    ".zst",
    ".parquet",
    "",
)


def seed_files() -> dict[str, bytes]:
    """Real files, each a starting point for mutations."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "zip": ["00123", "1e5", "7", ""] * 3,
            "age": rng.integers(18, 70, 12),
            "label": [" yes", "no", "NA", "None"] * 3,
        }
    )
    csv = frame.to_csv(index=False).encode()
    parquet = io.BytesIO()
    frame.to_parquet(parquet)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", csv)
    return {
        "csv": csv,
        "tsv": frame.to_csv(index=False, sep="\t").encode(),
        "quoted": b'a,b\n"x\n,y",1\n"q""",2\r\n',
        "parquet": parquet.getvalue(),
        "gz": gzip.compress(csv),
        "bz2": bz2.compress(csv),
        "xz": lzma.compress(csv),
        "zip": zipped.getvalue(),
    }


@st.composite
def hostile_bytes(draw):
    """Random bytes, or a real file with a few bytes flipped, cut or inserted."""
    seeds = seed_files()
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    data = bytearray(seeds[draw(st.sampled_from(sorted(seeds)))])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:]
    return bytes(data)


def check_read(folder: Path, data: bytes, suffix: str) -> None:
    """Read ``data`` saved under ``suffix``: a frame or a one-line error."""
    path = folder / f"data{suffix}"
    path.write_bytes(data)
    try:
        frame = tabular.read_table(path)
    except (ValueError, OSError) as error:
        message = str(error)
        assert message and "\n" not in message, repr(message)
    else:
        assert isinstance(frame, pd.DataFrame) and frame.shape[0] >= 1
    finally:
        path.unlink()


def fuzz_read_table(folder: str, max_examples: int) -> None:
    """The bytes fuzzer; run by :func:`run_child` under a memory cap."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=hostile_bytes(), suffix=st.sampled_from(NAMES))
    def fuzz(data, suffix):
        check_read(Path(folder), data, suffix)

    fuzz()


def run_fuzzer(tmp_path, max_examples: int, timeout: float) -> None:
    child = run_capped(
        f"""
        import test_tabular_fuzz
        test_tabular_fuzz.fuzz_read_table({str(tmp_path)!r}, {max_examples})
        print("ok")
        """,
        timeout=timeout,
    )
    assert child.stdout.strip() == "ok", child.stderr[-3000:]


def test_read_table_fuzz_quick(tmp_path):
    run_fuzzer(tmp_path, max_examples=150, timeout=120)


@pytest.mark.slow
def test_read_table_fuzz_long(tmp_path):
    run_fuzzer(tmp_path, max_examples=fuzz_size(ci=1500, deep=5000), timeout=1800)


# -- nasty files -----------------------------------------------------------------


def nasty_read(path: Path, *, timeout: float = 30) -> str:
    """Read ``path`` in a capped child; return its one line of outcome."""
    child = run_capped(
        f"""
        import glassnet.tabular as tabular
        try:
            frame = tabular.read_table({str(path)!r})
        except (ValueError, OSError) as error:
            print(type(error).__name__ + ":", error)
        else:
            print("frame", frame.shape)
        """,
        timeout=timeout,
    )
    assert child.returncode == 0 and child.stderr == "", child.stderr[-2000:]
    assert child.stdout.count("\n") == 1, child.stdout
    return child.stdout


@pytest.mark.parametrize("suffix", NAMES)
def test_dev_zero_under_any_name_is_one_line(tmp_path, suffix):
    link = tmp_path / f"data{suffix}"
    link.symlink_to("/dev/zero")
    assert nasty_read(link).startswith("ValueError:")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/urandom"])
def test_devices_are_one_line(tmp_path, device):
    link = tmp_path / "data.csv"
    link.symlink_to(device)
    assert nasty_read(link).startswith("ValueError:")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".csv.gz"])
def test_a_fifo_without_a_writer_is_one_line(tmp_path, suffix):
    fifo = tmp_path / f"data{suffix}"
    os.mkfifo(fifo)
    assert nasty_read(fifo, timeout=20).startswith("ValueError:")


def _gzip_bomb(path: Path, megabytes: int) -> None:
    """Write ``megabytes`` MB of CSV rows as a small gzip file."""
    block = b"1,2\n" * (1 << 18)  # 1 MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as file:
        file.write(compressor.compress(b"a,b\n"))
        for _ in range(megabytes):
            file.write(compressor.compress(block))
        file.write(compressor.flush())


@pytest.mark.slow
def test_a_gzip_bomb_is_one_line_under_a_memory_cap(tmp_path):
    bomb = tmp_path / "bomb.csv.gz"
    _gzip_bomb(bomb, 1500)
    assert bomb.stat().st_size < 5 << 20
    assert nasty_read(bomb, timeout=600).startswith("ValueError:")


# -- the saved preprocessing and training summary --------------------------------


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, 80),
            "colour": rng.choice(["red", "blue", "green"], 80),
            "cat": rng.choice(["yes", "no"], 80),
        }
    )
    frame["y"] = np.where(frame["age"] > 40, " yes", " no")
    frame.loc[3, "age"] = np.nan
    net = tabular.train(frame, "y", hidden=[3], epochs=2)
    return net, frame


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _places(document, path=()):
    """Every (container, key) in a JSON document, for mutations."""
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return
    for key, value in items:
        yield document, key
        yield from _places(value, (*path, key))


@st.composite
def mutated_metadata(draw, metadata):
    document = copy.deepcopy(
        {"preprocessing": metadata["preprocessing"], "training": metadata["training"]}
    )
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(document))
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(JSON_VALUES)
    return document


def check_metadata(net, frame, metadata) -> None:
    """Load ``metadata`` as the table code does: works, or ModelFileError."""
    saved = net.metadata
    net.metadata = metadata
    try:
        try:
            model = tabular.TabularModel.from_network(net)
            summary = model.summary
        except glassnet.ModelFileError as error:
            assert "\n" not in str(error)
            return
        except ValueError as error:  # a network saved from Python: no preprocessing
            assert metadata.get("preprocessing") is None, error
            return
        model.preprocessor.describe()
        repr(model)
        if summary is not None:
            summary.describe_epochs()
            if summary.validation_metrics is not None:
                tabular.format_metrics(summary.validation_metrics)
        try:
            model.predict(frame.head(5))
        except ValueError as error:  # such as a column the data lacks
            assert "\n" not in str(error)
    finally:
        net.metadata = saved


def _metadata_fuzz(trained, max_examples):
    net, frame = trained

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data):
        metadata = data.draw(mutated_metadata(net.metadata))
        check_metadata(net, frame, metadata)

    fuzz()


def test_metadata_fuzz_quick(trained):
    _metadata_fuzz(trained, 200)


@pytest.mark.slow
def test_metadata_fuzz_long(trained):
    _metadata_fuzz(trained, fuzz_size(ci=2000, deep=5000))


# -- CSV cells round-trip --------------------------------------------------------

CELLS = st.text(alphabet='0123456789 .e+-aN/A,"', min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, database=None)
@given(cells=st.lists(CELLS, min_size=2, max_size=6))
def test_predict_writes_back_every_cell_as_read(tmp_path_factory, trained, cells):
    net, frame = trained
    folder = tmp_path_factory.mktemp("cells")
    new = frame.head(len(cells)).copy()
    new["code"] = cells
    new.to_csv(folder / "new.csv", index=False)
    result = tabular.predict(net, tabular.read_table(folder / "new.csv"))
    tabular.write_table(result, folder / "out.csv")
    back = pd.read_csv(folder / "out.csv", dtype=str, keep_default_na=False)
    assert back["code"].tolist() == cells
