"""Finding, ranking and choosing SoundFonts, on banks made in tmp_path: nothing here depends on
what the machine has installed."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest

from musicmaker_nb.cli._main import main as cli_main
from musicmaker_nb.music import SOUNDFONT_ENV, SoundFontInfo, find_soundfonts, resolve_soundfont
from musicmaker_nb.music._soundfonts import _bundled, choose_soundfont, default_folders, rank_bank
from musicmaker_nb.music._soundfonts_cli import advice, main

GM = [(0, program) for program in range(128)] + [(128, 0)]


def _chunk(kind: bytes, data: bytes, pad: bool = True) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if pad and len(data) % 2 else b"")


def _bank(presets=GM, *, samples: bytes = b"\1" * 1001, pad: bool = True) -> bytes:
    """A SoundFont's RIFF layout: INFO, the samples, then the preset table after them. ``pad=False``
    leaves the odd-sized sample chunk unpadded, as sf3 converters do."""
    rows = [struct.pack("<20sHHH12x", b"preset", program, bank, i) for i, (bank, program) in enumerate(presets)]
    rows.append(struct.pack("<20sHHH12x", b"EOP", 0, 0, len(presets)))
    info = _chunk(b"LIST", b"INFO" + _chunk(b"ifil", struct.pack("<HH", 2, 1)))
    sdta = _chunk(b"LIST", b"sdta" + _chunk(b"smpl", samples, pad), pad)
    pdta = _chunk(b"LIST", b"pdta" + _chunk(b"phdr", b"".join(rows)))
    return _chunk(b"RIFF", b"sfbk" + info + sdta + pdta)


def _write(folder: Path, name: str, data: bytes | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(_bank() if data is None else data)
    return path


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(SOUNDFONT_ENV, raising=False)


def test_a_missing_folder_leaves_the_bundled_bank(tmp_path):
    found = find_soundfonts([tmp_path / "nowhere"])
    assert [(info.source, info.name, info.usable) for info in found] == [("bundled", "TimGM6mb", True)]


def test_a_good_bank_is_found_with_its_size_and_name(tmp_path):
    path = _write(tmp_path, "FluidR3_GM.sf2")
    best = find_soundfonts([tmp_path])[0]
    assert best == SoundFontInfo(path.resolve(), "FluidR3 GM", path.stat().st_size, "system", True, rank=10)


def test_the_real_bundled_bank_reads_as_complete_general_midi(tmp_path):
    shutil.copy(_bundled(), tmp_path / "copy.sf2")
    (copy,) = [info for info in find_soundfonts([tmp_path]) if info.source == "system"]
    assert copy.usable and copy.name == "copy"


def test_unpadded_odd_sample_chunks_are_read(tmp_path):
    _write(tmp_path, "MuseScore_General_Lite.sf3", _bank(samples=b"\1" * 999, pad=False))
    assert find_soundfonts([tmp_path])[0].usable


def test_files_that_are_not_soundfonts_are_listed_unusable_with_the_reason(tmp_path):
    _write(tmp_path, "FluidR3_GM.sf2", b"RIFF\0\0\0\0WAVEfmt ")
    _write(tmp_path, "empty.sf3", b"")
    _write(tmp_path, "drums_only.sf2", _bank([(128, 0)]))
    _write(tmp_path, "no_kit.sf2", _bank(GM[:-1]))
    _write(tmp_path, "some.sf2", _bank([(0, 0), (0, 1), (128, 0)]))
    _write(tmp_path, "truncated.sf2", _bank()[:500])
    (tmp_path / "notes.txt").write_text("not a bank")
    (tmp_path / "folder.sf2").mkdir()  # unreadable as a file even for root
    found = {info.path.name: info for info in find_soundfonts([tmp_path]) if info.source == "system"}
    assert not any(info.usable for info in found.values())
    assert "not a SoundFont" in found["FluidR3_GM.sf2"].reason
    assert "not a SoundFont" in found["empty.sf3"].reason
    assert found["drums_only.sf2"].reason == "no General MIDI instruments (bank 0)"
    assert found["no_kit.sf2"].reason == "no standard drum kit (bank 128, preset 0)"
    assert found["some.sf2"].reason.startswith("126 of the 128 General MIDI programs missing (2, 3, 4,")
    assert "damaged" in found["truncated.sf2"].reason
    assert found["folder.sf2"].reason == "unreadable (Is a directory)"
    assert "notes.txt" not in found
    assert find_soundfonts([tmp_path])[0].source == "bundled"  # the unusable ones come last


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_bank_is_listed_with_the_reason(tmp_path):
    path = _write(tmp_path, "FluidR3_GM.sf2")
    path.chmod(0)
    try:
        (info,) = [info for info in find_soundfonts([tmp_path]) if info.source == "system"]
    finally:
        path.chmod(0o644)
    assert not info.usable and info.reason.startswith("unreadable")


def test_banks_rank_by_how_they_sound_here(tmp_path):
    names = ["TimGM6mb.sf2", "MuseScore_General_Lite.sf3", "Mystery GM.sf2", "GeneralUser GS v1.471.sf2",
             "FluidR3Mono_GM.sf3", "MuseScore_General_Full.sf3", "FluidR3_GM.sf2", "VintageDreamsWaves-v2.sf2"]
    for name in names:
        _write(tmp_path, name)
    _write(tmp_path, "broken.sf2", b"junk")
    order = [info.name for info in find_soundfonts([tmp_path])]
    assert order == ["FluidR3 GM", "GeneralUser GS", "FluidR3 Mono GM", "MuseScore General (full)",
                     "MuseScore General (lite)", "Mystery GM", "TimGM6mb", "TimGM6mb",
                     "Vintage Dreams Waves", "broken"]
    assert "20 dB" in rank_bank("MuseScore_General.sf2")[2]  # the measured weakness goes with it


def test_ties_keep_the_bundled_bank_and_prefer_bigger_unknown_banks(tmp_path):
    _write(tmp_path, "TimGM6mb.sf2")
    _write(tmp_path, "a.sf2")
    _write(tmp_path, "b.sf2", _bank(samples=b"\1" * 5001))
    found = find_soundfonts([tmp_path])
    assert [info.path.name for info in found] == ["b.sf2", "a.sf2", "TimGM6mb.sf2", "TimGM6mb.sf2"]
    assert found[2].source == "bundled"


def test_links_to_one_bank_are_listed_once(tmp_path):
    real = _write(tmp_path / "sf3", "MuseScore_General_Lite.sf3")
    (tmp_path / "sf3" / "MuseScore_General.sf3").symlink_to(real)  # Debian's alternatives
    (tmp_path / "sf3" / "default-GM.sf3").symlink_to(tmp_path / "gone.sf3")
    found = [info for info in find_soundfonts([tmp_path / "sf3", tmp_path / "sf3"]) if info.source == "system"]
    assert [(info.path.name, info.usable) for info in found] == [("MuseScore_General_Lite.sf3", True),
                                                                 ("gone.sf3", False)]


def test_a_changed_file_is_read_again(tmp_path):
    path = _write(tmp_path, "FluidR3_GM.sf2")
    assert find_soundfonts([tmp_path])[0].usable
    path.write_bytes(b"now something else entirely")
    assert not find_soundfonts([tmp_path])[-1].usable


def test_the_best_installed_bank_wins_over_the_bundled_one(tmp_path, no_env):
    path = _write(tmp_path, "FluidR3_GM.sf2")
    assert resolve_soundfont(folders=[tmp_path]) == path.resolve()
    assert choose_soundfont(folders=[tmp_path]).source == "system"
    assert choose_soundfont(folders=[tmp_path / "none"]).source == "bundled"
    assert resolve_soundfont(folders=[]) == _bundled().resolve()


def test_the_environment_wins_over_the_search_and_the_argument_over_both(tmp_path, monkeypatch):
    _write(tmp_path / "system", "FluidR3_GM.sf2")
    env_bank = _write(tmp_path, "env.sf2", _bank([(0, 0)]))  # chosen by name: incomplete is allowed
    monkeypatch.setenv(SOUNDFONT_ENV, str(env_bank))
    chosen = choose_soundfont(folders=[tmp_path / "system"])
    assert (chosen.path, chosen.source, chosen.usable) == (env_bank.resolve(), "env", True)
    assert "programs missing" in chosen.note
    argument = _write(tmp_path, "arg.sf3")
    assert resolve_soundfont(argument, folders=[tmp_path / "system"]) == argument.resolve()
    assert choose_soundfont(str(argument)).source == "argument"


def test_bad_explicit_banks_raise_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv(SOUNDFONT_ENV, str(tmp_path / "nowhere.sf2"))
    with pytest.raises(ValueError, match=rf"^{SOUNDFONT_ENV}: no SoundFont file at .*nowhere\.sf2"):
        resolve_soundfont(folders=[])
    with pytest.raises(ValueError, match=r"^soundfont: no SoundFont file at .*missing\.sf2"):
        resolve_soundfont(tmp_path / "missing.sf2")
    junk = _write(tmp_path, "junk.sf2", b"not a soundfont at all")
    with pytest.raises(ValueError, match=r"^soundfont: .*junk\.sf2' is not a SoundFont"):
        resolve_soundfont(junk)


def test_default_folders_cover_the_package_managers(tmp_path):
    folders = default_folders({"CONDA_PREFIX": str(tmp_path / "conda")}, home=tmp_path / "home")
    for folder in (tmp_path / "conda/share/soundfonts", tmp_path / "home/.local/share/soundfonts",
                   tmp_path / "home/.soundfonts", Path("/usr/share/sounds/sf2"), Path("/usr/share/sounds/sf3"),
                   Path("/usr/share/soundfonts"), Path("/opt/homebrew/share/soundfonts"),
                   Path("/usr/local/share/soundfonts"), Path("/opt/homebrew/share/fluid-synth/sf2")):
        assert folder in folders
    assert len(folders) == len(set(folders))


def test_cli_lists_best_first_marks_the_one_used_and_says_why(tmp_path, capsys, no_env):
    _write(tmp_path, "MuseScore_General.sf3")
    _write(tmp_path, "FluidR3_GM.sf2")
    _write(tmp_path, "bad.sf2", b"junk")
    assert main(["--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].startswith("  * FluidR3 GM") and lines[2].startswith("    MuseScore General")
    assert "note: pianos play velocities 75-107" in out
    assert "  - bad" in out and "not usable: not a SoundFont" in out
    assert "Used: FluidR3 GM, the best General MIDI bank found on this machine." in out
    assert "Better sound" not in out  # nothing we know is better


def test_cli_with_only_the_bundled_bank_says_how_to_get_better(tmp_path, capsys, no_env):
    assert cli_main(["soundfonts", "--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  * TimGM6mb" in out and "(comes with pretty_midi)" in out
    assert "Used: TimGM6mb, no better bank is installed" in out
    assert "Better sound, one of:" in out and SOUNDFONT_ENV in out


def test_cli_names_the_environment_and_reports_a_bad_one(tmp_path, capsys, monkeypatch):
    bank = _write(tmp_path / "mine", "Mystery.sf2")
    monkeypatch.setenv(SOUNDFONT_ENV, str(bank))
    assert main(["--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  * Mystery" in out and f"Used: Mystery, set by ${SOUNDFONT_ENV}." in out
    monkeypatch.setenv(SOUNDFONT_ENV, str(tmp_path / "nowhere.sf2"))
    assert main(["--folder", str(tmp_path)]) == 1
    assert f"No SoundFont can be used: {SOUNDFONT_ENV}: no SoundFont file at" in capsys.readouterr().out


def test_advice_names_real_packages_per_platform():
    assert any("apt-get install fluid-soundfont-gm" in way for way in advice("linux"))
    assert any("port install fluid-soundfont" in way for way in advice("darwin"))
    assert all("apt-get" not in way for way in advice("win32"))
