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


def test_the_export_bar_says_so_before_any_export(session, tmp_path):
    panel = widgets.ExportPanel(session, root=tmp_path)
    assert panel.progress.label.value == "not exported yet" and panel.progress.bar.value == 0
    assert panel.download.layout.display == "none"  # no link to nothing


def test_an_offered_file_is_a_download_that_works_without_the_server(session, tmp_path):
    video = tmp_path / "outside" / "my export.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\x00" * 10)
    panel = widgets.ExportPanel(session, root=tmp_path / "notebook")
    panel.offer(video)
    download = panel.download
    assert (download.role, download.name, download.size, download.src) == ("download", "my export.mp4", 10, "")
    assert download.paths[0].endswith("/outside/my export.mp4") and download.layout.display is None
    assert "Download my export.mp4 (10 B)" == download.label
