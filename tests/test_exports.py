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


def _private_modules() -> list[types.ModuleType]:
    """Every ``_name`` module in every subpackage (client, protocol, engine and its rooms, ...)."""
    import importlib
    import pkgutil

    names = [info.name for info in pkgutil.walk_packages(musicmaker_nb.__path__, "musicmaker_nb.")
             if info.name.rsplit(".", 1)[-1].startswith("_") and not info.name.endswith("__main__")]
    return [importlib.import_module(name) for name in names]


def test_private_modules_declare_all():
    modules = _private_modules()
    assert len(modules) > 60  # the walk really reaches the subpackages
    for module in modules:
        assert isinstance(getattr(module, "__all__", None), list), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_the_protocol_exports_what_it_defines():
    from musicmaker_nb import protocol

    public = {name for name, value in vars(protocol).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert public == set(protocol.__all__) - {"__version__"}
