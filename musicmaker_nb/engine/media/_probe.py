"""What a file holds, found from its content (never its name), and checks of rendered MP4s.

There is no ffprobe binary, so :func:`probe` runs ``ffmpeg -i FILE`` once with a short decode
of the file's first and last half second: the stream dump gives codecs, sizes and duration,
and the decode proves the file is whole (a truncated MP4 often has a valid header but no
data at its end). Parsing the dump is pure (:func:`parse_probe_output`) and tested on text.

A picture over :data:`MAX_PIXELS` (an image, or a video's frame) is refused before it is
decoded: ffmpeg runs with ``-max_pixels``, so its decoders read the size from the header and
stop there (a 729 KB PNG of 16000x16000 would otherwise take 766 MB to decode). That refusal is
:class:`TooManyPixelsError`, a ``422`` naming the limit, not a ``4001``: the file is media, but
larger than the engine takes (PROTOCOL.md: "images at most 50 megapixels, checked before decoding").
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ...protocol import Code, MusicMakerError
from .._errors import EngineError
from ._ffmpeg import FFmpegError, media_arg, run_ffmpeg

__all__ = [
    "MediaInfo",
    "NotMediaError",
    "TooManyPixelsError",
    "MAX_PIXELS",
    "probe",
    "parse_probe_output",
    "Loudness",
    "measure_loudness",
    "parse_ebur128_summary",
    "OutputInfo",
    "inspect_output",
    "has_faststart",
]

PROBE_TIMEOUT_S = 20.0
MAX_PIXELS = 50_000_000  # PROTOCOL.md: images at most 50 megapixels
_TAIL_S = 0.5
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe", "gif_pipe",
                  "jpegxl_pipe", "svg_pipe"}
_IMAGE_CODECS = {"png", "mjpeg", "webp", "bmp", "tiff", "gif", "jpegxl", "jpeg2000"}
_NOT_MEDIA_FORMATS = {"tty", "srt", "ass", "webvtt", "subviewer", "microdvd", "lrc", "data"}
_CHANNELS = {"mono": 1, "stereo": 2, "downmix": 2, "2.1": 3, "3.0": 3, "3.0(back)": 3, "quad": 4,
             "quad(side)": 4, "4.0": 4, "4.1": 5, "5.0": 5, "5.0(side)": 5, "5.1": 6, "5.1(side)": 6,
             "6.0": 6, "6.1": 7, "7.0": 7, "7.1": 8, "7.1(wide)": 8, "7.1(wide-side)": 8}


class NotMediaError(MusicMakerError, ValueError):
    """The file is not a whole audio, video or image file; ``reason`` says what is wrong."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TooManyPixelsError(EngineError):
    """A picture (an image or a video's frame) over :data:`MAX_PIXELS`, found from its header."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        super().__init__(Code.INVALID_REQUEST, f"the picture is {width}x{height} pixels ({width * height / 1e6:.1f} "
                                               f"megapixels); images and video frames may have at most "
                                               f"{MAX_PIXELS // 1_000_000} megapixels")


@dataclass(frozen=True)
class MediaInfo:
    """One medium as probed. ``duration_ms`` is 0 for a still image; ``fps`` None without video."""

    kind: str  # "video" | "audio" | "image"
    duration_ms: int
    width: int | None
    height: int | None
    fps: float | None
    has_audio: bool
    video_codec: str | None
    audio_codec: str | None
    audio_channels: int | None
    sample_aspect_ratio: tuple[int, int]
    format_name: str
    size_bytes: int
    pixel_format: str | None = None
    audio_sample_rate: int | None = None
    # Degrees a player turns the picture (phone videos); width and height are as shown, turned.
    rotation: int = 0

    @property
    def display_width(self) -> int | None:
        """Width in square pixels (176x144 at SAR 12:11 shows as 192 wide)."""
        if self.width is None:
            return None
        num, den = self.sample_aspect_ratio
        return round(self.width * num / den)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sample_aspect_ratio"] = "{}:{}".format(*self.sample_aspect_ratio)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaInfo:
        """The inverse of ``to_dict`` (what the store keeps), so a render need not probe again."""
        ratio = data.get("sample_aspect_ratio") or "1:1"
        num, den = ratio if isinstance(ratio, (list, tuple)) else str(ratio).split(":")
        known = {f.name for f in fields(cls)}
        return cls(**{**{k: v for k, v in data.items() if k in known}, "sample_aspect_ratio": (int(num), int(den))})


# -- parsing the dump of `ffmpeg -i` (pure) ------------------------------------------------------
_INPUT_RE = re.compile(r"^Input #0, (?P<fmt>.+?), from ", re.M)
_DURATION_RE = re.compile(r"^\s+Duration: (?:(?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)|N/A)", re.M)
_STREAM_RE = re.compile(r"^\s+Stream #0:\d+\S*: (?P<type>Video|Audio): (?P<rest>.*)$", re.M)
_SIZE_RE = re.compile(r"(?:^|, )(\d+)x(\d+)(?=[ ,]|$)")
_SAR_RE = re.compile(r"SAR (\d+):(\d+)")
_RATE_RE = re.compile(r"([\d.]+)(k?) (fps|tbr)")
_HZ_RE = re.compile(r"(\d+) Hz")
_ROTATION_RE = re.compile(r"display ?matrix: rotation of (-?[\d.]+) degrees", re.I)
_MAPPING_RE = re.compile(r"^\s+Stream #(\d+):\d+ -> #0:(\d+)", re.M)
_FRAMES_RE = re.compile(r"Output stream #0:(\d+) \((?:video|audio)\): (\d+) frames encoded")
_PIXELS_RE = re.compile(r"Picture size (\d+)x(\d+) (?:exceeds specified max pixel count|is invalid)")


def _split_top(text: str) -> list[str]:
    """Split on ", " outside parentheses: ``yuv420p(tv, bt709)`` stays whole."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _side_data(text: str, start: int) -> str:
    """The indented lines (metadata, side data) after a stream line, up to the next stream."""
    following = text[start:]
    end = re.search(r"^\s*(Stream #|Input #|Output #|\[)", following[1:], re.M)
    return following[: end.start() + 1] if end else following


def _video_stream(rest: str, side: str = "") -> dict[str, Any]:
    parts = _split_top(rest)
    size = _SIZE_RE.search(rest)
    sar = _SAR_RE.search(rest)
    rates = {unit: float(value) * (1000 if k else 1) for value, k, unit in _RATE_RE.findall(rest)}
    pix = next((p for p in parts[1:] if re.match(r"^[a-z][a-z0-9_]*(\(.*\))?$", p)), None)
    num, den = (int(sar.group(1)), int(sar.group(2))) if sar else (1, 1)
    common = math.gcd(num, den) or 1
    turn = _ROTATION_RE.search(side)
    rotation = round(float(turn.group(1))) % 360 if turn else 0
    width, height = (int(size.group(1)), int(size.group(2))) if size else (None, None)
    if rotation in (90, 270):
        width, height = height, width  # ffmpeg turns the frames when it decodes them
    return {
        "codec": parts[0].split()[0],
        "pix_fmt": pix.split("(")[0] if pix else None,
        "width": width,
        "height": height,
        "rotation": rotation,
        "sar": (num // common, den // common) if num > 0 and den > 0 else (1, 1),
        "fps": rates.get("fps") or rates.get("tbr"),
        "attached_pic": "(attached pic)" in rest,
    }


def _channel_count(parts: list[str]) -> int | None:
    for part in parts:
        if part in _CHANNELS:
            return _CHANNELS[part]
        match = re.match(r"^(\d+) channels", part)
        if match:
            return int(match.group(1))
    return None


def _audio_stream(rest: str) -> dict[str, Any]:
    parts = _split_top(rest)
    hz = _HZ_RE.search(rest)
    return {"codec": parts[0].split()[0], "rate": int(hz.group(1)) if hz else None,
            "channels": _channel_count(parts[1:])}


def _frames_per_input(text: str) -> dict[int, int]:
    """Fewest frames any mapped stream of each input (0 head, 1 tail) decoded."""
    input_of = {int(out): int(src) for src, out in _MAPPING_RE.findall(text)}
    fewest: dict[int, int] = {}
    for out, frames in _FRAMES_RE.findall(text):
        source = input_of.get(int(out))
        if source is not None:
            fewest[source] = min(fewest.get(source, int(frames)), int(frames))
    return fewest


def _first_error(text: str) -> str:
    lines = [line.split("] ", 1)[-1].strip() for line in text.splitlines()]
    wanted = [line for line in lines if re.search(r"rror|invalid|not found|partial file", line, re.I)]
    return (wanted or ["ffmpeg could not read it"])[0]


def _kind(fmt: str, video: dict[str, Any] | None, audio: dict[str, Any] | None, duration_ms: int) -> str:
    if video is not None:
        still = fmt in _IMAGE_FORMATS or (video["codec"] in _IMAGE_CODECS and duration_ms <= 100 and audio is None)
        return "image" if still else "video"
    if audio is not None:
        return "audio"
    raise NotMediaError("the file has no audio or video stream")


def _check_whole(text: str, kind: str) -> None:
    if "partial file" in text:
        raise NotMediaError("the file is truncated (its data ends before its index says)")
    frames = _frames_per_input(text)
    if frames.get(0, 0) == 0:
        raise NotMediaError(f"the file does not decode: {_first_error(text)}")
    # The tail input maps only audio. A video whose sound is silent or ends early is checked
    # again by probe() on its picture. A duration estimated from the bitrate (raw AAC, VBR MP3
    # without a header) may overshoot the real end, so such a file is not judged by its tail.
    estimated = "Estimating duration from bitrate" in text
    if kind == "audio" and not estimated and frames.get(1, 0) == 0:
        raise NotMediaError("the file is truncated or corrupt: its last half second does not decode")


def parse_probe_output(text: str, size_bytes: int) -> MediaInfo:
    """Build a :class:`MediaInfo` from the stderr of :func:`probe`'s ffmpeg run."""
    header = _INPUT_RE.search(text)
    if header is None:
        raise NotMediaError(f"not a media file: {_first_error(text)}")
    fmt = header.group("fmt")
    if fmt in _NOT_MEDIA_FORMATS:
        raise NotMediaError(f"not a media file (ffmpeg reads it as {fmt!r})")
    head = text[header.start():]
    head = head[: m.start()] if (m := re.search(r"^Input #1", head, re.M)) else head
    streams = [(m.group("type"), m.group("rest"), _side_data(head, m.end())) for m in _STREAM_RE.finditer(head)]
    videos = [s for s in (_video_stream(r, side) for t, r, side in streams if t == "Video") if not s["attached_pic"]]
    audios = [_audio_stream(r) for t, r, _ in streams if t == "Audio"]
    video, audio = (videos or [None])[0], (audios or [None])[0]
    duration = _DURATION_RE.search(head)
    duration_ms = 0
    if duration and duration.group("h") is not None:
        seconds = int(duration.group("h")) * 3600 + int(duration.group("m")) * 60 + float(duration.group("s"))
        duration_ms = round(seconds * 1000)
    kind = _kind(fmt, video, audio, duration_ms)
    _check_whole(text, kind)
    if kind != "image" and duration_ms <= 0:
        raise NotMediaError("the file has no duration (a stream without timing or an empty recording)")
    return MediaInfo(
        kind=kind,
        duration_ms=0 if kind == "image" else duration_ms,
        width=video["width"] if video else None,
        height=video["height"] if video else None,
        fps=video["fps"] if video and kind == "video" else None,
        has_audio=audio is not None,
        video_codec=video["codec"] if video else None,
        audio_codec=audio["codec"] if audio else None,
        audio_channels=audio["channels"] if audio else None,
        sample_aspect_ratio=video["sar"] if video else (1, 1),
        format_name=fmt,
        size_bytes=size_bytes,
        pixel_format=video["pix_fmt"] if video else None,
        audio_sample_rate=audio["rate"] if audio else None,
        rotation=video["rotation"] if video else 0,
    )


def pixels_refused(text: str) -> tuple[int, int] | None:
    """The picture size ffmpeg would not decode (past ``-max_pixels``, or past what it can), from its
    log; None if none."""
    match = _PIXELS_RE.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _picture_size(text: str) -> tuple[int, int] | None:
    """The first video stream's size as its header gives it (None when the dump has none)."""
    for stream in _STREAM_RE.finditer(text):
        size = _SIZE_RE.search(stream.group("rest")) if stream.group("type") == "Video" else None
        if size:
            return int(size.group(1)), int(size.group(2))
    return None


def _probe_args(path: Path, max_pixels: int = MAX_PIXELS) -> list[str]:
    name = media_arg(path)
    limit = ["-max_pixels", str(max_pixels)]  # per input: a larger picture is not decoded
    # The second input starts half a second before the end: a file cut short fails there. Only
    # its audio is decoded (cheap); decoding video there could mean decoding a whole long GOP.
    return ["-v", "verbose", *limit, "-i", name, "-sseof", f"-{_TAIL_S}", *limit, "-i", name,
            "-map", "0:V:0?", "-map", "0:a:0?", "-map", "1:a:0?", "-t", f"{_TAIL_S}", "-f", "null", "-"]


def _video_tail_args(path: Path, seconds: float = _TAIL_S, max_pixels: int = MAX_PIXELS) -> list[str]:
    # Skipping the deblocking filter makes decoding up to the tail (a whole GOP) cheaper.
    return ["-v", "verbose", "-skip_loop_filter", "all", "-max_pixels", str(max_pixels), "-sseof", f"-{seconds:g}",
            "-i", media_arg(path), "-map", "0:V:0", "-f", "null", "-"]


def _within_pixel_limit(path: Path, text: str) -> tuple[str, int]:
    """The probe's log once no picture is over the limit, and the ``-max_pixels`` that decodes it.

    ffmpeg checks the limit twice: on the header's size, and on the size of the buffer it decodes
    into, whose rows are padded (7071x7071 is 50.0 megapixels, but decodes into 7104x7071). A
    picture refused only for its padding is within the limit: it is probed again allowing that."""
    refused = pixels_refused(text)
    if refused is None:
        return text, MAX_PIXELS
    width, height = _picture_size(text) or refused
    if width * height > MAX_PIXELS:
        raise TooManyPixelsError(width, height)
    padded = refused[0] * refused[1]
    if padded <= MAX_PIXELS:
        return text, MAX_PIXELS  # refused for another reason ("0x0 is invalid"): the dump says what is wrong
    return _run(_probe_args(path, padded)), padded


def _run(args: list[str]) -> str:
    try:
        done = run_ffmpeg(args, timeout=PROBE_TIMEOUT_S, check=False, what="probing")
    except FFmpegError as exc:
        raise NotMediaError(f"probing took too long; the file may be damaged ({exc.stderr_tail[-200:]})") from None
    return done.stderr.decode("utf-8", "replace")


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Probe a file by its content; raise :class:`NotMediaError` unless it is whole media, and
    :class:`TooManyPixelsError` (before decoding it) for a picture over :data:`MAX_PIXELS`."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise NotMediaError("the file is empty (0 bytes)")
    text, max_pixels = _within_pixel_limit(path, _run(_probe_args(path)))
    info = parse_probe_output(text, size)
    if info.width and info.height and info.width * info.height > MAX_PIXELS:
        raise TooManyPixelsError(info.width, info.height)  # a decoder that read it all the same
    if info.kind == "video" and _frames_per_input(text).get(1, 0) == 0:
        # At least two frames' worth: a 1 fps slideshow may have no frame in the last half second.
        seconds = max(_TAIL_S, 2 / info.fps) if info.fps else _TAIL_S
        tail = _run(_video_tail_args(path, seconds, max_pixels))
        if "partial file" in tail or _frames_per_input(tail).get(0, 0) == 0:
            raise NotMediaError(f"the file is truncated or corrupt: its last {seconds:g} s do not decode")
    return info


# -- loudness and output checks ---------------------------------------------------------------
@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float


def _summary_value(summary: str, label: str) -> float:
    match = re.search(rf"^\s*{label}:\s+(-?inf|-?[\d.]+)", summary, re.M)
    if match is None:
        raise ValueError(f"no {label!r} in the ebur128 summary")
    return float(match.group(1))


def parse_ebur128_summary(text: str) -> Loudness:
    """Read the ``Summary:`` block that ffmpeg's ``ebur128=peak=true`` prints at the end."""
    start = text.rfind("Summary:")
    if start < 0:
        raise ValueError("ffmpeg printed no ebur128 summary")
    summary = text[start:]
    return Loudness(_summary_value(summary, "I"), _summary_value(summary, "Peak"), _summary_value(summary, "LRA"))


def measure_loudness(path: str | os.PathLike[str]) -> Loudness:
    """Integrated loudness (LUFS), true peak (dBTP) and range of a file's first audio stream."""
    args = ["-v", "info", "-i", media_arg(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]
    done = run_ffmpeg(args, what="measuring loudness")
    return parse_ebur128_summary(done.stderr.decode("utf-8", "replace"))


def has_faststart(path: str | os.PathLike[str]) -> bool:
    """True when an MP4's ``moov`` box comes before its ``mdat`` (playable while downloading)."""
    with open(path, "rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                return False
            size, box = int.from_bytes(header[:4], "big"), header[4:8]
            if box in (b"moov", b"mdat"):
                return box == b"moov"
            if size == 1:
                size = int.from_bytes(handle.read(8), "big") - 8
            if size < 8:
                return False
            handle.seek(size - 8, os.SEEK_CUR)
    return False


@dataclass(frozen=True)
class OutputInfo:
    """A rendered file as a test or a benchmark checks it."""

    media: MediaInfo
    loudness: Loudness | None
    faststart: bool


def inspect_output(path: str | os.PathLike[str]) -> OutputInfo:
    """Probe a rendered MP4 and measure its loudness (None without audio)."""
    media = probe(path)
    loudness = measure_loudness(path) if media.has_audio else None
    return OutputInfo(media=media, loudness=loudness, faststart=has_faststart(path))
