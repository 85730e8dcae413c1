"""Run recordings: ``Recording.load`` and ``glassnet report RUN.json`` on hostile files.

The promise: whatever the file, ``Recording.load`` returns a recording that
the report draws, or raises one ValueError line naming the file; never another
exception, never a hang, never unbounded memory.
"""

import copy
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import load_under_memory_cap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet import Dense, Network, report
from glassnet.cli import main
from glassnet.layers import Dropout
from glassnet.recording import Recorder, Recording

POSIX = os.name == "posix"
LINUX = sys.platform.startswith("linux")


@pytest.fixture(scope="module")
def run():
    """A small recorded run (Dense, Dropout, Dense), as to_dict() data."""
    network = Network(
        [Dense(2, 3, "tanh"), Dropout(0.1), Dense(3, 1, "sigmoid")],
        loss="bce",
        seed=0,
    )
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    recorder = Recorder(rows=X[:2])
    network.fit(X, [1, 1, 0, 0], epochs=3, callbacks=[recorder])
    return recorder.recording.to_dict()


def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


def assert_refused(path, *fragments):
    """Recording.load raises one ValueError line that names the file."""
    with pytest.raises(ValueError) as caught:
        Recording.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_a_network_may_start_with_dropout(tmp_path):
    network = Network([Dropout(0.1), Dense(2, 2, "tanh"), Dense(2, 1)], seed=0)
    recorder = Recorder(rows=np.ones((3, 2)))
    network.fit(np.ones((4, 2)), np.ones(4), epochs=2, callbacks=[recorder])
    recorder.recording.save(tmp_path / "run.json")
    recording = Recording.load(tmp_path / "run.json")
    assert recording.widths == [2, 2, 1]
    report.write(tmp_path / "report.html", recording=recording)


def test_a_valid_recording_round_trips_and_reports(run, tmp_path):
    path = write_json(tmp_path / "run.json", run)
    recording = Recording.load(path)
    assert recording.to_dict() == run
    assert recording.widths == [2, 3, 1]
    report.write(tmp_path / "report.html", recording=recording)


def changed(run, change):
    data = copy.deepcopy(run)
    change(data)
    return data


# Each case: how the probe's or a similar recording differs, part of the message.
BAD_RECORDINGS = {
    "no_config": (lambda d: d.pop("config"), "config must be a JSON object"),
    "config_without_layers": (lambda d: d.update(config={}), "list of 1 to 1000"),
    "string_width": (
        lambda d: d["config"]["layers"][0]["config"].update(n_inputs="<script>"),
        "layer 0 (Dense) needs integer n_inputs",
    ),
    "huge_width": (
        lambda d: d["config"]["layers"][0]["config"].update(n_inputs=10**9),
        "array of rows has shape (2, 2), expected (2, 1000000000)",
    ),
    "layers_disagree": (
        lambda d: d["config"]["layers"][2]["config"].update(n_inputs=4),
        "layer 2 has 4 inputs, not 3",
    ),
    "weights_too_small": (
        lambda d: d["snapshots"][1].update(weights=[[[1.0]], [[1.0]]]),
        "snapshot 1's weights 0 has shape (1, 1), expected (2, 3)",
    ),
    "weights_of_strings": (
        lambda d: d["snapshots"][0]["weights"][1][0].__setitem__(0, "1"),
        "weights 1 must be an array of numbers",
    ),
    "weights_ragged": (
        lambda d: d["snapshots"][0]["weights"][0][0].append(1.0),
        "weights 0 must be an array of numbers",
    ),
    "weights_nan": (
        lambda d: d["snapshots"][0]["weights"][0][0].__setitem__(0, float("nan")),
        "NaN or infinite",
    ),
    "outputs_missing": (
        lambda d: d["snapshots"][2].update(outputs=[]),
        "outputs for its 2 rows",
    ),
    "rows_wrong_width": (
        lambda d: d.update(rows=[[1.0]]),
        "rows has shape (1, 1), expected (1, 2)",
    ),
    "history_epoch_string": (
        lambda d: d["history"]["records"][0].update(epoch="x"),
        "history record must map names to numbers",
    ),
    "history_epoch_missing": (
        lambda d: d["history"]["records"][0].pop("epoch"),
        "epochs must be integers >= 0",
    ),
    "version_string": (lambda d: d.update(version="1"), "version must be an integer"),
    "version_bool": (lambda d: d.update(version=True), "version must be an integer"),
    "no_snapshots": (lambda d: d.update(snapshots=[]), "non-empty list of snapshots"),
    "snapshot_epoch_negative": (
        lambda d: d["snapshots"][0].update(epoch=-1),
        "epoch must be an integer >= 0",
    ),
    "logs_of_lists": (
        lambda d: d["snapshots"][1]["logs"].update(loss=[1]),
        "logs must map names to numbers",
    ),
    "layers_reversed": (
        lambda d: d["config"]["layers"].reverse(),
        "layer 2 has 2 inputs, not 1",
    ),
    "no_dense_layer": (
        lambda d: d["config"].update(layers=[{"class": "Dropout"}]),
        "no Dense layer",
    ),
    "thousands_of_layers": (
        lambda d: d["config"]["layers"].extend([{"class": "Dropout"}] * 1000),
        "list of 1 to 1000 layers",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDINGS))
def test_a_bad_recording_is_one_line_naming_the_file(run, tmp_path, case):
    change, fragment = BAD_RECORDINGS[case]
    path = write_json(tmp_path / "run.json", changed(run, change))
    assert_refused(path, fragment)


def test_a_newer_version_is_refused_with_upgrade_advice(run, tmp_path):
    path = write_json(
        tmp_path / "run.json", changed(run, lambda d: d.update(version=2))
    )
    assert_refused(path, "version 2 is newer than this glassnet reads (1); upgrade")


def test_deeply_nested_json_is_refused(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_refused(path, "nests too deeply")


def test_a_file_larger_than_the_limit_is_refused(run, tmp_path, monkeypatch):
    import glassnet.recording

    path = write_json(tmp_path / "run.json", run)
    monkeypatch.setattr(glassnet.recording, "MAX_FILE_BYTES", 100)
    assert_refused(path, "larger than a run recording may be")


def test_glassnet_report_on_a_bad_run_is_one_line(tmp_path, capsys):
    run = tmp_path / "run.json"
    run.write_text(
        '{"format":"glassnet-run","version":1,"config":{},"rows":[],"snapshots":[]}'
    )
    out = tmp_path / "r.html"
    assert main(["report", str(run), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"glassnet: error: {run} is not a glassnet run recording")
    assert not out.exists()


CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2**30, resource.RLIM_INFINITY))
from glassnet.recording import Recording
try:
    Recording.load(sys.argv[1])
except ValueError as error:
    print(error)
"""


@pytest.mark.skipif(not LINUX, reason="FIFOs, /dev/zero and RLIMIT_AS")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "dev_urandom"])
def test_a_fifo_or_device_is_refused_without_waiting_or_reading(tmp_path, kind):
    path = tmp_path / "run.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(f"/dev/{kind[4:]}")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    what = "a FIFO" if kind == "fifo" else "a character device"
    assert result.stdout == f"{path} is {what}, not a run recording file\n"
    assert result.returncode == 0, result.stderr


# -- fuzzing --------------------------------------------------------------------

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FUZZ_LONG = settings(FUZZ, max_examples=3000)

HOSTILE_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-1, 0, 1, 3, 2**31, 2**63, 10**300, "1", "Dense", "Dropout"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.lists(st.floats(-2, 2) | st.integers(-2, 4), max_size=4),
    st.lists(st.lists(st.floats(-2, 2), max_size=4), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def json_paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*prefix, index))


def mutate(run, data):
    """The run with one value replaced, deleted or wrapped in a list."""
    mutated = copy.deepcopy(run)
    for _ in range(data.draw(st.integers(1, 3), label="n_changes")):
        paths = list(json_paths(mutated))[1:]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["replace", "delete", "wrap"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "wrap":
            parent[path[-1]] = [parent[path[-1]]]
        else:
            parent[path[-1]] = data.draw(HOSTILE_JSON, label="value")
    return mutated


def load_or_refuse(path, tmp_path):
    """Load ``path``: a recording the report draws, or one ValueError line."""
    try:
        recording = Recording.load(path)
    except ValueError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(str(path)), message
        return
    report.write(tmp_path / "report.html", recording=recording)


def _mutated_runs(run, tmp_path, data):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(mutate(run, data)))
    load_or_refuse(path, tmp_path)


def _damaged_bytes(run, tmp_path, data):
    original = bytearray(json.dumps(run).encode())
    kind = data.draw(st.sampled_from(["random", "flip", "cut"]), label="kind")
    if kind == "random":
        damaged = data.draw(st.binary(max_size=300), label="bytes")
    else:
        damaged = original
        position = data.draw(st.integers(0, len(original) - 1), label="position")
        if kind == "flip":
            damaged[position] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        else:
            del damaged[position:]
    path = tmp_path / "fuzz.json"
    path.write_bytes(bytes(damaged))
    load_or_refuse(path, tmp_path)


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_recordings(run, tmp_path, data):
    _mutated_runs(run, tmp_path, data)


@FUZZ
@given(data=st.data())
def test_fuzz_damaged_recording_bytes(run, tmp_path, data):
    _damaged_bytes(run, tmp_path, data)


@pytest.mark.slow
@FUZZ_LONG
@given(data=st.data())
def test_fuzz_recordings_long(run, tmp_path, data):
    if data.draw(st.booleans(), label="mutate"):
        _mutated_runs(run, tmp_path, data)
    else:
        _damaged_bytes(run, tmp_path, data)


@pytest.mark.skipif(not LINUX, reason="RLIMIT_AS and /proc are Linux")
def test_nasty_recordings_are_refused_in_bounded_memory_and_time(run, tmp_path):
    cases = {
        "deep.json": "[" * 10**6,
        "huge_widths.json": changed(
            run,
            lambda d: [
                layer["config"].update(n_inputs=10**6, n_units=10**6)
                for layer in d["config"]["layers"]
                if layer["class"] == "Dense"
            ],
        ),
        "many_zeros.json": '{"format": "glassnet-run", "rows": ['
        + "0," * 10**7
        + "0]}",
    }
    for name, content in cases.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp_path / name).write_text(text)
    big = tmp_path / "sparse.json"  # 1 GB of zero bytes, stored sparse
    with open(big, "wb") as file:
        file.truncate(2**30)
    paths = [str(tmp_path / name) for name in cases] + [str(big)]
    results = load_under_memory_cap(
        "glassnet.recording:Recording.load", paths, headroom=2**29, timeout=60
    )
    outcomes = {path: outcome for path, (outcome, _) in results.items()}
    assert outcomes == dict.fromkeys(paths, "ValueError")
