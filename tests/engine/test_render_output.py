"""Real renders of tiny generated clips, checked like a viewer's player would see them."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from musicmaker_nb import Draft
from musicmaker_nb.engine.media._ffmpeg import FFmpegError, RenderCancelled, media_arg, run_ffmpeg
from musicmaker_nb.engine.media._probe import probe
from musicmaker_nb.engine.media._render import RenderSource, find_font, render_draft
from musicmaker_nb.engine.media._graph import MIX_RATE, can_copy_video, plan_mix
from tests.engine.media_samples import check_mp4, make_audio, make_image, make_video

pytestmark = pytest.mark.slow


def _source(path: Path) -> RenderSource:
    return RenderSource(path, probe(path))


def _draft(d: int = 2000, *, w: int = 1920, h: int = 1080, fps: float | None = 30, title: str | None = None,
           duck: bool = False, music: bool = True, video: str = "med_1") -> Draft:
    tracks = [{"tt": 0, "sg": [{"src": video, "s": 0, "d": d, "o": 0}]}]
    if music:
        tracks.append({"tt": 1, "m": {"name": "BGM"}, "sg": [{"src": "gen_1", "s": 0, "d": d, "v": 0.35,
                                                              "m": {"duck": duck, "fade_out": 500}}]})
    if title:
        tracks.append({"tt": 7, "sg": [{"s": 200, "d": 1500, "m": {"text": title}}]})
    meta = {"w": w, "h": h, **({"fps": fps} if fps else {})}
    return Draft.from_dict({"d": d, "m": meta, "t": tracks})


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> RenderSource:
    folder = tmp_path_factory.mktemp("music")
    return _source(make_audio(folder / "music.wav", seconds=3, codec=["-af", "volume=-12dB"]))


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> RenderSource:
    return _source(make_video(tmp_path_factory.mktemp("clip") / "clip.mp4", audio="speech"))


def _render(tmp_path: Path, draft: Draft, sources: dict[str, RenderSource], **kwargs) -> Path:
    out = tmp_path / "export.mp4"
    render_draft(draft, sources, out, **kwargs)
    return out


@pytest.mark.parametrize(("w", "h"), [(1920, 1080), (1080, 1920)])
def test_small_clip_with_title_and_ducked_music(tmp_path: Path, clip: RenderSource, music: RenderSource,
                                                w: int, h: int) -> None:
    progress: list[float] = []
    draft = _draft(w=w, h=h, title="Urban Dreams", duck=True)
    out = _render(tmp_path, draft, {"med_1": clip, "gen_1": music}, on_progress=progress.append)
    check_mp4(out, width=w, height=h, duration_s=2)
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["export.mp4"]  # no temporary files left


def _video_md5(path: Path) -> str:
    done = run_ffmpeg(["-v", "error", "-i", media_arg(path), "-map", "0:v:0", "-c", "copy", "-f", "md5", "-"])
    return done.stdout.decode().strip()


def test_unchanged_h264_picture_is_copied_bit_for_bit(tmp_path: Path, music: RenderSource) -> None:
    source = _source(make_video(tmp_path / "full.mp4", size="1920x1080", fps="30", seconds=2, audio="sine"))
    sources = {"med_1": source, "gen_1": music}
    assert can_copy_video(_draft(), sources)
    out = _render(tmp_path, _draft(), sources)
    check_mp4(out, width=1920, height=1080, duration_s=2)
    assert _video_md5(out) == _video_md5(source.path)


ODD = {
    "qcif_sar": dict(size="176x144", sar="12/11"),
    "scope": dict(size="640x272"),
    "surround": dict(audio="5.1"),
    "silent": dict(audio=None),
    "ntsc": dict(fps="30000/1001"),
}


@pytest.mark.parametrize("name", list(ODD))
def test_odd_inputs(tmp_path: Path, music: RenderSource, name: str) -> None:
    source = _source(make_video(tmp_path / f"{name}.mp4", **ODD[name]))
    fps = None if name == "ntsc" else 30
    out = _render(tmp_path, _draft(fps=fps), {"med_1": source, "gen_1": music})
    info = check_mp4(out, width=1920, height=1080, duration_s=2, fps=source.info.fps if fps is None else 30)
    if name == "ntsc":
        assert info.media.fps == pytest.approx(29.97)


def _gray_row(path: Path, at_s: float = 1.0, size: tuple[int, int] = (1920, 1080)) -> np.ndarray:
    """The middle row of the frame at ``at_s``, as 8-bit gray levels."""
    done = run_ffmpeg(["-v", "error", "-ss", str(at_s), "-i", media_arg(path), "-frames:v", "1",
                       "-vf", "format=gray", "-f", "rawvideo", "-"])
    return np.frombuffer(done.stdout, np.uint8).reshape(size[1], size[0])[size[1] // 2]


def test_non_square_pixels_are_shown_at_their_true_shape(tmp_path: Path, music: RenderSource) -> None:
    source = _source(make_video(tmp_path / "qcif.mp4", size="176x144", sar="12/11", source="smptebars"))
    row = _gray_row(_render(tmp_path, _draft(), {"med_1": source, "gen_1": music}))
    # 192x144 shown (4:3) fills 1440 of 1920: bars from x=240; ignoring the SAR would start them at x=300.
    assert row[:230].max() < 30
    assert row[250:290].min() > 60


def test_no_sound_at_all_still_has_a_silent_audio_track(tmp_path: Path) -> None:
    source = _source(make_video(tmp_path / "silent.mp4", audio=None))
    out = _render(tmp_path, _draft(music=False), {"med_1": source})
    check_mp4(out, width=1920, height=1080, duration_s=2, loudness=False)


def test_audio_only_becomes_a_waveform_video(tmp_path: Path, music: RenderSource) -> None:
    song = _source(make_audio(tmp_path / "song.mp3", seconds=2))
    draft = Draft.from_dict({"d": 2000, "t": [{"tt": 0, "sg": [{"src": "song", "s": 0, "d": 2000,
                                                                "m": {"label": "My Song"}}]}]})
    out = _render(tmp_path, draft, {"song": song})
    check_mp4(out, width=1920, height=1080, duration_s=2)


def test_cancel_stops_and_leaves_nothing(tmp_path: Path, clip: RenderSource, music: RenderSource) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled):
        _render(tmp_path, _draft(title="x"), {"med_1": clip, "gen_1": music}, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_ffmpeg_reports_its_stderr(tmp_path: Path, music: RenderSource) -> None:
    source = _source(make_video(tmp_path / "clip.mp4"))
    source.path.write_bytes(b"no longer a video")
    with pytest.raises(FFmpegError) as caught:
        _render(tmp_path, _draft(), {"med_1": source, "gen_1": music})
    assert "Invalid data" in caught.value.stderr_tail or "moov" in caught.value.stderr_tail
    assert not (tmp_path / "export.mp4").exists()


def _tone_level(samples: np.ndarray, start_s: float, hz: float = 110) -> float:
    window = samples[int(start_s * MIX_RATE): int((start_s + 0.3) * MIX_RATE), 0]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    return float(spectrum[int(round(hz * len(window) / MIX_RATE))])


def _mix(tmp_path: Path, draft: Draft, sources: dict[str, RenderSource]) -> np.ndarray:
    raw = tmp_path / "mix.raw"
    run_ffmpeg(plan_mix(draft, sources, raw))
    return np.fromfile(raw, "<f4").reshape(-1, 2)


def test_ducking_lowers_the_music_while_the_video_speaks(tmp_path: Path, clip: RenderSource) -> None:
    sources = {"med_1": clip, "gen_1": _source(make_audio(tmp_path / "hum.wav", seconds=3, kind="hum"))}
    plain, ducked = _mix(tmp_path, _draft(duck=False), sources), _mix(tmp_path, _draft(duck=True), sources)
    # The speech-like sound (300-3400 Hz) bursts 0.0-0.6 s of every second; the music is a 110 Hz hum.
    speaking_db = 20 * np.log10(_tone_level(ducked, 1.2) / _tone_level(plain, 1.2))
    assert speaking_db < -6
    assert _tone_level(plain, 1.2) == pytest.approx(_tone_level(plain, 0.2), rel=0.1)


def test_find_font_finds_a_truetype_file() -> None:
    assert find_font().endswith(".ttf")


def test_image_gap_and_clip_in_sequence_on_a_square_canvas(tmp_path: Path, clip: RenderSource,
                                                          music: RenderSource) -> None:
    still = _source(make_image(tmp_path / "still.png", size="640x480"))
    draft = Draft.from_dict({"d": 3000, "m": {"w": 1080, "h": 1080, "fps": 25}, "t": [
        {"tt": 0, "sg": [{"src": "still", "s": 0, "d": 1000}, {"src": "med_1", "s": 1500, "d": 1500, "o": 500}]},
        {"tt": 1, "sg": [{"src": "gen_1", "s": 0, "d": 3000, "v": 0.5, "m": {"fade_in": 300}}]}]})
    out = _render(tmp_path, draft, {"still": still, "med_1": clip, "gen_1": music})
    check_mp4(out, width=1080, height=1080, duration_s=3, fps=25)
    assert _gray_row(out, 1.2, size=(1080, 1080)).max() < 30  # the gap is black
    assert _gray_row(out, 0.5, size=(1080, 1080)).max() > 100  # the still is shown


def test_a_turned_phone_video_is_shown_upright(tmp_path: Path, music: RenderSource) -> None:
    stored = make_video(tmp_path / "stored.mp4", source="smptebars")
    turned = tmp_path / "turned.mp4"
    run_ffmpeg(["-v", "error", "-display_rotation", "90", "-i", media_arg(stored), "-c", "copy", "-y",
                media_arg(turned)])
    source = _source(turned)
    assert not can_copy_video(_draft(), {"med_1": source, "gen_1": music})
    row = _gray_row(_render(tmp_path, _draft(), {"med_1": source, "gen_1": music}))
    # Shown 240x320, it fills 810x1080 from x=555; turned, smptebars' tall columns (its top
    # two thirds) become rows, so the middle row stays within one bar across them.
    assert row[:540].max() < 30
    assert row[570:1060].std() < 3 and row[570:1060].mean() > 60


def test_music_the_limiter_pulls_under_target_is_normalised_again(tmp_path: Path, clip: RenderSource) -> None:
    """Sharp clicks make the one streamed pass land short: the render normalises exactly and
    encodes again, and the file is still on target."""
    rate = 48000
    # A low tone (AAC keeps all of it, unlike white noise's top band) with loud clicks.
    tone = 0.03 * np.sin(2 * np.pi * 220 * np.arange(rate * 3) / rate)
    music = np.repeat(tone[:, None], 2, axis=1).astype(np.float32)
    music[rate // 2::rate // 2] = 0.9
    raw = tmp_path / "clicks.f32"
    raw.write_bytes(music.tobytes())
    wav = tmp_path / "clicks.wav"
    run_ffmpeg(["-v", "error", "-f", "f32le", "-ar", str(rate), "-ac", "2", "-i", media_arg(raw), "-y", media_arg(wav)])
    draft = Draft.from_dict({"d": 2000, "m": {"w": 1920, "h": 1080, "fps": 30}, "t": [
        {"tt": 0, "sg": [{"src": "med_1", "s": 0, "d": 2000, "o": 0, "v": 0.0}]},
        {"tt": 1, "sg": [{"src": "gen_1", "s": 0, "d": 2000, "v": 1.0}]}]})
    out = tmp_path / "export.mp4"
    result = render_draft(draft, {"med_1": clip, "gen_1": _source(wav)}, out)
    assert result.limited
    check_mp4(out, width=1920, height=1080, duration_s=2)
