"""Methods that live in a module above the engine, imported on first use."""

from __future__ import annotations

import importlib


class Lazy:
    """A method that lives in a module above the engine, imported on first use.

    The engine never imports training, explaining or reporting at import time;
    ``Network.fit`` and its siblings reach them through this, and keep the real
    function's signature and docstring for ``help()``.
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __get__(self, network, owner=None):
        module = importlib.import_module(f"glassnet.{self.module}")
        function = getattr(module, self.name)
        return function if network is None else function.__get__(network, owner)
