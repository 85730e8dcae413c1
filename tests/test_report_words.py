"""The learning report in the user's words: a table's names, curves, reasons, planes.

Checked against things outside the report: the CSV file's own cells and
column names, the planted column that decides the target, the training
history's numbers, and XOR's known answer read back from the drawn pixels.
"""

import json
import re

import numpy as np
import pytest

pd = pytest.importorskip("pandas")

from conftest import save_screenshot  # noqa: E402

from glassnet import Dense, Network, report  # noqa: E402
from glassnet.cli import main  # noqa: E402
from glassnet.recording import Recorder, Recording  # noqa: E402

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def passengers(n=300, seed=0):
    """``sex`` decides survival; ``age`` (with gaps) and ``cabin`` are noise."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["male", "female"], n)
    frame = pd.DataFrame(
        {
            "sex": sex,
            "age": rng.integers(1, 80, n).astype(float),
            "cabin": rng.choice(["A", "B", "C"], n),
            "survived": np.where(sex == "female", "yes", "no"),
        }
    )
    frame.loc[::7, "age"] = np.nan
    return frame


@pytest.fixture(scope="module")
def table_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("table")
    data = folder / "passengers.csv"
    passengers().to_csv(data, index=False)
    page = folder / "report.html"
    status = main(
        [
            *("train", str(data), "--target", "survived", "--members", "1"),
            *("--epochs", "30", "--hidden", "16", "-o", str(folder / "model.npz")),
            *("--report", str(page), "--quiet"),
        ]
    )
    assert status == 0
    return page, data


def page_data(text):
    found = re.search(r'id="glassnet-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_table_report_names_neurons_and_shows_rows_as_written(table_report):
    page, data = table_report
    text = page.read_text()
    names = re.findall(r'<text class="neuron-name" data-layer="0"[^>]*>([^<]*)<', text)
    assert "sex=female" in names and "sex=male" in names
    # Every drawn input is named by its column; the missing indicator too.
    assert all(name.startswith(("sex=", "age", "cabin=")) for name in names)
    assert "age_missing" in page_data(text)["names"][0]
    outputs = re.findall(
        r'<text class="neuron-name" data-layer="2"[^>]*>([^<]*)<', text
    )
    assert outputs == ["no", "yes"]
    # The predictions table shows the file's first rows as the file has them.
    first = pd.read_csv(data).iloc[0]
    header = re.search(r'<section id="predictions">.*?<tr>(.*?)</tr>', text, re.S)
    heads = re.findall(r"<th>([^<]*)</th>", header.group(1))
    assert heads == ["sex", "age", "cabin", "true value", "no", "yes", "predicted"]
    cells = re.findall(r'<td class="cell">([^<]*)</td>', text)[:4]
    age = "" if np.isnan(first["age"]) else str(int(first["age"]))
    assert cells == [first["sex"], age, first["cabin"], first["survived"]]
    for part in ("network", "curves", "predictions", "importance", "why", "epoch"):
        assert f'id="{part}"' in text


def test_table_report_curves_follow_the_history(table_report):
    page, _ = table_report
    text = page.read_text()
    assert re.search(r'data-name="accuracy".*?data-name="val_accuracy"', text, re.S)
    # The learning rate warms up and decays: it changes, so it is drawn.
    assert 'data-name="learning_rate"' in text
    data = page_data(text)
    assert [s["epoch"] for s in data["snapshots"]] == list(range(31))


def test_importance_ranks_the_planted_column_first(table_report):
    text = table_report[0].read_text()
    section = text[text.index('<section id="importance">') :]
    bars = re.findall(
        r'<rect class="bar" data-name="([^"]*)" data-value="([^"]*)"', section
    )
    assert bars[0][0] == "sex" and float(bars[0][1]) > 0.3
    assert all(abs(float(value)) < 0.1 for _, value in bars[1:3])


def test_report_of_a_model_file_with_data(table_report, tmp_path, capsys):
    page, data = table_report
    out = tmp_path / "again.html"
    status = main(
        ["report", str(page.parent / "model.npz"), "--data", str(data), "-o", str(out)]
    )
    assert status == 0
    text = out.read_text()
    assert 'id="importance"' in text and 'id="why"' in text
    assert "sex=female" in text and 'class="cell"' in text
    run = tmp_path / "run.json"
    recorder = Recorder(rows=XOR_X)
    xor_network(epochs=2).fit(XOR_X, XOR_Y, epochs=1, callbacks=[recorder])
    recorder.recording.save(run)
    assert main(["report", str(run), "--data", str(data), "-o", str(out)]) == 1
    assert "--data goes with a table model file" in capsys.readouterr().err


def test_table_report_in_a_real_browser(table_report, browser_page, tmp_path):
    page = browser_page(table_report[0].as_uri())
    title = page.text_content("circle.neuron[data-layer='1'] title")
    assert title.startswith("l1[") and "strongest incoming weights" in title
    assert re.search(r"(sex|age|cabin)", title), "hidden neurons list inputs by name"
    final = page.inner_text("#epoch")
    first_cells = page.eval_on_selector_all(
        "td.prediction", "c => c.map(x => x.textContent)"
    )
    page.fill("#epoch-slider", "0")
    assert page.inner_text("#epoch") == "0" and final == "30"
    start_cells = page.eval_on_selector_all(
        "td.prediction", "c => c.map(x => x.textContent)"
    )
    assert start_cells != first_cells, "the predictions move with the slider"
    page.fill("#epoch-slider", "30")
    save_screenshot(page, tmp_path / "table.png", "report-table.png")
    assert page.errors == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests)


def xor_network(epochs=600):
    net = Network(
        [Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")],
        loss="bce",
        optimizer="adam",
        seed=0,
    )
    net.optimizer.learning_rate = 0.05
    return net


def test_xor_surface_separates_the_four_points(tmp_path, browser_page):
    net = xor_network()
    recorder = Recorder(rows=XOR_X, every=50)
    net.fit(XOR_X, XOR_Y, epochs=600, callbacks=[recorder])
    assert np.array_equal(net.predict(XOR_X).round(), XOR_Y)
    path = tmp_path / "xor.html"
    net.report(path, recording=recorder.recording)
    page = browser_page(path.as_uri())

    def colours():
        return page.evaluate(
            """() => {
              const canvas = document.getElementById("surface-output");
              const context = canvas.getContext("2d");
              return [...document.querySelectorAll("circle.point")].map((dot) => {
                const x = Math.round(+dot.getAttribute("cx"));
                const y = Math.round(+dot.getAttribute("cy"));
                return Array.from(context.getImageData(x, y, 1, 1).data);
              });
            }"""
        )

    # Blue is a high output, orange a low one: XOR's answers, point by point.
    final = colours()
    high = [blue > red for red, _, blue, _ in final]
    assert high == [False, True, True, False]
    assert page.locator("canvas.neuron-surface").count() == 8
    page.fill("#epoch-slider", "0")
    assert colours() != final, "the surface moves with the slider"
    page.fill("#epoch-slider", str(len(recorder.recording.snapshots) - 1))
    save_screenshot(page, tmp_path / "xor.png", "report-xor.png")
    assert page.errors == []


def test_two_numeric_columns_draw_the_plane_of_their_values(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"width": rng.uniform(0, 4, 200), "height": rng.uniform(0, 4, 200)}
    )
    frame["fits"] = np.where(frame["width"] + frame["height"] < 4, "yes", "no")
    data, page = tmp_path / "boxes.csv", tmp_path / "boxes.html"
    frame.to_csv(data, index=False)
    argv = ["train", str(data), "--target", "fits", "--members", "1", "--epochs", "20"]
    assert main([*argv, "--report", str(page), "--quiet"]) == 0
    text = page.read_text()
    assert 'id="surface"' in text and "(width across, height up" in text
    assert text.count('class="point"') == 200
    surface = page_data(text)["surface"]
    assert surface["columns"] == ["width", "height"]
    assert surface["x"][0] < 0.1 and surface["x"][1] > 3.9


def test_recording_keeps_its_glossary(tmp_path, table_report):
    recorder = Recorder(rows=XOR_X)
    net = xor_network()
    net.metadata["glossary"] = {"inputs": ["left", "right"], "outputs": ["xor"]}
    net.fit(XOR_X, XOR_Y, epochs=2, callbacks=[recorder])
    recorder.recording.save(tmp_path / "run.json")
    loaded = Recording.load(tmp_path / "run.json")
    assert loaded.glossary == {"inputs": ["left", "right"], "outputs": ["xor"]}
    report.write(tmp_path / "xor.html", recording=loaded)
    assert ">left</text>" in (tmp_path / "xor.html").read_text()


def test_report_names_a_model_saved_before_glossaries(table_report, tmp_path):
    import glassnet

    net = glassnet.load(table_report[0].parent / "model.npz")
    del net.metadata["glossary"]  # as a model file from an older glassnet
    net.save(tmp_path / "old.npz")
    out = tmp_path / "old.html"
    assert main(["report", str(tmp_path / "old.npz"), "-o", str(out)]) == 0
    assert ">sex=female</text>" in out.read_text()


def test_names_that_look_like_html_cannot_break_the_page(tmp_path, browser_page):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "<!--<script>": rng.normal(size=40),
            "b": rng.choice(["x", "</script><script>alert(1)</script>"], 40),
            "y": rng.choice(["p", "q"], 40),
        }
    )
    data, out = tmp_path / "odd.csv", tmp_path / "odd.html"
    frame.to_csv(data, index=False)
    argv = ["train", str(data), "--target", "y", "--members", "1", "--epochs", "3"]
    assert main([*argv, "-o", str(tmp_path / "m.npz"), "--report", str(out), "-q"]) == 0
    text = out.read_text()
    payload = re.search(r'id="glassnet-data">(.*?)</script>', text, re.S).group(1)
    assert "<" not in payload  # every < is \u003c inside the script element
    assert page_data(text)["names"][0][0] == "<!--<script>"
    page = browser_page(out.as_uri())
    assert page.locator("script").count() == 2
    page.fill("#epoch-slider", "0")
    assert page.inner_text("#epoch") == "0" and page.errors == []


def test_plane_of_rows_too_large_to_span_still_draws(tmp_path):
    net = xor_network()
    recorder = Recorder(rows=np.full((3, 2), 1e16))
    net.fit(XOR_X, XOR_Y, epochs=2, callbacks=[recorder])
    net.report(tmp_path / "big.html", recording=recorder.recording)
    surface = page_data((tmp_path / "big.html").read_text())["surface"]
    assert surface["x"][0] < surface["x"][1]


def test_outputs_beyond_floats_show_as_not_finite(tmp_path):
    net = Network([Dense(2, 1, "identity")], loss="mse", seed=0)
    net.metadata["glossary"] = {"output_scale": [0.0, 1e308], "task": "regression"}
    net.layers[0].params["weights"][...] = 10.0
    page = report.render_recording(report.recording_of(net, XOR_X))
    predictions = page_data(page)["snapshots"][0]["predictions"]
    assert predictions[0] == [0.0] and predictions[3] == [None]


def test_report_leaves_out_importance_too_costly_to_compute(table_report, monkeypatch):
    from glassnet import tabular
    from glassnet.tabular import narration

    model = tabular.TabularModel.load(table_report[0].parent / "model.npz")
    frame = pd.read_csv(table_report[1])
    assert narration.importance_rows(model, len(frame)) == len(frame)
    monkeypatch.setattr(narration, "IMPORTANCE_WORK", 1e3)  # a very wide table's case
    said = []
    words = narration.reasons(model, frame, say=said.append)
    assert "importance" not in words and words["why"]["columns"] == [
        "sex",
        "age",
        "cabin",
    ]
    assert said and "glassnet explain MODEL DATA --importance" in said[0]
