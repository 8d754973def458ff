"""Tag audio files with musicnn's pre-trained MSD and MTT taggers. Run by the tagger's own Python.

    $MUSICMAKER_TAGGER_PYTHON tagger_script.py --json tags.json a.wav b.wav ...
    $MUSICMAKER_TAGGER_PYTHON tagger_script.py a.wav                  # the JSON on stdout

Standalone on purpose: musicnn needs TensorFlow and numpy<2, which musicmaker_nb does not depend
on, so it lives in a virtual environment of its own and this file imports nothing from the
package and only the standard library at module level; musicnn (and the TensorFlow it is built
on) is imported when the models load.

Each model's graph is built and its weights restored once for all the files, and each file's
log-mel spectrogram is computed once and fed to both models, all its 3 s patches in one batch.
Per file and model, the output holds every tag with its probability averaged over the clip: the
mean over time of the taggram that ``musicnn.extractor.extractor`` returns (``--check`` runs
that function on the first file and compares). The weights are restored explicitly so that a
missing checkpoint is an error: musicnn's own extractor swallows a failed restore and tags with
random weights.

Output (format 1)::

    {"format": 1,
     "models": {"MSD_musicnn": {"tags": [50 names], "load_s": 1.2}, "MTT_musicnn": {...}},
     "files": [{"path": "a.wav", "duration_s": 30.0, "seconds": 0.4,
                "tags": {"MSD_musicnn": {"rock": 0.12, ...}, "MTT_musicnn": {...}}},
               {"path": "broken.wav", "error": "..."}]}

The exit status is 1 when a file could not be tagged (its entry has "error"), 2 for bad usage
and 3 when musicnn or TensorFlow cannot be imported (nothing is written then).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

FORMAT = 1
MODELS = ("MSD_musicnn", "MTT_musicnn")
INPUT_S = 3.0  # the patch length both models were trained on
_DIGITS = 6


class _Tagger:
    """One model: its graph, its restored session and its tag names."""

    def __init__(self, name: str) -> None:
        import musicnn
        import musicnn.extractor  # noqa: F401 - switches TensorFlow to graph mode, as musicnn needs
        import tensorflow as tf
        from musicnn import configuration, models

        self.name = name
        self.tags = list(configuration.MTT_LABELS if name.startswith("MTT") else configuration.MSD_LABELS)
        self.n_frames = _patch_frames()
        self.graph = tf.Graph()
        with self.graph.as_default(), tf.name_scope("model"):  # musicnn's checkpoints use this scope
            self.x = tf.compat.v1.placeholder(tf.float32, [None, self.n_frames, configuration.N_MELS])
            self.is_training = tf.compat.v1.placeholder(tf.bool)
            logits = models.define_model(self.x, self.is_training, name, len(self.tags))[0]
            self.y = tf.nn.sigmoid(logits)
        with self.graph.as_default():
            self.session = tf.compat.v1.Session(graph=self.graph)
            weights = os.path.join(os.path.dirname(musicnn.__file__), name, "")
            tf.compat.v1.train.Saver().restore(self.session, weights)

    def warm_up(self) -> None:
        """Run once on silence: TensorFlow's first run and librosa's first spectrogram are slow."""
        import librosa
        import numpy as np
        from musicnn import configuration as c

        librosa.feature.melspectrogram(y=np.zeros(c.SR, np.float32), sr=c.SR, hop_length=c.FFT_HOP,
                                       n_fft=c.FFT_SIZE, n_mels=c.N_MELS)
        self.mean_tags(np.zeros((1, self.n_frames, c.N_MELS), np.float32))

    def mean_tags(self, patches) -> dict[str, float]:
        taggram = self.session.run(self.y, feed_dict={self.x: patches, self.is_training: False})
        return {tag: round(float(p), _DIGITS) for tag, p in zip(self.tags, taggram.mean(axis=0))}


def _patch_frames() -> int:
    import librosa
    from musicnn import configuration as c

    return int(librosa.time_to_frames(INPUT_S, sr=c.SR, n_fft=c.FFT_SIZE, hop_length=c.FFT_HOP)) + 1


def _patches(path: str, n_frames: int):
    """musicnn's own preprocessing: (patches, n_frames, 96) log-mel, 3 s each, no overlap."""
    from musicnn import configuration as c
    from musicnn.extractor import batch_data

    try:
        patches, spectrogram = batch_data(path, n_frames, n_frames)
    except UnboundLocalError:  # batch_data's way of saying there was no whole patch
        raise ValueError(f"shorter than the models' {INPUT_S:g} s input") from None
    return patches, len(spectrogram) * c.FFT_HOP / c.SR


def _tag_file(path: str, taggers: list[_Tagger]) -> dict:
    start = time.perf_counter()
    try:
        patches, duration_s = _patches(path, taggers[0].n_frames)
        tags = {t.name: t.mean_tags(patches) for t in taggers}
    except Exception as exc:  # one unreadable file must not lose the others' results
        return {"path": path, "error": f"{type(exc).__name__}: {exc}"}
    return {"path": path, "duration_s": round(duration_s, 3),
            "seconds": round(time.perf_counter() - start, 3), "tags": tags}


def _check(path: str, tagger: _Tagger, tags: dict[str, float]) -> float:
    """Largest difference between our averaged tags and musicnn's extractor on the same file."""
    from musicnn.extractor import extractor

    taggram, names = extractor(path, model=tagger.name, extract_features=False)
    reference = dict(zip(names, taggram.mean(axis=0)))
    return max(abs(reference[name] - p) for name, p in tags.items())


def _load(names: list[str]) -> tuple[list[_Tagger], dict]:
    """The taggers, warmed up, so that the first file's time is no slower than the others'."""
    taggers, info = [], {}
    for name in names:
        start = time.perf_counter()
        tagger = _Tagger(name)
        tagger.warm_up()
        taggers.append(tagger)
        info[name] = {"tags": tagger.tags, "load_s": round(time.perf_counter() - start, 3)}
    return taggers, info


def run(paths: list[str], models: list[str], check: bool = False) -> dict:
    taggers, info = _load(models)
    files = [_tag_file(path, taggers) for path in paths]
    result = {"format": FORMAT, "models": info, "files": files}
    if check and "tags" in files[0]:
        result["check_max_abs_diff"] = {
            t.name: float(_check(paths[0], t, files[0]["tags"][t.name])) for t in taggers}
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="audio files (anything librosa reads)")
    parser.add_argument("--json", type=Path, help="write the JSON here instead of to stdout")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated musicnn models (default {','.join(MODELS)})")
    parser.add_argument("--check", action="store_true",
                        help="also run musicnn's extractor on the first file and report the difference")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: no banner
    # The models print progress and TensorFlow warns on stdout: keep stdout for the JSON.
    with contextlib.redirect_stdout(sys.stderr):
        import warnings

        warnings.simplefilter("ignore")  # TensorFlow 1 layer deprecations, librosa chatter
        try:
            result = run(args.files, args.models.split(","), args.check)
        except ImportError as exc:
            print(f"tagger: cannot import the tagger's libraries ({exc}); this Python "
                  f"({sys.executable}) needs musicnn, tensorflow-cpu 2.15, numpy<2 and librosa", file=sys.stderr)
            return 3
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 1 if any("error" in f for f in result["files"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
