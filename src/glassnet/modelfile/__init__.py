"""Model files: save a network and load it back, exactly, without pickle.

``save(network, path)`` writes everything needed to predict *and* to go on
training bit for bit: the architecture, the parameters, the optimizer's state,
the random generators' states, the history and the user's ``metadata``.
``load(path)`` returns a :class:`~glassnet.Network` that predicts
bit-identically and whose ``fit`` continues where the saved one stopped. A
model file is an uncompressed ``.npz``; ``load`` checks every byte it uses and
never unpickles. The format, its versioning, safety guarantees and limits are
described in ``docs/model-file-format.md``.

One module per job:

- ``writer``: ``save``, the header and the arrays as one atomic zip;
- ``reader``: ``load``, its steps in order, and ``is_model_file``;
- ``header``: the JSON header's checks (version, fields, shapes, members);
- ``npy``: reading ``.npy`` members safely (check, then allocate);
- ``layout``: the format's names and limits; ``errors``: ModelFileError.

Examples
--------
>>> import os, tempfile
>>> from glassnet import Dense, Network
>>> from glassnet import modelfile
>>> net = Network([Dense(2, 1)], seed=0)
>>> with tempfile.TemporaryDirectory() as directory:
...     path = os.path.join(directory, "model.npz")
...     modelfile.save(net, path)
...     print(modelfile.is_model_file(path), modelfile.load(path).widths)
True [2, 1]
"""

from .errors import ModelFileError
from .layout import FORMAT_VERSION, MAX_HEADER_BYTES, MAX_LAYERS, MAX_METADATA_DEPTH
from .reader import is_model_file, load
from .writer import save

__all__ = [
    "FORMAT_VERSION",
    "MAX_HEADER_BYTES",
    "MAX_LAYERS",
    "MAX_METADATA_DEPTH",
    "ModelFileError",
    "is_model_file",
    "load",
    "save",
]
