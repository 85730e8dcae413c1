"""The learning report: one self-contained HTML file that shows a network learn.

It draws the network as neurons and synapses, named in the user's words when
the network has a glossary (:mod:`glassnet.glossary`: a table model's columns
and classes), the learning curves (loss, accuracy or R², learning rate), a
slider across the recorded epochs that redraws everything at that moment,
the predictions on the recorded rows, what matters and why when the glossary
holds them, and for a two-input network its decision surfaces. Everything is
inline (SVG, canvas, CSS, JavaScript): the file opens without a network.
"""

from __future__ import annotations

import html

import numpy as np

from .. import glossary as glossaries
from .._files import atomic_file, check_writable
from ..recording import Recording, Snapshot
from .drawing import MAX_NEURONS, network_svg
from .page import render_recording

__all__ = ["MAX_NEURONS", "network_html", "network_svg", "recording_of"]
__all__ += ["render_recording", "write"]


def network_html(network) -> str:
    """Return the network's diagram as HTML: ``Network._repr_html_`` (Jupyter)."""
    weights = [layer.params["weights"] for layer in network.dense_layers]
    words = network.metadata.get("glossary")
    return f"<p>{html.escape(repr(network))}</p>" + network_svg(
        network.widths,
        weights,
        glossary=glossaries.of_network(network) if words else None,
    )


def recording_of(network, rows=None, glossary: dict | None = None) -> Recording:
    """Return a one-moment recording of ``network`` as it is now.

    Parameters
    ----------
    network : Network
    rows : array-like of shape (n_rows, n_inputs), optional
        Inputs whose predictions the report shows.
    glossary : dict, optional
        More names than the network's ``metadata["glossary"]``.
    """
    rows = np.zeros((0, network.n_inputs)) if rows is None else np.asarray(rows, float)
    now = Snapshot.of(network, network.epochs_trained, rows if len(rows) else None)
    words = glossaries.of_network(network, glossary, len(rows))
    history = network.history.to_dict()
    return Recording(network.get_config(), rows, [now], history, words)


def write(path, recording: Recording | None = None, network=None) -> None:
    """Write the learning report of a recorded run or a network to ``path``.

    This is also ``Network.report(path, recording=None)``, with ``network``
    the network itself. The file is written atomically.

    Parameters
    ----------
    path : str or path-like
    recording : Recording, optional
        From a :class:`~glassnet.recording.Recorder` used in ``fit``, or
        ``Recording.load``: the slider across epochs and the predictions on
        its rows. When given, it is what the report shows.
    network : Network, optional
        Without a recording: its current weights, history and glossary.

    Raises
    ------
    ValueError
        If neither a recording nor a network is given.
    """
    if recording is not None:
        page = render_recording(recording)
    elif network is not None:
        page = render_recording(recording_of(network))
    else:
        raise ValueError("report needs a network or a recording")
    check_writable(path)
    with atomic_file(path, text=True) as file:
        file.write(page)
