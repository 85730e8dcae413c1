"""``get_config()`` and ``repr()`` for engine objects, read off their constructors."""

from __future__ import annotations

import inspect


class Configurable:
    """Mixin: ``get_config()`` returns each constructor argument's stored value.

    A subclass stores every argument of ``__init__`` under the same attribute
    name; names in ``_not_config`` (such as a random generator) are left out.
    Model files store the config, and ``repr()`` shows it.
    """

    _not_config: tuple[str, ...] = ()

    def get_config(self) -> dict:
        """Return the constructor arguments, for model files and ``repr``."""
        parameters = inspect.signature(type(self).__init__).parameters
        return {
            name: getattr(self, name)
            for name, parameter in parameters.items()
            if name != "self"
            and name not in self._not_config
            and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"
