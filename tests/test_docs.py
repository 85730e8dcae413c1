"""Every docstring example runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import glassnet

MODULES = sorted(
    f"glassnet.{info.name}"
    for info in pkgutil.iter_modules(glassnet.__path__)
    if info.name != "__main__"
)


@pytest.mark.parametrize("name", ["glassnet", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    )
    assert result.failed == 0


def test_public_api_is_documented():
    for name in glassnet.__all__:
        item = getattr(glassnet, name)
        assert item.__doc__, f"glassnet.{name} has no docstring"
