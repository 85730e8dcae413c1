"""The fixed names and limits of a model file, shared by the writer and the reader.

Each fact of the layout (format version 1, ``docs/model-file-format.md``) is
written here once.
"""

from __future__ import annotations

import numpy as np

#: The format version this glassnet writes, and the newest it reads.
FORMAT_VERSION = 1
#: The largest JSON header written or read, in bytes.
MAX_HEADER_BYTES = 16 * 2**20
#: The most layers a model file may list: checked before anything is built.
MAX_LAYERS = 1000
#: How deeply ``metadata`` may nest (dicts and lists within each other).
MAX_METADATA_DEPTH = 64

#: The header's ``"format"``: what makes a file a glassnet model file.
FORMAT_NAME = "glassnet-model"
HEADER_MEMBER = "header.npy"
#: The first bytes of a zip archive: a member, or the end of an empty archive.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: The bit generators whose state can be saved, by class name.
BIT_GENERATORS = {
    cls.__name__: cls
    for cls in (
        np.random.PCG64,
        np.random.PCG64DXSM,
        np.random.MT19937,
        np.random.Philox,
        np.random.SFC64,
    )
}


def param_member(name: str) -> str:
    """Return the member that holds parameter ``name``."""
    return f"params/{name}.npy"


def slot_member(name: str, slot: str) -> str:
    """Return the member that holds the optimizer's ``slot`` for parameter ``name``."""
    return f"optimizer/{name}/{slot}.npy"


def is_slot_name(slot) -> bool:
    """Return whether ``slot`` can name an optimizer slot (part of a member name)."""
    return isinstance(slot, str) and bool(slot) and "/" not in slot
