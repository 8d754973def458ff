"""Batches without HTTP: one item's whole pipeline, and many items as tasks on a Dask cluster."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from musicmaker_nb.engine.batch import make_video, plan_item, run_batch
from musicmaker_nb.engine.agent._interpret import Clip
from musicmaker_nb.engine.media._probe import probe
from musicmaker_nb.protocol import MusicMakerError
from musicmaker_nb.protocol._batch import BatchItem, batch_items
from tests.engine.conftest import make_clip

CLIP = Clip("clip", "trip.mp4", "video", 3000)


def test_the_instruction_is_read_as_the_agent_reads_a_message():
    wanted = plan_item("create an upbeat background track and add the title 'Summer' (seed 5)", CLIP)
    assert wanted.prompt == "create an upbeat background track" and wanted.seed == 5
    assert [(call.name, call.args["text"]) for call in wanted.edits] == [("add_title", "Summer")]
    assert plan_item("calm lo-fi", CLIP, seed=9).seed == 9  # the item's own seed wins


def test_an_instruction_without_music_words_still_gets_music():
    wanted = plan_item("calm lo-fi with the title 'Hi' (seed 3)", CLIP)
    assert (wanted.prompt, wanted.seed) == ("calm lo-fi with the title 'Hi'", 3)
    assert [call.name for call in wanted.edits] == ["add_title"]


def test_what_a_batch_cannot_do_is_said():
    with pytest.raises(MusicMakerError, match="undo needs a session"):
        plan_item("jazz, then undo", CLIP)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch_clips")
    return [make_clip(folder / f"clip{number}.mp4", seconds=2.0 + number * 0.5) for number in range(3)]


def test_one_item_makes_a_video_with_its_music_and_title(clips, tmp_path):
    result = make_video(BatchItem(str(clips[0]), "calm piano and add the title 'Hello'", "one.mp4"), tmp_path,
                        quality="low")
    assert result.error is None, result.error
    assert result.output == str(tmp_path / "one.mp4") and result.description.startswith("Calm")
    info = probe(result.output)
    assert (info.width, info.height) == (1920, 1080) and abs(info.duration_ms - 2000) <= 70
    assert info.has_audio and len(result.music_sha256) == 64 and result.seconds > 0
    assert sorted(os.listdir(tmp_path)) == ["one.mp4"]  # no work file left beside it


def test_an_item_may_ask_for_a_frame_and_gets_it_as_the_agent_frames_it(clips, tmp_path):
    result = make_video(BatchItem(str(clips[0]), "upbeat pop, make it 9:16", "tall.mp4"), tmp_path, quality="low")
    assert result.error is None, result.error
    info = probe(result.output)
    assert (info.width, info.height) == (1080, 1920)
    wanted = plan_item("upbeat pop, make it 9:16 and letterbox it", CLIP)
    assert [call.name for call in wanted.edits] == ["set_aspect", "set_fit"]


def test_a_bad_item_fails_alone_and_says_why(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    (tmp_path / "notes.mp4").write_text("not a video")
    frame = run_batch([(str(tmp_path / "missing.mp4"), "jazz"), (str(folder), "jazz"),
                       (str(tmp_path / "notes.mp4"), "jazz")], tmp_path / "out", progress=False)
    assert frame["output"].isna().all()
    errors = list(frame["error"])
    assert errors[0] == f"no such file: {tmp_path / 'missing.mp4'}"
    assert errors[1] == f"{folder} is a folder: give the clips inside it"
    assert "notes.mp4" in errors[2] or "media" in errors[2].lower()


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("distributed", reason='Dask is the [dask] extra: pip install "musicmaker-nb[dask]"')
    from musicmaker_nb.engine.batch._dask import local_cluster
    from musicmaker_nb.music._soundfonts import _bundled

    # the workers start before any test's own environment: they are given the tests' SoundFont
    # here, or they would play the best bank installed on the machine
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSICMAKER_SOUNDFONT", str(_bundled()))
        client = local_cluster(2)  # as mm.batch(cluster="local") makes it: each worker on a core of its own
    yield client
    cluster = client.cluster
    client.close()
    cluster.close()


def test_local_workers_take_the_cores_in_turn():
    pytest.importorskip("distributed")
    from musicmaker_nb.engine.batch._cores import core_of

    assert [core_of(name, [2, 5]) for name in (0, 1, 2, "3")] == [2, 5, 2, 5]
    assert core_of("tcp://10.0.0.1:3456", [0, 1]) is None and core_of(0, []) is None


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="pinning needs Linux and two cores")
def test_each_local_worker_and_what_it_starts_keep_to_a_core_of_their_own(dask_client):
    def cores_here_and_in_a_child() -> tuple[list[int], str]:
        import subprocess

        child = subprocess.run(["grep", "Cpus_allowed_list", "/proc/self/status"], capture_output=True, text=True)
        return sorted(os.sched_getaffinity(0)), child.stdout.split()[-1]

    seen = dask_client.run(cores_here_and_in_a_child)
    assert sorted(cores[0] for cores, _ in seen.values()) == sorted(os.sched_getaffinity(0))[:2]
    assert all(len(cores) == 1 and child == str(cores[0]) for cores, child in seen.values())


@pytest.mark.slow
def test_the_cluster_gives_the_same_music_as_this_machine(clips, tmp_path, dask_client, capsys):
    items = batch_items([str(clip) for clip in clips], prompt="funky groove for a fashion reel")
    here = run_batch(items, tmp_path / "here", quality="low", progress=False)
    there = run_batch(items, tmp_path / "there", cluster=dask_client, quality="low")
    assert list(there["error"]) == [None] * 3 and list(here["error"]) == [None] * 3
    assert list(there["music_sha256"]) == list(here["music_sha256"])  # bit-identical music
    assert list(there["description"]) == list(here["description"])
    assert [os.path.basename(path) for path in there["output"]] == ["clip0_music.mp4", "clip1_music.mp4",
                                                                    "clip2_music.mp4"]
    assert all(os.path.getsize(path) > 10_000 for path in there["output"])
    assert "Dask dashboard: http" in capsys.readouterr().out


@pytest.mark.slow
def test_a_worker_killed_mid_task_does_not_lose_the_item(clips, tmp_path, dask_client):
    """Dask's nanny restarts the killed worker and the scheduler runs its task again."""
    pids = dask_client.run(os.getpid)

    def kill_one_when_busy() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = [address for address, tasks in dask_client.processing().items() if tasks]
            if busy:
                time.sleep(0.3)  # inside the pipeline, not before it
                os.kill(pids[busy[0]], signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_when_busy)
    killer.start()
    frame = run_batch([(str(clip), "calm lo-fi") for clip in clips], tmp_path, cluster=dask_client,
                      quality="low", progress=False)
    killer.join()
    assert list(frame["error"]) == [None] * 3
    assert all(os.path.getsize(path) > 10_000 for path in frame["output"])
    assert set(dask_client.run(os.getpid).values()) != set(pids.values())  # one worker really died


@pytest.mark.slow
def test_a_shared_engine_renders_on_the_cluster_and_survives_a_lost_worker(clips, tmp_path, dask_client,
                                                                           start_engine, new_caller):
    """serve --dask-scheduler: the engine's jobs stay in its store; the music is composed and the
    render runs on the workers, which write into the shared home; a worker killed mid-render costs
    a re-run, not the job."""
    running = start_engine(home=tmp_path / "home", dask_scheduler=dask_client.scheduler.address)
    student = new_caller(running)
    media_id = student.upload(clips[2]).json()["data"]["media"][0]["id"]
    from distributed import get_task_stream

    with get_task_stream(client=dask_client) as composed:  # the music is composed on the cluster, too
        events, _, answer = student.say("add calm piano music")
    assert answer.status_code == 200 and student.state()["generated_media"]
    assert any(str(task["key"]).startswith("generate-") for task in composed.data), composed.data
    draft = {"d": 3000, "m": {"w": 1920, "h": 1080, "fps": 30},
             "t": [{"tt": 0, "m": {"name": "Video"}, "sg": [{"src": media_id, "s": 0, "d": 3000, "o": 0}]},
                   {"tt": 7, "m": {"name": "Title"}, "sg": [{"s": 0, "d": 3000, "m": {"text": "On the cluster"}}]}]}
    pids = dask_client.run(os.getpid)
    render_id = student.http.post("/api/render/proxy/lambda", json={
        "id": "", "sessionId": student.session_id, "draft": draft,
        "output": {"format": "mp4", "quality": "high"}}).json()["data"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(dask_client.processing().values()):
        time.sleep(0.05)
    busy = next(address for address, tasks in dask_client.processing().items() if tasks)
    os.kill(pids[busy], signal.SIGKILL)
    while time.monotonic() < deadline:
        status = student.http.get(f"/api/render/proxy/lambda/{render_id}").json()["data"]
        if status["status"] in ("completed", "failed"):
            break
        time.sleep(0.2)
    assert status["status"] == "completed", status
    assert (tmp_path / "home" / "renders" / f"{render_id}.mp4").stat().st_size > 10_000
