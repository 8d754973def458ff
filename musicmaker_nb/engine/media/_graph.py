"""From a draft to ffmpeg argument lists: pure planning, no I/O.

A render runs two commands:

1. the *mix*: every audible clip (the video's own sound, music, other audio) trimmed, faded,
   delayed to its place, music ducked under the original sound (``sidechaincompress`` keyed
   by it), summed, written as raw 48 kHz stereo float PCM (:func:`plan_mix`);
2. the *picture and mux*: clips framed as the draft says (``m.fit``: cropped to fill the frame,
   fitted over a blurred copy of themselves, or fitted with black bands; never stretched), gaps black,
   titles drawn, or a waveform for audio-only drafts; encoded to H.264 yuv420p with the
   loudness-normalised mix as AAC (:func:`plan_render`). When the picture is a single H.264
   source already at the canvas size, its video stream is copied instead.

Between the two, :mod:`._loudness` brings the mix to -14 LUFS with a true-peak limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

from ...protocol import ACCEPTED_FORMATS, Draft, DraftError, Segment, TrackType
from ._ffmpeg import media_arg
from ._probe import MediaInfo

__all__ = [
    "RenderSource",
    "QUALITY",
    "MIX_RATE",
    "Clip",
    "Canvas",
    "fit_inside",
    "fill_crop",
    "canvas_of",
    "picture_clips",
    "audio_clips",
    "can_copy_video",
    "title_spans",
    "text_overlays",
    "plan_mix",
    "plan_render",
    "mix_path_for",
    "escape_filter_value",
]

MIX_RATE = 48000
# (CRF, x264 preset): veryfast keeps a 30 s 1080p re-encode within seconds on two cores.
QUALITY = {"high": (20, "veryfast"), "medium": (23, "veryfast"), "low": (28, "superfast")}
AUDIO_BITRATE = "192k"
DEFAULT_FPS = 30.0
# Ducking: music drops about 10 dB under speech recorded at -26 dBFS RMS (more for louder
# speech); room tone below -38 dBFS leaves it alone.
DUCK = "threshold=0.0125:ratio=6:attack=20:release=400:makeup=1"
TITLE_FADE_S = 0.5
BACKGROUND = "0x10141f"
WAVE_COLOUR = "0x7fd1c8"
# The blurred background is blurred at this fraction of the frame's size (cheap), then scaled up.
BLUR_SCALE = 8
BLUR_RADIUS = 10  # at that size; under a quarter of its shorter side (boxblur's limit on a 4:2:0 chroma plane)
# A clip needs at least this much of its source left after the offset.
_MIN_CLIP_S = 0.05
_NTSC = {23.976: "24000/1001", 29.97: "30000/1001", 59.94: "60000/1001"}


@dataclass(frozen=True)
class RenderSource:
    """A medium the draft names by id: its file and what :func:`probe` found in it; ``focus``, where
    known, the centre of its motion as fractions of its width and height (for ``fill`` with ``motion``)."""

    path: Path
    info: MediaInfo
    focus: tuple[float, float] | None = None


@dataclass(frozen=True)
class Canvas:
    width: int
    height: int
    fps: float
    duration_s: float

    @property
    def rate(self) -> str:
        """fps as ffmpeg should read it (29.97 -> 30000/1001, exact)."""
        for approx, exact in _NTSC.items():
            if abs(self.fps - approx) < 0.01:
                return exact
        return f"{self.fps:g}"


@dataclass(frozen=True)
class Clip:
    """A segment placed on the timeline, in seconds, with its source."""

    source: RenderSource
    start_s: float
    duration_s: float
    offset_s: float
    volume: float
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    duck: bool = False
    fit: str = "letterbox"
    focus: str = "center"


# -- geometry ----------------------------------------------------------------------------
def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def fit_inside(width: int, height: int, sar: tuple[int, int], box_w: int, box_h: int) -> tuple[int, int, int, int]:
    """Scaled size and offset ``(w, h, x, y)`` that fit a picture in the box, square pixels, never stretched."""
    shown_w = width * sar[0] / sar[1]
    scale = min(box_w / shown_w, box_h / height)
    out_w, out_h = min(_even(shown_w * scale), box_w), min(_even(height * scale), box_h)
    return out_w, out_h, (box_w - out_w) // 2, (box_h - out_h) // 2


def _cover(width: int, height: int, sar: tuple[int, int], box_w: int, box_h: int) -> tuple[int, int]:
    """Scaled size that covers the box (at least as wide and as tall), square pixels, never stretched."""
    shown_w = width * sar[0] / sar[1]
    scale = max(box_w / shown_w, box_h / height)
    return max(_even(shown_w * scale), box_w), max(_even(height * scale), box_h)


def fill_crop(width: int, height: int, sar: tuple[int, int], box_w: int, box_h: int,
              focus: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int, int, int]:
    """Scaled size and crop offset ``(w, h, x, y)`` that fill the box: the picture covers it and the
    box is cut around ``focus`` (fractions of the picture), kept inside the picture."""
    out_w, out_h = _cover(width, height, sar, box_w, box_h)
    x = min(max(round(focus[0] * out_w - box_w / 2), 0), out_w - box_w)
    y = min(max(round(focus[1] * out_h - box_h / 2), 0), out_h - box_h)
    return out_w, out_h, x, y


def canvas_of(draft: Draft, sources: Mapping[str, RenderSource]) -> Canvas:
    """The output frame: the draft's size (1920x1080 by default), fps, duration."""
    if draft.duration_ms <= 0:
        raise DraftError("d", "the draft has no duration: add a clip before exporting")
    width, height = int(draft.width or 1920), int(draft.height or 1080)
    if width % 2 or height % 2:
        raise DraftError("m", f"H.264 yuv420p needs an even frame size, got {width}x{height}")
    fps = draft.fps
    if fps is not None and (isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 240):
        raise DraftError("m.fps", f"frames per second must be a number between 0 and 240, got {fps!r}")
    if not fps:
        fps = next((c.source.info.fps for c in picture_clips(draft, sources) if c.source.info.fps), DEFAULT_FPS)
    return Canvas(width, height, float(fps), draft.duration_ms / 1000)


# -- reading the draft ---------------------------------------------------------------------
def _source(sources: Mapping[str, RenderSource], segment: Segment, path: str) -> RenderSource:
    if segment.source_id not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise DraftError(f"{path}.src", f"unknown medium {segment.source_id!r}; known: {known}")
    return sources[segment.source_id]


def _meta_seconds(meta: Mapping[str, object], key: str, path: str) -> float:
    value = meta.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise DraftError(f"{path}.m.{key}", f"expected milliseconds (a number >= 0), got {value!r}")
    return value / 1000


def _clip(segment: Segment, source: RenderSource, draft: Draft, path: str) -> Clip | None:
    """The segment as a clip, or None when it starts past its source's end (a gap, not an error)."""
    offset = (segment.offset_ms or 0) / 1000
    if source.info.kind != "image" and offset >= source.info.duration_ms / 1000 - _MIN_CLIP_S:
        return None
    meta = segment.meta or {}
    start = segment.start_ms / 1000
    fit, focus = draft.fit_of(segment)
    return Clip(
        source=source,
        start_s=start,
        duration_s=min(segment.duration_ms / 1000, draft.duration_ms / 1000 - start),
        offset_s=offset,
        volume=1.0 if segment.volume is None else float(segment.volume),
        fade_in_s=_meta_seconds(meta, "fade_in", path),
        fade_out_s=_meta_seconds(meta, "fade_out", path),
        duck=bool(meta.get("duck")),
        fit=fit,
        focus=focus,
    )


def _clips(draft: Draft, sources: Mapping[str, RenderSource], track_type: TrackType) -> list[Clip]:
    end = draft.duration_ms / 1000
    clips = []
    for t_index, track in enumerate(draft.tracks):
        for s_index, segment in enumerate(track.segments if track.type is track_type else ()):
            if segment.source_id and segment.duration_ms > 0 and segment.start_ms / 1000 < end:
                path = f"t[{t_index}].sg[{s_index}]"
                clip = _clip(segment, _source(sources, segment, path), draft, path)
                clips += [clip] if clip else []
    return sorted(clips, key=lambda clip: clip.start_s)


def picture_clips(draft: Draft, sources: Mapping[str, RenderSource]) -> list[Clip]:
    """Video and image clips in time order; a later clip cuts short the one it overlaps."""
    clips = [c for c in _clips(draft, sources, TrackType.VIDEO) if c.source.info.kind in ("video", "image")]
    for index in range(len(clips) - 1):
        current, after = clips[index], clips[index + 1]
        if current.start_s + current.duration_s > after.start_s:
            clips[index] = replace(current, duration_s=after.start_s - current.start_s)
    return [clip for clip in clips if clip.duration_s > 0]


def audio_clips(draft: Draft, sources: Mapping[str, RenderSource]) -> tuple[list[Clip], list[Clip]]:
    """``(original, added)``: the sound of the video track's clips, and the audio tracks' clips."""
    original = [c for c in _clips(draft, sources, TrackType.VIDEO) if c.source.info.has_audio]
    added = [c for c in _clips(draft, sources, TrackType.AUDIO) if c.source.info.has_audio]
    return original, added


def title_spans(draft: Draft) -> list[tuple[str, float, float]]:
    end = draft.duration_ms / 1000
    titles = []
    for track in draft.tracks:
        if track.type is TrackType.TEXT:
            for segment in track.segments:
                text = str((segment.meta or {}).get("text") or "").strip()
                start = segment.start_ms / 1000
                if text and segment.duration_ms > 0 and start < end:
                    titles.append((text, start, min(start + segment.duration_ms / 1000, end)))
    return titles


def can_copy_video(draft: Draft, sources: Mapping[str, RenderSource], canvas: Canvas | None = None) -> bool:
    """True when the output picture is one H.264 source unchanged: copy it, encode only audio."""
    canvas = canvas or canvas_of(draft, sources)
    clips = picture_clips(draft, sources)
    if len(clips) != 1 or title_spans(draft):
        return False
    clip, info = clips[0], clips[0].source.info
    frame = 1 / canvas.fps
    return (
        info.kind == "video"
        and info.video_codec == "h264"
        and info.pixel_format == "yuv420p"
        and (info.width, info.height) == (canvas.width, canvas.height)
        and info.sample_aspect_ratio == (1, 1) and info.rotation == 0
        # A draft may round 29.97 to 30: within 0.2 % the copied stream keeps its own rate.
        and info.fps is not None and abs(info.fps - canvas.fps) <= 0.002 * canvas.fps
        and clip.start_s == 0 and clip.offset_s == 0
        and clip.duration_s >= canvas.duration_s - frame
        and info.duration_ms / 1000 >= canvas.duration_s - frame
    )


# -- escaping for filtergraphs -----------------------------------------------------------------
def escape_filter_value(value: str) -> str:
    """Quote an option value for a filter inside ``-filter_complex`` (two levels of escaping).

    Level 1 (the filter's options): single quotes make ``:`` and ``,`` literal. Level 2 (the
    graph): backslash-escape what the graph parser reads, quotes included.
    """
    quoted = "'" + value.replace("'", "'\\''") + "'"
    return "".join("\\" + char if char in "\\'[],;" else char for char in quoted)


def _seconds(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


# -- stage 1: the mix ---------------------------------------------------------------------------
def _input(clip: Clip, *, image_rate: str | None = None) -> list[str]:
    args = []
    if image_rate is not None:
        args += ["-loop", "1", "-framerate", image_rate]
    elif clip.offset_s > 0:
        args += ["-ss", _seconds(clip.offset_s)]
    return args + ["-t", _seconds(clip.duration_s), "-i", media_arg(clip.source.path)]


def _audio_chain(index: int, clip: Clip, label: str) -> str:
    d = _seconds(clip.duration_s)
    steps = [f"aformat=sample_fmts=fltp:sample_rates={MIX_RATE}:channel_layouts=stereo",
             "asetpts=PTS-STARTPTS", f"volume={clip.volume:g}"]
    if clip.fade_in_s > 0:
        steps.append(f"afade=t=in:st=0:d={_seconds(min(clip.fade_in_s, clip.duration_s))}")
    if clip.fade_out_s > 0:
        fade = min(clip.fade_out_s, clip.duration_s)
        steps.append(f"afade=t=out:st={_seconds(clip.duration_s - fade)}:d={_seconds(fade)}")
    steps += [f"apad=whole_dur={d}", f"atrim=duration={d}"]
    if clip.start_s > 0:
        steps.append(f"adelay=delays={round(clip.start_s * 1000)}:all=1")
    return f"[{index}:a:0]" + ",".join(steps) + f"[{label}]"


def _sum(labels: Sequence[str], out: str, duration: str) -> str:
    """Sum streams without amix's level division, padded to the draft's length."""
    pad = f"apad=whole_dur={duration},atrim=duration={duration}"
    if len(labels) == 1:
        return f"[{labels[0]}]{pad}[{out}]"
    inputs = "".join(f"[{label}]" for label in labels)
    return f"{inputs}amix=inputs={len(labels)}:normalize=0:duration=longest:dropout_transition=0,{pad}[{out}]"


def _mix_graph(original: list[Clip], added: list[Clip], duration: str) -> list[str]:
    clips = original + added
    graph = [_audio_chain(i, clip, f"c{i}") for i, clip in enumerate(clips)]
    orig = [f"c{i}" for i in range(len(original))]
    ducked = [f"c{len(original) + i}" for i, c in enumerate(added) if c.duck]
    plain = [f"c{len(original) + i}" for i, c in enumerate(added) if not c.duck]
    finals = list(plain)
    if orig:
        graph.append(_sum(orig, "orig", duration))
        if ducked:
            graph.append("[orig]asplit=2[orig_out][key]")
            graph.append(_sum(ducked, "music", duration))
            graph.append(f"[music][key]sidechaincompress={DUCK}[ducked]")
            finals += ["orig_out", "ducked"]
        else:
            finals.append("orig")
    else:
        finals += ducked  # nothing to duck under
    if not finals:
        return [f"anullsrc=r={MIX_RATE}:cl=stereo,atrim=duration={duration}[mix]"]
    return graph + [_sum(finals, "mix", duration)]


def mix_path_for(out_path: str | os.PathLike[str]) -> Path:
    """Where the raw mix of a render to ``out_path`` goes (next to it, removed afterwards)."""
    out_path = Path(out_path)
    return out_path.with_name(out_path.name + ".mix.f32")


def plan_mix(draft: Draft, sources: Mapping[str, RenderSource], raw_path: str | os.PathLike[str]) -> list[str]:
    """Arguments that write the draft's mix to ``raw_path``: 48 kHz stereo f32le, exactly its length."""
    canvas = canvas_of(draft, sources)
    original, added = audio_clips(draft, sources)
    args = [arg for clip in original + added for arg in _input(clip)]
    duration = _seconds(canvas.duration_s)
    graph = ";".join(_mix_graph(original, added, duration))
    return args + ["-filter_complex", graph, "-map", "[mix]", "-t", duration,
                   "-c:a", "pcm_f32le", "-f", "f32le", "-ar", str(MIX_RATE), "-ac", "2", "-y", media_arg(raw_path)]


# -- stage 2: picture and mux -----------------------------------------------------------------
def _framing(index: int, clip: Clip, canvas: Canvas, out: str) -> tuple[list[str], list[str]]:
    """How a picture of another size becomes the frame: the filters of its own chain, and the side
    chains (the blurred background) that then lead to the label ``out``; none when it needs none."""
    info = clip.source.info
    size = (info.width or canvas.width, info.height or canvas.height, info.sample_aspect_ratio)
    if (info.width, info.height, info.sample_aspect_ratio) == (canvas.width, canvas.height, (1, 1)):
        return [], []
    w, h, x, y = fit_inside(*size, canvas.width, canvas.height)
    scaled = [f"scale={w}:{h}:flags=bicubic", "setsar=1"]
    if (w, h) == (canvas.width, canvas.height):  # the same shape: every fit is the same picture
        return scaled, []
    if clip.fit == "letterbox":
        return scaled + [f"pad={canvas.width}:{canvas.height}:{x}:{y}:color=black"], []
    if clip.fit == "fill":
        focus = clip.source.focus if clip.focus == "motion" and clip.source.focus else (0.5, 0.5)
        cw, ch, cx, cy = fill_crop(*size, canvas.width, canvas.height, focus)
        return [f"scale={cw}:{ch}:flags=bicubic", "setsar=1", f"crop={canvas.width}:{canvas.height}:{cx}:{cy}"], []
    # blur: the picture fitted, over a copy that covers the frame, blurred small (cheap) and scaled up
    small_w, small_h = _even(canvas.width / BLUR_SCALE), _even(canvas.height / BLUR_SCALE)
    bw, bh = _cover(*size, small_w, small_h)
    radius = min(BLUR_RADIUS, (min(small_w, small_h) - 1) // 4)
    blur = f"boxblur={radius}:2," if radius >= 1 else ""
    fg, bg = f"fg{index}", f"bg{index}"
    return [f"split=2[{bg}][{fg}]"], [
        f"[{bg}]scale={bw}:{bh}:flags=fast_bilinear,setsar=1,crop={small_w}:{small_h},"
        f"{blur}scale={canvas.width}:{canvas.height}:flags=bilinear,setsar=1[{bg}s]",
        f"[{fg}]" + ",".join(scaled) + f"[{fg}s]",
        f"[{bg}s][{fg}s]overlay={x}:{y}[{out}]",
    ]


def _picture_chain(index: int, clip: Clip, canvas: Canvas, label: str) -> str:
    steps = ["setpts=PTS-STARTPTS", f"fps={canvas.rate}"]
    framing, side = _framing(index, clip, canvas, f"{label}framed")
    d = _seconds(clip.duration_s)
    # A source shorter than its segment holds its last frame rather than ending the picture.
    tail = ["setsar=1", "format=yuv420p", f"tpad=stop_mode=clone:stop_duration={d}", f"trim=duration={d}",
            "setpts=PTS-STARTPTS"]
    if not side:
        return f"[{index}:V:0]" + ",".join(steps + framing + tail) + f"[{label}]"
    return ";".join([f"[{index}:V:0]" + ",".join(steps + framing), *side,
                     f"[{label}framed]" + ",".join(tail) + f"[{label}]"])


def _black(canvas: Canvas, seconds: float, label: str) -> str:
    return (f"color=c=black:s={canvas.width}x{canvas.height}:r={canvas.rate}:d={_seconds(seconds)},"
            f"format=yuv420p,setsar=1[{label}]")


def _timeline(clips: list[Clip], canvas: Canvas) -> tuple[list[str], str]:
    """Chains that put each clip (and black gaps) in sequence; returns them and the output label."""
    graph, pieces, cursor = [], [], 0.0
    for index, clip in enumerate(clips):
        if clip.start_s - cursor > 1e-3:
            graph.append(_black(canvas, clip.start_s - cursor, f"gap{index}"))
            pieces.append(f"gap{index}")
        graph.append(_picture_chain(index, clip, canvas, f"p{index}"))
        pieces.append(f"p{index}")
        cursor = clip.start_s + clip.duration_s
    if canvas.duration_s - cursor > 1e-3:
        graph.append(_black(canvas, canvas.duration_s - cursor, "gapend"))
        pieces.append("gapend")
    if len(pieces) == 1:
        return graph, pieces[0]
    graph.append("".join(f"[{p}]" for p in pieces) + f"concat=n={len(pieces)}:v=1:a=0[timeline]")
    return graph, "timeline"


def _drawtext(text: str, start: float, end: float, canvas: Canvas, font_file: str) -> str:
    fade = min(TITLE_FADE_S, (end - start) / 3)
    alpha = (f"if(lt(t,{start:g}+{fade:g}),(t-{start:g})/{fade:g},"
             f"if(gt(t,{end:g}-{fade:g}),({end:g}-t)/{fade:g},1))")
    size = max(canvas.height, canvas.width) // 18
    options = {
        "fontfile": escape_filter_value(font_file),
        "text": escape_filter_value(text),
        "expansion": "none",
        "fontsize": str(size),
        "fontcolor": "white",
        "x": "(w-text_w)/2",
        "y": "(h-text_h)/2",
        "shadowcolor": "black@0.55",
        "shadowx": str(max(2, size // 24)),
        "shadowy": str(max(2, size // 24)),
        "box": "1",
        "boxcolor": "black@0.28",
        "boxborderw": str(size // 2),
        "alpha": escape_filter_value(alpha),
        "enable": escape_filter_value(f"between(t,{start:g},{end:g})"),
    }
    return "drawtext=" + ":".join(f"{key}={value}" for key, value in options.items())


def _waveform(canvas: Canvas, mix_index: int) -> list[str]:
    wave_h = _even(canvas.height * 0.4)
    return [
        f"[{mix_index}:a:0]asplit=2[aout][avis]",
        f"[avis]showwaves=s={canvas.width}x{wave_h}:mode=cline:rate={canvas.rate}:scale=sqrt:"
        f"colors={WAVE_COLOUR},format=yuva420p[wave]",
        f"color=c={BACKGROUND}:s={canvas.width}x{canvas.height}:r={canvas.rate}:d={_seconds(canvas.duration_s)}[bg]",
        "[bg][wave]overlay=0:(H-h)/2:shortest=1,setsar=1,format=yuv420p[pic]",
    ]


def _audio_only_title(draft: Draft) -> str | None:
    """The draft's title, else the label of the first upload (music labels come last)."""
    if (draft.meta or {}).get("title"):
        return str(draft.meta["title"])
    tracks = sorted(draft.tracks, key=lambda track: track.role == "bgm")
    labels = [str(s.meta["label"]) for t in tracks for s in t.segments if s.source_id and (s.meta or {}).get("label")]
    if not labels:
        return None
    stem, dot, suffix = labels[0].rpartition(".")
    return stem if dot and stem and suffix.lower() in ACCEPTED_FORMATS else labels[0]


def text_overlays(draft: Draft, sources: Mapping[str, RenderSource]) -> list[tuple[str, float, float]]:
    """Every text drawn on the picture: the text tracks, or an audio-only draft's title."""
    titles = title_spans(draft)
    if titles or picture_clips(draft, sources):
        return titles
    label = _audio_only_title(draft)
    return [(label, 0.0, draft.duration_ms / 1000)] if label else []


def _video_codec(quality: str) -> list[str]:
    if quality not in QUALITY:
        raise ValueError(f"quality must be one of {', '.join(QUALITY)}, got {quality!r}")
    crf, preset = QUALITY[quality]
    return ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p", "-profile:v", "high"]


def plan_render(
    draft: Draft,
    sources: Mapping[str, RenderSource],
    out_path: str | os.PathLike[str],
    *,
    quality: str = "high",
    mix_path: str | os.PathLike[str] | None = None,
    font_file: str | os.PathLike[str] | None = None,
    mix_from_stdin: bool = False,
) -> list[str]:
    """Arguments of the final ffmpeg run: picture (copied or encoded) and the normalised mix.

    ``mix_path`` is the loudness-normalised raw mix (default :func:`mix_path_for` ``out_path``),
    or with ``mix_from_stdin`` the mix arrives on ffmpeg's standard input as it is normalised;
    ``font_file`` is needed only when the picture has text.
    """
    canvas = canvas_of(draft, sources)
    mix = Path(mix_path) if mix_path is not None else mix_path_for(out_path)
    clips = picture_clips(draft, sources)
    titles = text_overlays(draft, sources)
    if titles and font_file is None:
        raise ValueError("the draft has text: pass font_file (see find_font())")
    duration = _seconds(canvas.duration_s)
    mix_input = ["-f", "f32le", "-ar", str(MIX_RATE), "-ac", "2", "-i", "pipe:0" if mix_from_stdin else media_arg(mix)]
    # The "fast" AAC coder is much quicker than the default two-loop search; at 192 kb/s stereo
    # the difference is not audible, and on the stream-copy path the audio encode is most of the work.
    tail = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", AUDIO_BITRATE, "-ar", str(MIX_RATE), "-ac", "2",
            "-t", duration, "-movflags", "+faststart", "-f", "mp4", "-y", media_arg(out_path)]
    if can_copy_video(draft, sources, canvas):
        source = clips[0].source
        return (["-i", media_arg(source.path)] + mix_input
                + ["-map", "0:V:0", "-map", "1:a:0", "-c:v", "copy"] + tail)
    image_rate = canvas.rate
    inputs = [arg for clip in clips
              for arg in _input(clip, image_rate=image_rate if clip.source.info.kind == "image" else None)]
    mix_index = len(clips)
    if clips:
        graph, picture = _timeline(clips, canvas)
        audio_map = f"{mix_index}:a:0"
    else:
        graph, picture, audio_map = _waveform(canvas, mix_index), "pic", "[aout]"
    for index, (text, start, end) in enumerate(titles):
        graph.append(f"[{picture}]{_drawtext(text, start, end, canvas, os.fspath(font_file))}[title{index}]")
        picture = f"title{index}"
    return (inputs + mix_input + ["-filter_complex", ";".join(graph), "-map", f"[{picture}]", "-map", audio_map]
            + _video_codec(quality) + ["-r", canvas.rate] + tail)
