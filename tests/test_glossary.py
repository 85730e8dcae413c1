"""A network's glossary: what is kept, and what is refused in one line."""

import json

import numpy as np
import pytest

from glassnet import Dense, Network, glossary
from glassnet.recording import Recorder, Recording

GOOD = {
    "inputs": ["age", "sex=female"],
    "outputs": ["no", "yes"],
    "input_columns": ["age", "sex"],
    "task": "classification",
    "target": "survived",
    "table": {"columns": ["age", "sex"], "cells": [["22", "male"]], "truth": ["no"]},
    "importance": {
        "metric": "accuracy",
        "score": 0.8,
        "rows": 10,
        "n_repeats": 5,
        "columns": ["sex", "age"],
        "mean": [0.3, 0.01],
        "std": [0.02, 0.01],
    },
}


def test_a_good_glossary_is_kept_and_unknown_keys_dropped():
    checked = glossary.check({**GOOD, "extra": 1}, 2, 2, n_rows=1)
    assert "extra" not in checked
    assert checked["inputs"] == GOOD["inputs"] and checked["table"] == GOOD["table"]
    assert checked["importance"]["note"] == ""
    assert glossary.check(None, 2, 2) == {}


def test_long_names_are_cut_not_refused():
    checked = glossary.check({"inputs": ["x" * 1000, "y"]}, 2, 1)
    assert len(checked["inputs"][0]) == glossary.MAX_TEXT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": ["age"]}, "inputs must have 2 entries, got 1"),
        ({"outputs": ["no", 1]}, "outputs must be text, got int"),
        ({"output_scale": [0.0, float("nan")]}, "output_scale must hold finite"),
        ({"table": {"columns": ["a"], "cells": []}}, "table cells must be a list of 1"),
        ({"importance": {**GOOD["importance"], "rows": 0}}, "positive integers"),
        ({"importance": {**GOOD["importance"], "mean": [1.0]}}, "list of 2 numbers"),
        ({"why": {"row": -1, "columns": []}}, "why row must be a whole number"),
        (
            {"plane": {"columns": ["a", "b"], "x": [0, 1], "y": [0, 1], "size": 1}},
            "2 to",
        ),
        ("not a dict", "it must be a JSON object"),
    ],
)
def test_a_glossary_that_does_not_fit_is_refused_in_one_line(change, message):
    words = change if isinstance(change, str) else {**GOOD, **change}
    with pytest.raises(ValueError, match="invalid glossary") as error:
        glossary.check(words, 2, 2, n_rows=1)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_recording_file_with_a_bad_glossary_is_refused(tmp_path):
    net = Network([Dense(2, 2, "softmax")], loss="cce", seed=0)
    recorder = Recorder(rows=np.zeros((1, 2)))
    net.fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]), epochs=1, callbacks=[recorder])
    data = recorder.recording.to_dict()
    data["glossary"] = {"inputs": ["only one"]}
    path = tmp_path / "run.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ValueError, match="is not a glassnet run recording: invalid glossary"
    ):
        Recording.load(path)
