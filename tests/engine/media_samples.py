"""Tiny test media made with ffmpeg's lavfi sources, and checks of rendered MP4s.

Imported by the media and render tests (and free for the server's tests): every file is
generated on the spot, a couple of seconds long, at most a few hundred kilobytes.
"""

from __future__ import annotations

from pathlib import Path

from musicmaker_nb.engine.media._ffmpeg import media_arg, run_ffmpeg
from musicmaker_nb.engine.media._probe import OutputInfo, inspect_output

__all__ = ["make_video", "make_audio", "make_image", "make_cut_clip", "SPEECH_LIKE", "check_mp4"]

# Speech-like sound without a speech synthesiser: band-limited pink noise in syllable bursts,
# 0.6 s on and 0.4 s off every second.
SPEECH_LIKE = ("anoisesrc=color=pink:amplitude=0.5:sample_rate=48000,highpass=f=300,lowpass=f=3400,"
               "volume='if(lt(mod(t,1),0.6),1,0)':eval=frame")


def _audio_source(kind: str, seconds: float) -> list[str]:
    graphs = {
        "sine": f"sine=frequency=440:sample_rate=44100:duration={seconds}",
        "hum": f"sine=frequency=110:sample_rate=44100:duration={seconds}",
        "speech": f"{SPEECH_LIKE},atrim=duration={seconds}",
        "5.1": f"sine=frequency=330:sample_rate=48000:duration={seconds},aformat=channel_layouts=5.1",
    }
    return ["-f", "lavfi", "-i", graphs[kind]]


def make_video(path: Path, *, size: str = "320x240", seconds: float = 2, fps: str = "25",
               audio: str | None = "sine", sar: str | None = None, codec: list[str] | None = None,
               source: str = "testsrc2") -> Path:
    """A clip of ``source`` (testsrc2) with ``audio`` ("sine", "hum", "speech", "5.1" or None)."""
    video = f"{source}=size={size}:rate={fps}:duration={seconds}"
    if sar:
        video += f",setsar={sar}"
    args = ["-v", "error", "-f", "lavfi", "-i", video]
    if audio:
        args += _audio_source(audio, seconds) + ["-c:a", "aac" if path.suffix != ".webm" else "libopus"]
    args += codec or ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    run_ffmpeg(args + ["-shortest", "-y", media_arg(path)])
    return path


def make_audio(path: Path, *, seconds: float = 2, kind: str = "sine", codec: list[str] | None = None) -> Path:
    args = ["-v", "error"] + _audio_source(kind, seconds) + (codec or []) + ["-y", media_arg(path)]
    run_ffmpeg(args)
    return path


def make_image(path: Path, *, size: str = "320x240") -> Path:
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}", "-frames:v", "1", "-y", media_arg(path)])
    return path


def make_cut_clip(path: Path, *, seconds_each: float = 2) -> Path:
    """Two different lavfi pictures back to back: one scene cut at ``seconds_each``."""
    graph = (f"testsrc2=size=320x240:rate=25:duration={seconds_each}[a];"
             f"smptebars=size=320x240:rate=25:duration={seconds_each}[b];[a][b]concat=n=2:v=1[v]")
    run_ffmpeg(["-v", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast",
                "-y", media_arg(path)])
    return path


def check_mp4(path: Path, *, width: int, height: int, duration_s: float, fps: float = 30,
              loudness: bool = True) -> OutputInfo:
    """Assert the export rules: H.264 yuv420p at the size, AAC stereo 48 kHz, length within a
    frame, -14 LUFS +-1, true peak <= -1 dBTP, moov first."""
    out = inspect_output(path)
    media = out.media
    assert (media.video_codec, media.pixel_format) == ("h264", "yuv420p"), media
    assert (media.width, media.height, media.sample_aspect_ratio) == (width, height, (1, 1)), media
    assert abs(media.duration_ms / 1000 - duration_s) <= 1 / fps + 1e-3, (media.duration_ms, duration_s)
    assert (media.audio_codec, media.audio_channels, media.audio_sample_rate) == ("aac", 2, 48000), media
    assert out.faststart
    if loudness:
        assert abs(out.loudness.integrated_lufs - -14) <= 1, out.loudness
        assert out.loudness.true_peak_dbtp <= -1, out.loudness
    return out
