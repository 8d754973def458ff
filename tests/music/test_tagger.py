"""The genre tagger's pure side (tag tables, parsing, scoring) and its subprocess shell, without TensorFlow.

The tagger itself (musicnn) lives in a virtual environment of its own; here its output is made up,
and the shell is exercised with stand-in scripts run by this Python.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
import textwrap
from pathlib import Path

import pytest

from musicmaker_nb.music import _tagger
from musicmaker_nb.music._tagger import (ACOUSTIC_STYLES, ELECTRONIC_TAGS, GENRE_TAGS, MSD_TAGS, MTT_TAGS,
                                         STYLE_PROMPTS, STYLES_WITHOUT_TAG, TAGGER_PYTHON_ENV, FileTags, TaggerError,
                                         format_table, parse_results, run_tagger, score, tagger_python)

MSD, MTT = _tagger.MODELS


def _probabilities(known: tuple[str, ...], high: dict[str, float]) -> dict[str, float]:
    """Every tag of a model at a low probability, except the ones given."""
    return {tag: high.get(tag, 0.01) for tag in known}


def _entry(path: str = "a.wav", msd: dict[str, float] | None = None, mtt: dict[str, float] | None = None) -> dict:
    return {"path": path, "duration_s": 30.0, "seconds": 0.9,
            "tags": {MSD: _probabilities(MSD_TAGS, msd or {}), MTT: _probabilities(MTT_TAGS, mtt or {})}}


def _output(*entries: dict) -> str:
    models = {MSD: {"tags": list(MSD_TAGS), "load_s": 7.0}, MTT: {"tags": list(MTT_TAGS), "load_s": 1.5}}
    return json.dumps({"format": 1, "models": models, "files": list(entries)})


def _tags(msd: dict[str, float] | None = None, mtt: dict[str, float] | None = None) -> FileTags:
    return parse_results(_output(_entry(msd=msd, mtt=mtt))).files[0]


# ---- the tables


def test_accepted_tags_are_spelled_as_the_models_output_them():
    known = set(MSD_TAGS) | set(MTT_TAGS)
    for style, tags in GENRE_TAGS.items():
        assert tags <= known, (style, tags - known)
    assert len(set(MSD_TAGS)) == len(set(MTT_TAGS)) == 50


def test_umbrella_electronic_tags_never_recognise_a_style():
    for style, tags in GENRE_TAGS.items():
        assert not tags & (ELECTRONIC_TAGS - {"techno"}), style
    assert {style for style, tags in GENRE_TAGS.items() if "techno" in tags} == {"edm", "techno"}


def test_style_lists_agree():
    assert ACOUSTIC_STYLES <= set(GENRE_TAGS)
    assert {style for _, style in STYLE_PROMPTS} <= set(GENRE_TAGS)
    assert len({style for _, style in STYLE_PROMPTS}) == len(STYLE_PROMPTS) == 41
    assert set(STYLES_WITHOUT_TAG) == {s for s, tags in GENRE_TAGS.items() if not tags}
    for style in STYLES_WITHOUT_TAG:  # the module docstring lists them
        assert style in _tagger.__doc__


def test_every_style_of_the_library_has_an_entry():
    styles = pytest.importorskip("musicmaker_nb.music._styles")  # lands separately; drop the skip then
    assert list(GENRE_TAGS) == list(styles.STYLES)


# ---- parsing


def test_parse_reads_every_tag_of_both_models():
    run = parse_results(_output(_entry("a.wav", msd={"jazz": 0.6}), _entry("b.wav", mtt={"piano": 0.7})))
    assert [f.path for f in run.files] == ["a.wav", "b.wav"]
    assert run.load_s == {MSD: 7.0, MTT: 1.5}
    first = run.files[0]
    assert len(first.tags[MSD]) == len(first.tags[MTT]) == 50
    assert first.top(MSD, 1) == (("jazz", 0.6),)
    assert run.files[1].top(MTT)[0] == ("piano", 0.7)
    assert (first.duration_s, first.seconds) == (30.0, 0.9)


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not JSON"),
    (json.dumps([1, 2]), "expected format 1"),
    (json.dumps({"format": 2, "files": []}), "expected format 1, got 2"),
    (_output({"path": "bad.wav", "error": "FileNotFoundError: no such file"}), "could not tag 'bad.wav'"),
    (_output({"path": "a.wav", "duration_s": 30.0, "seconds": 1.0, "tags": {MSD: {}}}), "malformed"),
])
def test_parse_rejects_bad_output_clearly(text, message):
    with pytest.raises(TaggerError, match=message):
        parse_results(text)


def test_parse_rejects_a_tag_list_that_is_not_musicnns():
    entry = _entry()
    entry["tags"][MSD]["reggae"] = 0.5
    with pytest.raises(TaggerError, match="MSD_musicnn tags differ"):
        parse_results(_output(entry))


# ---- scoring


def test_an_accepted_tag_in_either_models_top_3_recognises_the_style():
    by_msd = _tags(msd={"jazz": 0.3, "electronic": 0.5, "indie": 0.4})
    by_mtt = _tags(msd={"electronic": 0.5, "indie": 0.4, "pop": 0.3}, mtt={"classical": 0.2})
    card = score({"jazz": by_msd, "classical_piano": by_mtt})
    jazz, piano = card.styles
    assert jazz.recognised and piano.recognised
    assert [tag for tag, _ in jazz.msd_top] == ["electronic", "indie", "jazz"]
    assert piano.mtt_top[0] == ("classical", 0.2)
    assert (card.recognised, card.tagged, card.share) == (2, 2, 1.0)


def test_an_accepted_tag_fourth_is_not_recognised():
    tags = _tags(msd={"electronic": 0.5, "indie": 0.4, "pop": 0.3, "jazz": 0.2})
    assert score({"jazz": tags}).styles[0].recognised is False


def test_a_parent_genre_counts_but_the_electronic_umbrella_does_not():
    house = _tags(msd={"dance": 0.4})
    only_electronic = _tags(msd={"electronic": 0.9, "electro": 0.8, "electronica": 0.7})
    card = score({"house": house, "deep_house": only_electronic})
    assert [s.recognised for s in card.styles] == [True, False]


def test_styles_without_a_tag_are_left_out_of_the_share():
    rock = _tags(msd={"rock": 0.5, "indie": 0.4, "alternative": 0.3})
    card = score({"reggae": _tags(), "jazz": _tags(msd={"jazz": 0.5}), "pop": rock})
    assert [s.recognised for s in card.styles] == [None, True, False]
    assert (card.tagged, card.recognised, card.share) == (2, 1, 0.5)
    assert score({"reggae": _tags()}).share is None


def test_electronic_on_top_is_a_violation_only_for_acoustic_styles():
    synthy = _tags(msd={"electronic": 0.6}, mtt={"guitar": 0.6})
    techno_on_top = _tags(mtt={"techno": 0.9})
    card = score({"folk": synthy, "jazz": techno_on_top, "house": synthy, "pop": synthy})
    assert card.violations == ("folk", "jazz")
    second = _tags(msd={"folk": 0.7, "electronic": 0.6})
    assert not score({"folk": second}).styles[0].electronic_top


def test_score_rejects_an_unknown_style():
    with pytest.raises(ValueError, match="style: 'polka'"):
        score({"polka": _tags()})


def test_table_has_a_line_per_style_and_the_share():
    card = score({"jazz": _tags(msd={"jazz": 0.5}), "folk": _tags(msd={"electronic": 0.6})})
    table = format_table(card, {"jazz": "smooth jazz"})
    assert "smooth jazz" in table and "jazz 0.50" in table
    assert "recognised: 1/2 styles with a tag (50%)" in table
    assert "electronic on top of an acoustic style: 1 ['folk']" in table


# ---- the shell


def test_missing_python_says_how_to_create_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(TAGGER_PYTHON_ENV, raising=False)
    with pytest.raises(TaggerError, match=r"pass python= or set \$MUSICMAKER_TAGGER_PYTHON(.|\n)*pip install"):
        tagger_python()
    missing = tmp_path / "venv" / "bin" / "python"
    with pytest.raises(TaggerError, match=r"does not exist(.|\n)*--no-deps musicnn"):
        run_tagger([tmp_path / "a.wav"], missing)
    monkeypatch.setenv(TAGGER_PYTHON_ENV, str(missing))
    with pytest.raises(TaggerError, match="does not exist"):
        tagger_python()


def test_the_environment_variable_names_the_python(monkeypatch):
    monkeypatch.setenv(TAGGER_PYTHON_ENV, sys.executable)
    assert tagger_python() == Path(sys.executable)


def _stand_in(tmp_path: Path, monkeypatch, body: str) -> None:
    script = tmp_path / "stand_in.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    monkeypatch.setattr(_tagger, "SCRIPT", script)


def test_run_passes_an_argument_list_and_parses_the_output(tmp_path, monkeypatch):
    _stand_in(tmp_path, monkeypatch, f"""
        import json, sys
        args = sys.argv[1:]
        out, files = args[1], args[args.index("--") + 1:]
        entries = [{{"path": f, "duration_s": 30.0, "seconds": 1.0,
                     "tags": {{"{MSD}": dict.fromkeys({list(MSD_TAGS)!r}, 0.1),
                              "{MTT}": dict.fromkeys({list(MTT_TAGS)!r}, 0.2)}}}} for f in files]
        models = {{m: {{"tags": [], "load_s": 1.0}} for m in ("{MSD}", "{MTT}")}}
        open(out, "w").write(json.dumps({{"format": 1, "models": models, "files": entries}}))
    """)
    monkeypatch.chdir(tmp_path)
    run = run_tagger(["-odd name; rm.wav", "b.wav"], sys.executable)
    assert [f.path for f in run.files] == [str(tmp_path / "-odd name; rm.wav"), str(tmp_path / "b.wav")]


def test_run_reports_the_tagger_failing(tmp_path, monkeypatch):
    _stand_in(tmp_path, monkeypatch, "import sys; sys.exit('Segmentation fault, pretend')")
    with pytest.raises(TaggerError, match="exited with status 1: Segmentation fault, pretend"):
        run_tagger(["a.wav"], sys.executable)


@pytest.mark.skipif(importlib.util.find_spec("musicnn") is not None, reason="this Python has musicnn")
def test_a_python_without_musicnn_says_how_to_create_the_environment(tmp_path):
    with pytest.raises(TaggerError, match=r"cannot import musicnn(.|\n)*python3.11 -m venv"):
        run_tagger([tmp_path / "a.wav"], sys.executable)


def test_the_script_imports_only_the_standard_library_at_module_level():
    tree = ast.parse(_tagger.SCRIPT.read_text(encoding="utf-8"))
    top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    top |= {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    assert top <= set(sys.stdlib_module_names) | {"__future__"}, top


def test_common_tags_counts_the_tags_given_to_everything():
    files = [_tags(msd={"electronic": 0.5, "jazz": 0.4, "indie": 0.3}),
             _tags(msd={"electronic": 0.6, "rock": 0.4, "indie": 0.3})]
    assert _tagger.common_tags(files, MSD)[:2] == [("electronic", 2), ("indie", 2)]
