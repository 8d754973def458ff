import types

import musicmaker_nb


def test_all_public_names_are_exported():
    """Every public name defined by the package's modules is in __all__, and only those."""
    exported = set(musicmaker_nb.__all__)
    for name in exported:
        assert hasattr(musicmaker_nb, name), name
    public = {
        name
        for name, value in vars(musicmaker_nb).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == exported - {"__version__"}


def test_private_modules_declare_all():
    import importlib
    import pkgutil

    for module_info in pkgutil.iter_modules(musicmaker_nb.__path__):
        if module_info.name.startswith("_") and not module_info.name.startswith("__"):
            module = importlib.import_module(f"musicmaker_nb.{module_info.name}")
            assert isinstance(getattr(module, "__all__", None), list), module.__name__
            for name in module.__all__:
                assert hasattr(module, name), f"{module.__name__}.{name}"
