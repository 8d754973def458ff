"""The three framings of a picture in a frame of another shape, rendered and looked at: a 16:9
clip in a 9:16 and in a 1:1 frame, cropped to fill, over a blurred copy of itself, letterboxed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from musicmaker_nb import Draft
from musicmaker_nb.engine.media._ffmpeg import media_arg, run_ffmpeg
from musicmaker_nb.engine.media._motion import motion_center, motion_focus
from musicmaker_nb.engine.media._probe import probe
from musicmaker_nb.engine.media._render import RenderSource, render_draft
from tests.engine.media_samples import check_mp4, make_audio, make_video

pytestmark = pytest.mark.slow

FRAMES = [(1080, 1920), (1080, 1080)]
# The bands a 640x360 picture leaves when fitted: (1920 - 608) / 2 and (1080 - 608) / 2 rows.
BAND = {(1080, 1920): 656, (1080, 1080): 236}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RenderSource]:
    folder = tmp_path_factory.mktemp("framing")
    clip = make_video(folder / "wide.mp4", size="640x360", seconds=1.5, fps="30")
    music = make_audio(folder / "music.wav", seconds=2)
    return {"med_1": RenderSource(clip, probe(clip)), "gen_1": RenderSource(music, probe(music))}


def _draft(width: int, height: int, fit: str | None, *, clip_fit: str | None = None, focus: str | None = None) -> Draft:
    segment_meta = {"fit": clip_fit} if clip_fit else {}
    draft = Draft.from_dict({"d": 1500, "m": {"w": width, "h": height, "fps": 30}, "t": [
        {"tt": 0, "sg": [{"id": "sg1", "src": "med_1", "s": 0, "d": 1500, "m": segment_meta}]},
        {"tt": 1, "m": {"name": "BGM"}, "sg": [{"id": "sg2", "src": "gen_1", "s": 0, "d": 1500, "v": 0.35}]}]})
    return draft.with_fit(fit, focus=focus) if fit else draft


def _frame(path: Path, width: int, height: int, at_s: float = 0.7) -> np.ndarray:
    """The decoded picture at ``at_s`` as 8-bit grey levels, rows x columns."""
    done = run_ffmpeg(["-v", "error", "-ss", str(at_s), "-i", media_arg(path), "-frames:v", "1",
                       "-vf", "format=gray", "-f", "rawvideo", "-"])
    return np.frombuffer(done.stdout, np.uint8).reshape(height, width)


def _render(tmp_path: Path, draft: Draft, sources: dict[str, RenderSource]) -> np.ndarray:
    out = tmp_path / "framed.mp4"
    render_draft(draft, sources, out)
    check_mp4(out, width=draft.width, height=draft.height, duration_s=1.5)
    return _frame(out, draft.width, draft.height)


def _band_rows(picture: np.ndarray, band: int) -> np.ndarray:
    """Mean grey level of each row where letterbox bands would be (top and bottom)."""
    rows = picture.mean(axis=1)
    return np.concatenate([rows[: band - 8], rows[-band + 8:]])


@pytest.mark.parametrize(("width", "height"), FRAMES)
def test_letterbox_leaves_black_bands(tmp_path: Path, sources, width: int, height: int) -> None:
    picture = _render(tmp_path, _draft(width, height, "letterbox"), sources)
    assert _band_rows(picture, BAND[width, height]).max() < 20  # black (16 in TV range)
    assert picture[height // 2].mean() > 40  # the picture itself in the middle


@pytest.mark.parametrize(("width", "height"), FRAMES)
@pytest.mark.parametrize("fit", ["fill", "blur"])
def test_fill_and_blur_leave_no_black_band(tmp_path: Path, sources, width: int, height: int, fit: str) -> None:
    picture = _render(tmp_path, _draft(width, height, fit), sources)
    assert _band_rows(picture, BAND[width, height]).min() > 30
    assert picture[:, :8].mean() > 30 and picture[:, -8:].mean() > 30  # no pillars either


def test_the_blurred_background_is_soft_and_the_picture_sharp(tmp_path: Path, sources) -> None:
    picture = _render(tmp_path, _draft(1080, 1920, "blur"), sources).astype(float)
    band, middle = picture[100:500], picture[760:1160]
    sharpness = lambda part: np.abs(np.diff(part, axis=1)).mean()  # noqa: E731
    assert sharpness(band) * 4 < sharpness(middle)


def test_a_clip_fit_overrides_the_draft_fit(tmp_path: Path, sources) -> None:
    picture = _render(tmp_path, _draft(1080, 1920, "blur", clip_fit="letterbox"), sources)
    assert _band_rows(picture, BAND[1080, 1920]).max() < 20


def test_motion_center_finds_where_the_picture_moves() -> None:
    still = np.zeros((4, 64, 64), np.uint8)
    assert motion_center(still) == (0.5, 0.5)
    moving = still.copy()
    moving[:, 40:50, 8:16] = 200
    x, y = motion_center(moving)
    assert x == pytest.approx(12 / 64) and y == pytest.approx(45 / 64)


def test_fill_follows_the_motion(tmp_path: Path) -> None:
    """A 16:9 clip that moves on its left half only (a still grey right half): the crop to 9:16 keeps the left."""
    clip = tmp_path / "left_moves.mp4"
    run_ffmpeg(["-v", "error", "-filter_complex",
                "testsrc2=size=320x360:rate=30:duration=1.5[l];color=c=gray:size=320x360:rate=30:duration=1.5[r];"
                "[l][r]hstack=inputs=2[v]", "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-y", media_arg(clip)])
    x, _ = motion_focus(clip)
    assert x < 0.35
    music = make_audio(tmp_path / "music.wav", seconds=2)
    sources = {"med_1": RenderSource(clip, probe(clip)), "gen_1": RenderSource(music, probe(music))}
    followed = _render(tmp_path, _draft(1080, 1920, "fill", focus="motion"), sources)
    centred = _render(tmp_path, _draft(1080, 1920, "fill", focus="center"), sources)
    # The centred crop takes in the still grey half; the one that follows shows moving picture across.
    assert followed[:, -200:].std() > 20
    assert centred[:, -200:].std() < 5


@pytest.mark.parametrize(("width", "height"), [(64, 112), (16, 16)])
def test_a_tiny_frame_still_gets_its_blurred_background(tmp_path: Path, sources, width: int, height: int) -> None:
    out = tmp_path / "tiny.mp4"
    render_draft(_draft(width, height, "blur"), sources, out)
    check_mp4(out, width=width, height=height, duration_s=1.5)


def test_clips_of_two_shapes_in_sequence_each_framed(tmp_path: Path, sources) -> None:
    """A wide clip blurred, then a tall picture cropped to fill, on a square frame: each chain its own."""
    tall = tmp_path / "tall.png"
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=180x320", "-frames:v", "1", "-y", media_arg(tall)])
    both = {**sources, "img_1": RenderSource(tall, probe(tall))}
    draft = Draft.from_dict({"d": 3000, "m": {"w": 1080, "h": 1080, "fps": 30, "fit": "blur"}, "t": [
        {"tt": 0, "sg": [{"id": "sg1", "src": "med_1", "s": 0, "d": 1500},
                         {"id": "sg2", "src": "img_1", "s": 1500, "d": 1500, "m": {"fit": "fill"}}]},
        {"tt": 1, "m": {"name": "BGM"}, "sg": [{"id": "sg3", "src": "gen_1", "s": 0, "d": 3000, "v": 0.35}]}]})
    out = tmp_path / "two.mp4"
    render_draft(draft, both, out)
    check_mp4(out, width=1080, height=1080, duration_s=3)
    for at_s in (0.7, 2.2):
        picture = _frame(out, 1080, 1080, at_s)
        assert _band_rows(picture, BAND[1080, 1080]).min() > 30 and picture[:, :8].mean() > 30
