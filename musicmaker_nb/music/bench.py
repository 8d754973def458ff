"""Benchmark of the music generator: speed, tempo, duration, loudness, cut alignment, adherence.

    python -m musicmaker_nb.music.bench [--quick] [--json results.json]
    musicmaker bench music

Prints a table and then the same figures as JSON. ``--quick`` skips the 10-minute piece and
uses 12 prompts instead of all of them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ._master import _TP_TAPS
from ._plan import plan
from ._backend import generate
from ._synth import SAMPLE_RATE
from ._tables import MOODS

__all__ = ["PROMPTS", "main", "run"]

# (prompt, the mood a listener would expect): the fixed set the tempo and adherence figures use
PROMPTS: tuple[tuple[str, str], ...] = (
    ("create an upbeat background track for my travel video", "happy"),
    ("happy pop song for a birthday montage", "happy"),
    ("cheerful acoustic guitar for a cooking vlog", "happy"),
    ("bright and fun music for a kids video", "happy"),
    ("sunny summer beach vlog music", "happy"),
    ("欢快的旅行视频背景音乐", "happy"),
    ("calm piano for a meditation video", "calm"),
    ("relaxing ambient background", "calm"),
    ("peaceful soft music for a nature documentary", "calm"),
    ("轻松的背景音乐", "calm"),
    ("chill lo-fi hip hop beat to study to", "chill"),
    ("lo-fi beat for a coffee shop timelapse", "chill"),
    ("mellow jazz for a restaurant promo", "chill"),
    ("laid back hip hop instrumental", "chill"),
    ("sad piano in D minor", "sad"),
    ("melancholy strings for a farewell scene", "sad"),
    ("emotional nostalgic piano", "sad"),
    ("悲伤的钢琴曲", "sad"),
    ("romantic music for a wedding video", "romantic"),
    ("tender love theme with piano and strings", "romantic"),
    ("浪漫的婚礼音乐", "romantic"),
    ("epic cinematic trailer music", "epic"),
    ("heroic orchestral theme", "epic"),
    ("powerful epic music for a sports highlight", "epic"),
    ("史诗电影配乐", "epic"),
    ("dramatic orchestral music", "dramatic"),
    ("intense dramatic score for a chase", "dramatic"),
    ("suspense thriller background", "suspense"),
    ("dark mysterious music for a crime documentary", "suspense"),
    ("紧张悬疑的配乐", "suspense"),
    ("inspiring corporate presentation music", "inspiring"),
    ("motivational uplifting background for a product launch", "inspiring"),
    ("励志的企业宣传片音乐", "inspiring"),
    ("energetic EDM for a workout video", "energetic"),
    ("party dance track", "energetic"),
    ("energetic rock for a skate video", "energetic"),
    ("动感的电子舞曲", "energetic"),
    ("upbeat pop 120 bpm", "happy"),
    ("calm acoustic guitar, slow", "calm"),
    ("happy jazz, fast", "happy"),
    ("chill electronic music, no drums", "chill"),
    ("sad lo-fi hip hop", "sad"),
)
_HEADLINE = PROMPTS[0][0]
_TEMPO_TOLERANCE = 0.04


def _speed(duration_s: float, repeats: int) -> dict[str, float]:
    """CPU seconds of plan + compose + render + master on this process's one core (best of
    ``repeats``: the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        audio = generate(plan(_HEADLINE, duration_s, seed=1))
        times.append(time.process_time() - start)
        assert len(audio.samples) == round(duration_s * SAMPLE_RATE)
    cpu = min(times)
    return {"duration_s": duration_s, "cpu_s": round(cpu, 3), "x_real_time": round(duration_s / cpu, 1),
            "runs": repeats}


def _reference_true_peak(samples: np.ndarray) -> float:
    """Full 4x oversampling with the BS.1770-4 filter, over every sample (the slow, sure way)."""
    from scipy.signal import upfirdn

    taps = _TP_TAPS.T.reshape(-1)  # interleave the phases back into the 48-tap filter
    peak = max(float(np.abs(upfirdn(taps, channel, up=4)).max()) for channel in samples.T)
    return 20 * np.log10(max(peak, 1e-12))


def _beat_tempo(samples: np.ndarray) -> float:
    try:
        import librosa
    except ImportError:
        raise SystemExit("the music benchmark needs librosa's beat tracker: pip install librosa") from None

    mono = librosa.resample(samples.mean(axis=1), orig_sr=SAMPLE_RATE, target_sr=22050)
    tempo, _ = librosa.beat.beat_track(y=mono, sr=22050)
    return float(np.atleast_1d(tempo)[0])


def _per_prompt(prompt: str, mood: str, seed: int, duration_s: float) -> dict[str, Any]:
    import pyloudnorm

    music = plan(prompt, duration_s, seed=seed)
    audio = generate(music)
    samples64 = audio.samples.astype(np.float64)
    estimated = _beat_tempo(audio.samples)
    error = estimated / music.tempo_bpm - 1
    folded = min(abs(estimated * k / music.tempo_bpm - 1) for k in (0.5, 1.0, 2.0))
    low, high = MOODS[mood].tempo
    return {
        "prompt": prompt, "plan": music.describe(), "tempo_bpm": music.tempo_bpm,
        "beat_tracker_bpm": round(estimated, 2), "tempo_error": round(error, 4),
        "tempo_ok": abs(error) <= _TEMPO_TOLERANCE, "tempo_ok_any_octave": folded <= _TEMPO_TOLERANCE,
        "samples_exact": len(audio.samples) == round(duration_s * SAMPLE_RATE),
        "lufs": round(pyloudnorm.Meter(SAMPLE_RATE, filter_class="DeMan").integrated_loudness(samples64), 3),
        "lufs_pyloudnorm_default": round(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples64), 3),
        "true_peak_dbtp": round(_reference_true_peak(audio.samples), 3),
        "adherent": music.mood == mood and music.mode == MOODS[mood].mode and low <= music.tempo_bpm <= high,
    }


def _cut_alignment(count: int = 40) -> dict[str, float]:
    rng = np.random.default_rng(2024)
    offsets, biggest = [], []
    for i in range(count):
        duration = float(rng.uniform(20, 120))
        cuts = np.sort(rng.uniform(1.0, duration - 1.0, size=int(rng.integers(2, 9)))).tolist()
        music = plan(PROMPTS[i % len(PROMPTS)][0], duration, seed=i, cuts=cuts)
        offsets += [abs(x) for x in music.fit.offsets_ms]
        biggest.append(abs(music.fit.biggest_offset_ms))
    return {"cut_sets": count, "cuts": len(offsets), "median_ms": round(statistics.median(offsets), 2),
            "p90_ms": round(float(np.percentile(offsets, 90)), 2),
            "biggest_cut_median_ms": round(statistics.median(biggest), 2)}


def run(quick: bool = False, duration_s: float = 30.0) -> dict[str, Any]:
    lengths = (30.0, 120.0) if quick else (30.0, 120.0, 600.0)
    generate(plan(_HEADLINE, 2.0, seed=0))  # load the SoundFont once, outside the timings
    speed = [_speed(d, 1 if d >= 600 else 3) for d in lengths]
    prompts = PROMPTS[:12] if quick else PROMPTS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa's and numba's deprecation chatter
        rows = [_per_prompt(p, m, i, duration_s) for i, (p, m) in enumerate(prompts)]
    n = len(rows)
    return {
        "speed": speed,
        "tempo": {"prompts": n, "within_4pct": sum(r["tempo_ok"] for r in rows) / n,
                  "within_4pct_any_octave": sum(r["tempo_ok_any_octave"] for r in rows) / n},
        "duration": {"pieces": n, "exact_to_the_sample": sum(r["samples_exact"] for r in rows) / n},
        "loudness": {"lufs_min": min(r["lufs"] for r in rows), "lufs_max": max(r["lufs"] for r in rows),
                     "pyloudnorm_default_min": min(r["lufs_pyloudnorm_default"] for r in rows),
                     "pyloudnorm_default_max": max(r["lufs_pyloudnorm_default"] for r in rows),
                     "true_peak_max_dbtp": max(r["true_peak_dbtp"] for r in rows)},
        "cut_alignment": _cut_alignment(),
        "adherence": {"prompts": n, "share": sum(r["adherent"] for r in rows) / n},
        "per_prompt": rows,
    }


def _table(result: dict[str, Any]) -> str:
    lines = [f"{'measure':<44}{'result':>18}  target", "-" * 78]
    for s in result["speed"]:
        lines.append(f"{'speed, ' + format(s['duration_s'], '.0f') + ' s piece (x real time, 1 core)':<44}"
                     f"{s['x_real_time']:>18.0f}  >= 200")
    t, d, lo, c, a = (result[k] for k in ("tempo", "duration", "loudness", "cut_alignment", "adherence"))
    lines += [
        f"{'tempo within 4 % (librosa, ' + str(t['prompts']) + ' prompts)':<44}{t['within_4pct']:>18.1%}  >= 95 %",
        f"{'  same, allowing double/half time':<44}{t['within_4pct_any_octave']:>18.1%}",
        f"{'duration exact to the sample':<44}{d['exact_to_the_sample']:>18.1%}  100 %",
        f"{'integrated loudness, LUFS (min .. max)':<44}{lo['lufs_min']:>8.2f} .. {lo['lufs_max']:>6.2f}  -14 +/- 0.5",
        f"{'  same, pyloudnorm default K-weighting':<44}{lo['pyloudnorm_default_min']:>8.2f} .. "
        f"{lo['pyloudnorm_default_max']:>6.2f}",
        f"{'true peak, dBTP (max)':<44}{lo['true_peak_max_dbtp']:>18.2f}  <= -1",
        f"{'cut to nearest beat, median ms (' + str(c['cuts']) + ' cuts)':<44}{c['median_ms']:>18.1f}  < 40",
        f"{'  biggest cut to its downbeat, median ms':<44}{c['biggest_cut_median_ms']:>18.1f}",
        f"{'prompt adherence (mood, mode, tempo range)':<44}{a['share']:>18.1%}",
    ]
    misses = [r for r in result["per_prompt"] if not r["tempo_ok"]]
    if misses:
        lines.append("\ntempo misses: " + "; ".join(f"{r['prompt']!r} plan {r['tempo_bpm']} vs "
                                                      f"{r['beat_tracker_bpm']}" for r in misses))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="musicmaker bench music", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no 10-minute piece, 12 prompts")
    parser.add_argument("--json", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    result = run(quick=args.quick)
    print(_table(result))
    text = json.dumps({k: v for k, v in result.items() if k != "per_prompt"}, indent=2)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
