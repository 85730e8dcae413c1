"""Methods that live in a module above the engine, imported on first use."""

from __future__ import annotations

import functools
import importlib


class Lazy:
    """A method that lives in a module above the engine, imported on first use.

    The engine never imports training, explaining or reporting at import time;
    ``Network.fit`` and its siblings reach them through this, and keep the real
    function's signature and docstring for ``help()``.

    Parameters
    ----------
    module, name : str
        Where the function lives: ``glassnet.<module>.<name>``.
    keyword : str, optional
        Pass the network as this keyword argument; by default it is the first
        positional one, as ``self`` is.
    """

    def __init__(self, module: str, name: str, *, keyword: str | None = None) -> None:
        self.module, self.name, self.keyword = module, name, keyword

    def __get__(self, network, owner=None):
        module = importlib.import_module(f"glassnet.{self.module}")
        function = getattr(module, self.name)
        if network is None:
            return function
        if self.keyword is None:
            return function.__get__(network, owner)
        method = functools.partial(function, **{self.keyword: network})
        return functools.update_wrapper(method, function)
