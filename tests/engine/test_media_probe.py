from __future__ import annotations

from pathlib import Path

import pytest

from musicmaker_nb.engine.media._ffmpeg import media_arg, run_ffmpeg
from musicmaker_nb.engine.media._probe import MediaInfo, NotMediaError, has_faststart, parse_probe_output, probe
from tests.engine.media_samples import make_audio, make_image, make_video

VIDEO_CODECS = {
    ".mp4": None,
    ".mov": None,
    ".mkv": None,
    ".webm": ["-c:v", "libvpx", "-deadline", "realtime"],
    ".avi": ["-c:v", "mpeg4"],
}


@pytest.mark.parametrize("suffix", list(VIDEO_CODECS))
def test_probe_video_containers(tmp_path: Path, suffix: str) -> None:
    path = make_video(tmp_path / f"clip{suffix}", codec=VIDEO_CODECS[suffix])
    info = probe(path)
    assert info.kind == "video"
    assert (info.width, info.height, info.fps) == (320, 240, 25)
    assert abs(info.duration_ms - 2000) <= 60
    assert info.has_audio and info.audio_channels == 1
    assert info.size_bytes == path.stat().st_size


@pytest.mark.parametrize(("suffix", "codec", "name"), [
    (".mp3", None, "mp3"), (".wav", None, "pcm_s16le"), (".m4a", ["-c:a", "aac"], "aac"),
    (".aac", ["-c:a", "aac", "-f", "adts"], "aac"),
])
def test_probe_audio(tmp_path: Path, suffix: str, codec: list[str] | None, name: str) -> None:
    info = probe(make_audio(tmp_path / f"song{suffix}", codec=codec))
    assert (info.kind, info.audio_codec, info.has_audio) == ("audio", name, True)
    assert info.width is None and info.fps is None
    assert abs(info.duration_ms - 2000) <= 60


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_probe_image(tmp_path: Path, suffix: str) -> None:
    info = probe(make_image(tmp_path / f"still{suffix}"))
    assert (info.kind, info.width, info.height, info.duration_ms, info.has_audio) == ("image", 320, 240, 0, False)


def test_probe_reads_content_not_the_name(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "song.wav")
    renamed = path.rename(tmp_path / "holiday.mp4")
    assert probe(renamed).kind == "audio"


def test_probe_odd_video(tmp_path: Path) -> None:
    path = make_video(tmp_path / "qcif.mp4", size="176x144", sar="12/11", audio="5.1", fps="30000/1001")
    info = probe(path)
    assert info.sample_aspect_ratio == (12, 11)
    assert info.display_width == 192
    assert info.audio_channels == 6
    assert info.fps == pytest.approx(29.97)


def test_probe_silent_video(tmp_path: Path) -> None:
    info = probe(make_video(tmp_path / "silent.mp4", audio=None))
    assert (info.kind, info.has_audio, info.audio_codec) == ("video", False, None)


def test_text_renamed_mp4_is_not_media(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("these are my holiday notes\n" * 20)
    with pytest.raises(NotMediaError):
        probe(path)


def test_zero_length_file_is_not_media(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(NotMediaError, match="empty"):
        probe(path)


@pytest.mark.parametrize("faststart", [False, True])
def test_truncated_mp4_is_not_media(tmp_path: Path, faststart: bool) -> None:
    flags = ["-movflags", "+faststart"] if faststart else []
    path = make_video(tmp_path / "whole.mp4", seconds=3,
                      codec=["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *flags])
    assert has_faststart(path) is faststart
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(NotMediaError):
        probe(cut)


def test_truncated_webm_is_not_media(tmp_path: Path) -> None:
    path = make_video(tmp_path / "whole.webm", seconds=3, codec=["-c:v", "libvpx", "-deadline", "realtime"])
    cut = tmp_path / "cut.webm"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    with pytest.raises(NotMediaError, match="truncated"):
        probe(cut)


DUMP = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:x.mp4':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 353 kb/s
  Stream #0:0[0x1](und): Video: h264 (High), 1 reference frame (avc1 / 0x31637661), yuv420p(tv, bt709, progressive, left), 176x144 [SAR 12:11 DAR 4:3], 272 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 69 kb/s (default)
  Stream #0:2[0x3](und): Video: mjpeg (Baseline), yuvj420p(pc), 300x300 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn (attached pic)
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
  Stream #0:1 -> #0:1 (aac (native) -> pcm_s16le (native))
  Stream #1:0 -> #0:2 (h264 (native) -> wrapped_avframe (native))
  Stream #1:1 -> #0:3 (aac (native) -> pcm_s16le (native))
[out#0/null @ 0x1]   Output stream #0:0 (video): 13 frames encoded; 13 packets muxed (5512 bytes);
[out#0/null @ 0x1]   Output stream #0:1 (audio): 22 frames encoded (22050 samples); 22 packets muxed (44100 bytes);
[out#0/null @ 0x1]   Output stream #0:2 (video): {tail} frames encoded; 12 packets muxed (5088 bytes);
[out#0/null @ 0x1]   Output stream #0:3 (audio): 23 frames encoded (22050 samples); 23 packets muxed (44100 bytes);
"""


def test_parse_probe_output() -> None:
    info = parse_probe_output(DUMP.format(tail=12), 1234)
    assert info == MediaInfo(
        kind="video", duration_ms=62500, width=176, height=144, fps=29.97, has_audio=True, video_codec="h264",
        audio_codec="aac", audio_channels=6, sample_aspect_ratio=(12, 11), format_name="mov,mp4,m4a,3gp,3g2,mj2",
        size_bytes=1234, pixel_format="yuv420p", audio_sample_rate=48000,
    )
    assert info.to_dict()["sample_aspect_ratio"] == "12:11"


AUDIO_DUMP = """\
Input #0, wav, from 'file:song.wav':
  Duration: 00:00:09.00, bitrate: 1411 kb/s
  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, stereo, s16, 1411 kb/s
  Stream #0:0 -> #0:0 (pcm_s16le (native) -> pcm_s16le (native))
  Stream #1:0 -> #0:1 (pcm_s16le (native) -> pcm_s16le (native))
[out#0/null @ 0x1]   Output stream #0:0 (audio): 20 frames encoded (22050 samples); 20 packets muxed (1 bytes);
[out#0/null @ 0x1]   Output stream #0:1 (audio): 0 frames encoded (0 samples); 0 packets muxed (0 bytes);
"""


def test_parse_probe_output_rejects_audio_whose_end_does_not_decode() -> None:
    with pytest.raises(NotMediaError, match="last half second"):
        parse_probe_output(AUDIO_DUMP, 1234)


def test_a_video_whose_sound_ends_early_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "short_sound.mp4"
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:duration=3", "-f", "lavfi",
                "-i", "sine=duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-y", media_arg(path)])
    info = probe(path)
    assert (info.kind, info.has_audio) == ("video", True) and info.duration_ms >= 2900


def test_mp3_cover_art_stays_audio() -> None:
    dump = """\
Input #0, mp3, from 'file:song.mp3':
  Duration: 00:00:02.00, start: 0.025057, bitrate: 66 kb/s
  Stream #0:0: Audio: mp3 (mp3float), 44100 Hz, stereo, fltp, 64 kb/s
  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc), 300x300 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn (attached pic)
  Stream #0:0 -> #0:0 (mp3 (mp3float) -> pcm_s16le (native))
  Stream #1:0 -> #0:1 (mp3 (mp3float) -> pcm_s16le (native))
[out#0/null @ 0x1]   Output stream #0:0 (audio): 20 frames encoded (22050 samples); 20 packets muxed (1 bytes);
[out#0/null @ 0x1]   Output stream #0:1 (audio): 20 frames encoded (22050 samples); 20 packets muxed (1 bytes);
"""
    info = parse_probe_output(dump, 10)
    assert (info.kind, info.width, info.audio_channels) == ("audio", None, 2)


def test_cover_art_does_not_make_audio_a_video(tmp_path: Path) -> None:
    song, cover = make_audio(tmp_path / "song.mp3"), make_image(tmp_path / "cover.jpg")
    tagged = tmp_path / "tagged.mp3"
    run_ffmpeg(["-v", "error", "-i", media_arg(song), "-i", media_arg(cover), "-map", "0", "-map", "1", "-c", "copy",
                "-disposition:v", "attached_pic", "-id3v2_version", "3", "-y", media_arg(tagged)])
    assert probe(tagged).kind == "audio"


def test_a_name_starting_with_a_dash_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_audio(Path("-y.wav"))
    assert probe("-y.wav").kind == "audio"


def test_a_phone_video_turned_by_its_display_matrix_reports_its_shown_size(tmp_path: Path) -> None:
    stored = make_video(tmp_path / "stored.mp4")
    turned = tmp_path / "turned.mp4"
    run_ffmpeg(["-v", "error", "-display_rotation", "90", "-i", media_arg(stored), "-c", "copy", "-y",
                media_arg(turned)])
    info = probe(turned)
    assert (info.width, info.height, info.rotation) == (240, 320, 90)


def test_an_estimated_duration_is_not_held_against_the_tail() -> None:
    dump = AUDIO_DUMP.replace("  Stream #0:0 ->", "[wav @ 0x1] Estimating duration from bitrate, this may be inaccurate\n"
                                                  "  Stream #0:0 ->")
    assert parse_probe_output(dump, 10).duration_ms == 9000


def test_media_info_survives_the_store(tmp_path: Path) -> None:
    """A render reuses the upload's probe: what the store keeps must read back the same."""
    import dataclasses
    import json

    info = probe(make_video(tmp_path / "odd.mp4", size="176x144", sar="12:11"))
    assert MediaInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info
    assert MediaInfo.from_dict(json.loads(json.dumps(dataclasses.asdict(info)))) == info


def test_a_one_frame_a_second_slideshow_is_whole(tmp_path: Path) -> None:
    clip = tmp_path / "slides.mp4"
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=1:duration=20", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", media_arg(clip)])
    info = probe(clip)
    assert (info.kind, info.fps, info.has_audio) == ("video", 1, False)
