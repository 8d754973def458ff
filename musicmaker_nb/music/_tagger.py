"""An independent ear for genre: musicnn's pre-trained taggers, run in a virtual environment of their own.

    from musicmaker_nb.music._tagger import run_tagger, score, format_table
    run = run_tagger(["pop.wav", "jazz.wav"])                    # $MUSICMAKER_TAGGER_PYTHON, or python=
    card = score({"pop": run.files[0], "jazz": run.files[1]})
    print(format_table(card)); print(card.share)

    python -m musicmaker_nb.music._tagger [--python PATH] [--out FILE]   # the baseline over STYLE_PROMPTS

musicnn (Pons & Serra) ships two taggers trained on listeners' tags: MSD_musicnn (50 last.fm tags of
the Million Song Dataset, mostly genres and decades) and MTT_musicnn (50 MagnaTagATune tags, mostly
instruments and qualities). It needs TensorFlow and numpy<2, so it is no dependency of this package:
``tagger_script.py`` runs under the tagger's own Python and this module is pure scoring plus a
thin subprocess shell (see SETUP for the environment).

Which tags recognise a style (GENRE_TAGS). A tag counts when it names the style itself, a
narrower form of it (hard rock for rock) or its parent genre, the one-step broader genre a
record shop files it under (dance for house, techno, trance, drum and bass, dubstep and disco;
Hip-Hop for trap and lo-fi; jazz for swing; country for bluegrass; folk for celtic and acoustic;
classical for the classical styles and the waltz). Never counted:
- the umbrellas electronic, electronica and electro: the models give them to most synthesised
  audio, and they are two steps above any style we have (house -> dance -> electronic);
- siblings (alternative rock for indie rock, rock for punk and metal, chillout for lo-fi),
  decades (80s for synthwave), moods (happy, sad, Mellow, chill, beautiful), instruments and
  voices (piano, guitar, strings, choir), qualities (fast, loud, beat, soft), catch-alls
  (instrumental, experimental, easy listening, alternative, oldies).
One merge: ambient and new age accept each other (beatless pad music, one family in both
datasets). The two models are not calibrated against each other, so a style is recognised when
an accepted tag is among the top 3 of MSD *or* among the top 3 of MTT; both lists are reported.

Styles the taggers have no tag for, left out of the share (STYLES_WITHOUT_TAG): corporate,
synthwave, chiptune, gospel, latin, bossa_nova, reggae, reggaeton, afrobeat, tango, chinese,
japanese, piano (its only tag is the instrument's), orchestral and trailer (no soundtrack tag;
classical is a sibling), lullaby, kids, christmas.

ACOUSTIC_STYLES: styles played on acoustic or electric instruments, or (hip hop, lo-fi) built from
samples of such records; for them an electronic tag (ELECTRONIC_TAGS) at the top of either model
means the render sounds like synth music, whatever else it gets right.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

__all__ = [
    "TAGGER_PYTHON_ENV",
    "SCRIPT",
    "SETUP",
    "MODELS",
    "MSD_TAGS",
    "MTT_TAGS",
    "GENRE_TAGS",
    "STYLES_WITHOUT_TAG",
    "ACOUSTIC_STYLES",
    "ELECTRONIC_TAGS",
    "STYLE_PROMPTS",
    "TOP_N",
    "TaggerError",
    "FileTags",
    "TaggerRun",
    "StyleScore",
    "Scorecard",
    "tagger_python",
    "run_tagger",
    "parse_results",
    "score_style",
    "score",
    "format_table",
    "common_tags",
    "baseline",
    "main",
]

TAGGER_PYTHON_ENV = "MUSICMAKER_TAGGER_PYTHON"
SCRIPT = Path(__file__).with_name("tagger_script.py")
SETUP = """\
python3.11 -m venv ~/.venvs/musicnn            # TensorFlow 2.15 needs Python 3.9 to 3.11
~/.venvs/musicnn/bin/pip install "tensorflow-cpu==2.15.*" "numpy<2"
~/.venvs/musicnn/bin/pip install --no-deps musicnn==0.1.0   # its metadata pins numpy<1.17
~/.venvs/musicnn/bin/pip install "librosa>=0.10,<0.11" soundfile "numpy<2"
export MUSICMAKER_TAGGER_PYTHON=~/.venvs/musicnn/bin/python"""
MODELS = ("MSD_musicnn", "MTT_musicnn")
TOP_N = 3
_FORMAT = 1
_STDERR_TAIL = 2000

# The models' output names, spelled as musicnn.configuration has them (MSD keeps last.fm's case).
MSD_TAGS = (
    "rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s", "alternative rock",
    "jazz", "beautiful", "metal", "chillout", "male vocalists", "classic rock", "soul", "indie rock", "Mellow",
    "electronica", "80s", "folk", "90s", "chill", "instrumental", "punk", "oldies", "blues", "hard rock",
    "ambient", "acoustic", "experimental", "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country",
    "easy listening", "sexy", "catchy", "funk", "electro", "heavy metal", "Progressive rock", "60s", "rnb",
    "indie pop", "sad", "House", "happy",
)
MTT_TAGS = (
    "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano", "ambient",
    "beat", "violin", "vocal", "synth", "female", "indian", "opera", "male", "singing", "vocals", "no vocals",
    "harpsichord", "loud", "quiet", "flute", "woman", "male vocal", "no vocal", "pop", "soft", "sitar", "solo",
    "man", "classic", "choir", "voice", "new age", "dance", "male voice", "female vocal", "beats", "harp", "cello",
    "no voice", "weird", "country", "metal", "female voice", "choral",
)

_NONE: frozenset[str] = frozenset()
_CLASSICAL = frozenset({"classical", "classic"})  # MTT's two spellings of one tag
_DANCE = frozenset({"dance"})
_HOUSE = frozenset({"House", "dance"})
_HIPHOP = frozenset({"Hip-Hop"})
_AMBIENT = frozenset({"ambient", "new age"})

# Every style key of music/_styles.py, in the spec's family order.
GENRE_TAGS: dict[str, frozenset[str]] = {
    "pop": frozenset({"pop"}),
    "indie_pop": frozenset({"indie pop", "indie", "pop"}),
    "corporate": _NONE,
    "rock": frozenset({"rock", "classic rock", "hard rock", "alternative rock", "indie rock", "Progressive rock"}),
    "indie_rock": frozenset({"indie rock", "indie", "rock"}),
    "punk": frozenset({"punk"}),
    "metal": frozenset({"metal", "heavy metal"}),
    "edm": frozenset({"dance", "House", "techno"}),
    "house": _HOUSE,
    "deep_house": _HOUSE,
    "tropical_house": _HOUSE,
    "techno": frozenset({"techno", "dance"}),
    "trance": _DANCE,
    "drum_and_bass": _DANCE,
    "dubstep": _DANCE,
    "synthwave": _NONE,
    "chiptune": _NONE,
    "hiphop": _HIPHOP,
    "trap": _HIPHOP,
    "lofi": _HIPHOP,
    "funk": frozenset({"funk"}),
    "disco": _DANCE,
    "soul": frozenset({"soul", "rnb"}),
    "gospel": _NONE,
    "jazz": frozenset({"jazz"}),
    "swing": frozenset({"jazz"}),
    "blues": frozenset({"blues"}),
    "latin": _NONE,
    "bossa_nova": _NONE,
    "reggae": _NONE,
    "reggaeton": _NONE,
    "afrobeat": _NONE,
    "tango": _NONE,
    "celtic": frozenset({"folk"}),
    "chinese": _NONE,
    "japanese": _NONE,
    "indian": frozenset({"indian"}),
    "folk": frozenset({"folk"}),
    "country": frozenset({"country"}),
    "bluegrass": frozenset({"country"}),
    "acoustic": frozenset({"acoustic", "folk"}),
    "classical_piano": _CLASSICAL,
    "classical_strings": _CLASSICAL,
    "waltz": _CLASSICAL,
    "piano": _NONE,
    "orchestral": _NONE,
    "trailer": _NONE,
    "ambient": _AMBIENT,
    "new_age": _AMBIENT,
    "lullaby": _NONE,
    "kids": _NONE,
    "christmas": _NONE,
}
STYLES_WITHOUT_TAG = tuple(style for style, tags in GENRE_TAGS.items() if not tags)
ELECTRONIC_TAGS = frozenset({"electronic", "electronica", "electro", "techno"})
ACOUSTIC_STYLES = frozenset({
    "rock", "indie_rock", "punk", "metal", "hiphop", "lofi", "funk", "soul", "gospel", "jazz", "swing", "blues",
    "latin", "bossa_nova", "reggae", "afrobeat", "tango", "celtic", "chinese", "japanese", "indian", "folk",
    "country", "bluegrass", "acoustic", "classical_piano", "classical_strings", "waltz", "piano", "orchestral",
    "trailer", "lullaby",
})

# The baseline's prompts, each with the style key it names.
STYLE_PROMPTS: tuple[tuple[str, str], ...] = (
    ("upbeat pop song", "pop"), ("indie pop", "indie_pop"), ("rock", "rock"), ("punk rock", "punk"),
    ("heavy metal", "metal"), ("funk", "funk"), ("disco", "disco"), ("soul r&b", "soul"),
    ("hip hop boom bap", "hiphop"), ("trap beat", "trap"), ("lo-fi hip hop", "lofi"), ("jazz", "jazz"),
    ("big band swing", "swing"), ("bossa nova", "bossa_nova"), ("reggae", "reggae"), ("country", "country"),
    ("folk", "folk"), ("bluegrass", "bluegrass"), ("blues", "blues"), ("gospel", "gospel"),
    ("classical piano", "classical_piano"), ("classical strings", "classical_strings"),
    ("orchestral cinematic", "orchestral"), ("epic trailer", "trailer"), ("ambient", "ambient"),
    ("new age meditation", "new_age"), ("house", "house"), ("deep house", "deep_house"), ("techno", "techno"),
    ("trance", "trance"), ("drum and bass", "drum_and_bass"), ("dubstep", "dubstep"), ("synthwave", "synthwave"),
    ("chiptune", "chiptune"), ("children's cartoon", "kids"), ("lullaby", "lullaby"), ("christmas", "christmas"),
    ("waltz", "waltz"), ("tango", "tango"), ("celtic", "celtic"), ("chinese traditional", "chinese"),
)


class TaggerError(RuntimeError):
    """The tagger could not be run, or its output could not be read."""


@dataclass(frozen=True)
class FileTags:
    """One file's tags: per model, every tag with its probability averaged over the clip."""

    path: str
    tags: Mapping[str, Mapping[str, float]]
    duration_s: float
    seconds: float  # the tagger's time for this file, both models

    def top(self, model: str, n: int = TOP_N) -> tuple[tuple[str, float], ...]:
        return tuple(sorted(self.tags[model].items(), key=lambda item: -item[1])[:n])


@dataclass(frozen=True)
class TaggerRun:
    files: tuple[FileTags, ...]
    load_s: Mapping[str, float]  # per model: building, restoring and warming it up


@dataclass(frozen=True)
class StyleScore:
    style: str
    msd_top: tuple[tuple[str, float], ...]
    mtt_top: tuple[tuple[str, float], ...]
    accepted: frozenset[str]
    recognised: bool | None  # None: the taggers have no tag for this style
    electronic_top: bool  # an acoustic style whose top tag, in either model, is electronic


@dataclass(frozen=True)
class Scorecard:
    styles: tuple[StyleScore, ...]

    @property
    def tagged(self) -> int:
        return sum(s.recognised is not None for s in self.styles)

    @property
    def recognised(self) -> int:
        return sum(s.recognised is True for s in self.styles)

    @property
    def share(self) -> float | None:
        """Recognised among the styles that have a tag; None when none has."""
        return self.recognised / self.tagged if self.tagged else None

    @property
    def violations(self) -> tuple[str, ...]:
        return tuple(s.style for s in self.styles if s.electronic_top)


# ---- pure: parsing and scoring


def parse_results(text: str) -> TaggerRun:
    """The tagger script's JSON as a TaggerRun; TaggerError when it is malformed or a file failed."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TaggerError(f"tagger output is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise TaggerError(f"tagger output: expected format {_FORMAT}, got {_describe(data)}")
    failed = [f"{f.get('path')!r}: {f['error']}" for f in data.get("files", []) if "error" in f]
    if failed:
        raise TaggerError("the tagger could not tag " + "; ".join(failed))
    try:
        load_s = {name: float(data["models"][name]["load_s"]) for name in MODELS}
        return TaggerRun(tuple(_file_tags(f) for f in data["files"]), load_s)
    except (KeyError, TypeError, ValueError) as exc:
        raise TaggerError(f"tagger output: missing or malformed field ({exc!r})") from None


def _file_tags(entry: Mapping[str, Any]) -> FileTags:
    tags = {model: {str(tag): float(p) for tag, p in entry["tags"][model].items()} for model in MODELS}
    for model, known in zip(MODELS, (MSD_TAGS, MTT_TAGS)):
        if set(tags[model]) != set(known):
            raise ValueError(f"{entry['path']!r}: {model} tags differ from musicnn's list")
    return FileTags(str(entry["path"]), tags, float(entry["duration_s"]), float(entry["seconds"]))


def _describe(data: object) -> str:
    return repr(data.get("format")) if isinstance(data, dict) else type(data).__name__


def score_style(style: str, tags: FileTags, n: int = TOP_N) -> StyleScore:
    if style not in GENRE_TAGS:
        raise ValueError(f"style: {style!r} is not one of {sorted(GENRE_TAGS)}")
    msd, mtt = tags.top(MODELS[0], n), tags.top(MODELS[1], n)
    accepted = GENRE_TAGS[style]
    heard = {tag for tag, _ in msd + mtt}
    recognised = bool(accepted & heard) if accepted else None
    electronic_top = style in ACOUSTIC_STYLES and any(top and top[0][0] in ELECTRONIC_TAGS for top in (msd, mtt))
    return StyleScore(style, msd, mtt, accepted, recognised, electronic_top)


def score(results_by_style: Mapping[str, FileTags], n: int = TOP_N) -> Scorecard:
    """Per style (one tagged file each): both top-n lists, recognised or not, the electronic check."""
    return Scorecard(tuple(score_style(style, tags, n) for style, tags in results_by_style.items()))


def _tops(top: Iterable[tuple[str, float]]) -> str:
    return ", ".join(f"{tag} {p:.2f}" for tag, p in top)


def format_table(card: Scorecard, labels: Mapping[str, str] | None = None) -> str:
    """One line per style (labelled by ``labels[style]``, e.g. its prompt) and a summary line."""
    labels = labels or {}
    width = max([len(labels.get(s.style, s.style)) for s in card.styles] + [6])
    lines = [f"{'prompt':<{width}}  {'MSD top 3':<50}  {'MTT top 3':<42}  heard  elec", "-" * (width + 110)]
    for s in card.styles:
        heard = "-" if s.recognised is None else ("yes" if s.recognised else "no")
        lines.append(f"{labels.get(s.style, s.style):<{width}}  {_tops(s.msd_top):<50}  {_tops(s.mtt_top):<42}  "
                     f"{heard:<5}  {'TOP' if s.electronic_top else ''}".rstrip())
    share = "n/a" if card.share is None else f"{card.share:.0%}"
    lines.append(f"\nrecognised: {card.recognised}/{card.tagged} styles with a tag ({share}); "
                 f"electronic on top of an acoustic style: {len(card.violations)} {list(card.violations)}")
    return "\n".join(lines)


def common_tags(files: Sequence[FileTags], model: str, n: int = TOP_N) -> list[tuple[str, int]]:
    """How many files have each tag in their top n, most frequent first: the tags given to everything."""
    counts = Counter(tag for f in files for tag, _ in f.top(model, n))
    return counts.most_common()


# ---- the thin shell: finding the tagger's Python and running the script


def tagger_python(python: str | os.PathLike[str] | None = None) -> Path:
    """The argument, else ``$MUSICMAKER_TAGGER_PYTHON``: an existing interpreter, or TaggerError."""
    chosen = python if python is not None else os.environ.get(TAGGER_PYTHON_ENV)
    if not chosen:
        raise TaggerError(f"no tagger Python: pass python= or set ${TAGGER_PYTHON_ENV}. "
                          f"Create its environment with:\n{SETUP}")
    found = shutil.which(os.fspath(chosen))
    if found is None:
        raise TaggerError(f"tagger Python {os.fspath(chosen)!r} does not exist or is not executable. "
                          f"Create its environment with:\n{SETUP}")
    return Path(found)


def run_tagger(wavs: Sequence[str | os.PathLike[str]], python: str | os.PathLike[str] | None = None,
               *, timeout_s: float | None = None) -> TaggerRun:
    """Tag the files with both models in one run of the tagger's Python (each model loads once)."""
    exe = tagger_python(python)
    paths = [os.fspath(Path(w).resolve()) for w in wavs]  # absolute: no name reads as an option
    with tempfile.TemporaryDirectory(prefix="musicmaker-tagger-") as folder:
        out = Path(folder) / "tags.json"
        done = _run([os.fspath(exe), os.fspath(SCRIPT), "--json", os.fspath(out), "--", *paths], timeout_s)
        if done.returncode == 3:
            raise TaggerError(f"{exe} cannot import musicnn and TensorFlow ({_tail(done.stderr)}). "
                              f"Create the tagger's environment with:\n{SETUP}")
        if not out.is_file():
            raise TaggerError(f"the tagger exited with status {done.returncode}: {_tail(done.stderr)}")
        return parse_results(out.read_text(encoding="utf-8"))


def _run(args: list[str], timeout_s: float | None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise TaggerError(f"the tagger took longer than {timeout_s} s") from None
    except OSError as exc:
        raise TaggerError(f"cannot start the tagger's Python {args[0]!r} ({exc}). "
                          f"Create its environment with:\n{SETUP}") from None


def _tail(stderr: str) -> str:
    return stderr.strip()[-_STDERR_TAIL:] or "no output"


# ---- the baseline: render STYLE_PROMPTS with today's generator and tag them


def _render(folder: Path, seed: int, duration_s: float) -> dict[str, tuple[str, Path, str]]:
    from ._backend import generate
    from ._plan import plan

    rendered = {}
    for i, (prompt, style) in enumerate(STYLE_PROMPTS):
        music = plan(prompt, duration_s, seed=seed)
        path = folder / f"{i:02d}_{style}.wav"
        generate(music).write_wav(path)
        rendered[style] = (prompt, path, music.describe())
    return rendered


def baseline(python: str | os.PathLike[str] | None = None, seed: int = 1, duration_s: float = 30.0,
             folder: str | os.PathLike[str] | None = None) -> str:
    """The baseline report: the table, the plans behind it and the tagger's timings."""
    python = tagger_python(python)  # before rendering: a missing tagger fails at once
    with tempfile.TemporaryDirectory(prefix="musicmaker-baseline-") as scratch:
        where = Path(folder or scratch)
        where.mkdir(parents=True, exist_ok=True)
        rendered = _render(where, seed, duration_s)
        run = run_tagger([path for _, path, _ in rendered.values()], python)
    card = score(dict(zip(rendered, run.files)))
    plans = "\n".join(f"{prompt:<24}  {plan}" for prompt, _, plan in rendered.values())
    times = sorted(f.seconds for f in run.files)
    timing = (f"tagger: models loaded in {', '.join(f'{m} {s:.1f} s' for m, s in run.load_s.items())}; "
              f"per {duration_s:g} s file (both models) median {times[len(times) // 2]:.2f} s, "
              f"max {times[-1]:.2f} s, {len(times)} files")
    common = "\n".join(f"{model} top {TOP_N}, files out of {len(run.files)}: "
                       + ", ".join(f"{tag} {k}" for tag, k in common_tags(run.files, model)[:8]) for model in MODELS)
    table = format_table(card, {s: p for s, (p, _, _) in rendered.items()})
    return f"{table}\n{timing}\n{common}\n\nplans:\n{plans}"


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m musicmaker_nb.music._tagger",
                                     description="Tag the baseline prompts with musicnn and score them.")
    parser.add_argument("--python", help=f"the tagger's Python (default ${TAGGER_PYTHON_ENV})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--keep", type=Path, help="render into this folder and keep the WAVs")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    try:
        report = baseline(args.python, args.seed, args.duration, args.keep)
    except TaggerError as exc:
        parser.exit(1, f"error: {exc}\n")
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
