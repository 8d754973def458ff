"""Every notebook runs top to bottom, unattended, against the embedded engine (nbclient, a real kernel)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# Binder gives a pod 2 GB; the kernel (with the engine inside it) and its ffmpeg must stay well under.
BINDER_MEMORY_BUDGET_MB = 1500

# The kernel's own peak is VmHWM: its ru_maxrss also counts the process it was forked from (Linux
# keeps the high-water mark across exec), which here is the whole test session.
PEAK_MEMORY_CELL = """import json, re, resource
status = open("/proc/self/status").read()
kernel_kb = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"kernel_mb": kernel_kb / 1024, "children_mb": children_kb / 1024,
                  "kernel_ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"""


def run_notebook(name: str, workdir: Path, monkeypatch, *, extra_cells: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    monkeypatch.setenv("MUSICMAKER_NB_CLIP_SECONDS", "3")  # short clips and quick exports keep CI light
    monkeypatch.setenv("MUSICMAKER_NB_QUALITY", "low")
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    # the kernel imports the package under test, installed or not
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    shutil.copy(NOTEBOOKS / name, workdir / name)
    notebook = nbformat.read(workdir / name, as_version=4)
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in extra_cells]
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.get("outputs", []))


def widget_views(notebook: nbformat.NotebookNode) -> int:
    return sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
               for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", []))


@pytest.mark.slow
def test_quickstart_runs_and_fits_a_binder_pod(tmp_path, monkeypatch):
    notebook = run_notebook("01_quickstart.ipynb", tmp_path, monkeypatch, extra_cells=(PEAK_MEMORY_CELL,))
    text = outputs_text(notebook)
    assert "1920x1080" in text
    assert widget_views(notebook) >= 2  # the app and the player were displayed
    assert list((tmp_path / "musicmaker_files" / "exports").glob("*.mp4"))
    assert list((tmp_path / "musicmaker_files" / "previews").glob("*.mp4"))
    peak = json.loads(notebook.cells[-1].outputs[0]["text"])
    assert peak["kernel_mb"] + peak["children_mb"] < BINDER_MEMORY_BUDGET_MB, peak


@pytest.mark.slow
def test_compare_variants_runs(tmp_path, monkeypatch):
    notebook = run_notebook("02_compare_variants.ipynb", tmp_path, monkeypatch)
    assert len(list((tmp_path / "musicmaker_files" / "variants").glob("*.mp4"))) == 3
    assert "BGM" in outputs_text(notebook)


@pytest.mark.slow
def test_remote_service_skips_cleanly_without_a_token(tmp_path, monkeypatch):
    notebook = run_notebook("03_remote_service.ipynb", tmp_path, monkeypatch)
    text = outputs_text(notebook)
    assert "NEMO_TOKEN is not set" in text
    assert text.count("skipped: no hosted service") == 3


@pytest.mark.slow
def test_gallery_renders_its_page_and_shows_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICMAKER_NB_GALLERY_STYLES", "pop,jazz")
    monkeypatch.setenv("MUSICMAKER_NB_GALLERY_SECONDS", "2")
    notebook = run_notebook("04_gallery.ipynb", tmp_path, monkeypatch)
    assert "52 styles" in outputs_text(notebook)
    assert sorted(path.name for path in (tmp_path / "gallery" / "audio").iterdir()) == ["jazz.mp3", "pop.mp3"]
    shown = [output["data"]["text/html"] for output in notebook.cells[-1].outputs if "data" in output]
    assert shown and shown[0].count('src="gallery/audio/') == 2 and 'src="gallery/spectrograms/jazz.png"' in shown[0]
    assert (tmp_path / "gallery" / "index.html").is_file()


@pytest.mark.slow
def test_batch_runs_each_clip_and_reports_the_missing_one(tmp_path, monkeypatch):
    notebook = run_notebook("05_batch.ipynb", tmp_path, monkeypatch)
    text = outputs_text(notebook)
    assert "3 of 4 videos made" in text
    assert sorted(path.name for path in (tmp_path / "musicmaker_files" / "batch").glob("*.mp4")) == [
        "class_clip_0_music.mp4", "class_clip_1_music.mp4", "class_clip_2_music.mp4"]
    assert "same music as in the session: True" in text
    assert len(list((tmp_path / "musicmaker_files" / "batch" / "dask").glob("*.mp4"))) == 3
