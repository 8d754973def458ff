import importlib
import pkgutil
import types

from musicmaker_nb import widgets


def test_the_widgets_public_names_are_exported():
    public = {name for name, value in vars(widgets).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert public == set(widgets.__all__)


def test_private_modules_declare_all():
    for module_info in pkgutil.iter_modules(widgets.__path__):
        module = importlib.import_module(f"musicmaker_nb.widgets.{module_info.name}")
        assert isinstance(module.__all__, list), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
