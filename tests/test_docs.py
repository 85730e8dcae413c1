"""Every docstring example runs and prints what it says."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import glassnet


def _raise(name):
    # walk_packages would otherwise skip a subpackage that fails to import, and
    # its modules would silently leave this test.
    raise ImportError(f"cannot import {name}, so its doctests cannot run")


# Every module and subpackage, recursively: a module split into a package stays
# tested. __main__ modules run the command line on import.
MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(
        glassnet.__path__, prefix="glassnet.", onerror=_raise
    )
    if info.name.rpartition(".")[2] != "__main__"
)


def test_every_file_of_the_package_is_walked():
    root = Path(glassnet.__file__).parent
    files = {
        ".".join(
            ("glassnet", *path.relative_to(root).with_suffix("").parts)
        ).removesuffix(".__init__")
        for path in root.rglob("*.py")
    }
    missed = sorted(
        name
        for name in files - {"glassnet", *MODULES}
        if not name.endswith(".__main__")
    )
    assert not missed, (
        f"the doctest walk misses {missed}: is a folder without __init__.py?"
    )


@pytest.mark.parametrize("name", ["glassnet", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    )
    assert result.failed == 0, f"{result.failed} docstring example(s) fail in {name}"


def test_public_api_is_documented():
    for name in glassnet.__all__:
        item = getattr(glassnet, name)
        assert item.__doc__, f"glassnet.{name} has no docstring"
