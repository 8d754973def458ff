"""Fair turns between tokens, waiting estimates and the load figures: the pure rules."""

from __future__ import annotations

import pytest

from musicmaker_nb.client._models import RenderStatus
from musicmaker_nb.engine.server._fairness import FairQueue, RenderSpeed, estimate_waits, owners_in_line
from musicmaker_nb.engine.server._load import ChatTimes, load_line


def test_ten_from_one_student_never_hold_back_five_others():
    queue = FairQueue()
    for n in range(10):
        queue.put("greedy", f"g{n}")
    assert queue.take() == "g0"  # the first one started at once, before the others asked
    for student in "abcde":
        queue.put(student, student)
    order = queue.order()
    for student in "abcde":
        assert sum(job.startswith("g") for job in order[: order.index(student)]) <= 2
    assert [queue.take() for _ in range(len(order))] == order  # order() tells exactly what take() does
    assert queue.take() is None and len(queue) == 0


def test_all_queued_at_once_they_alternate_and_keep_their_own_order():
    queue = owners_in_line([("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("b", "b2"), ("c", "c1")])
    assert queue.order() == ["a1", "b1", "c1", "a2", "b2", "a3"]
    assert queue.count("a") == 3 and queue.count("nobody") == 0
    assert queue.jobs_of("a") == ["a1", "a2", "a3"] and queue.jobs_of("nobody") == []


def test_a_newcomer_goes_next_but_banks_no_turns():
    queue = owners_in_line([("a", "a1"), ("a", "a2"), ("a", "a3")])
    assert queue.take() == "a1"
    queue.put("b", "b1")
    queue.put("b", "b2")
    queue.put("b", "b3")
    assert queue.order() == ["b1", "a2", "b2", "a3", "b3"]


def test_a_removed_job_leaves_the_line():
    queue = owners_in_line([("a", "a1"), ("b", "b1")])
    assert queue.remove("a1") and not queue.remove("a1")
    assert queue.order() == ["b1"] and queue.count("a") == 0


def test_waits_follow_the_workers_and_the_running_jobs():
    # one worker busy for 10 s more; two jobs of 20 s and 5 s wait
    assert [(w.position, w.starts_in_s, w.ends_in_s) for w in estimate_waits([10.0], [20.0, 5.0], 1)] == [
        (1, 10.0, 30.0), (2, 30.0, 35.0)]
    # two workers, one free: the first starts now, the second when the running one ends
    assert [(w.starts_in_s, w.ends_in_s) for w in estimate_waits([10.0], [20.0, 5.0], 2)] == [(0.0, 20.0),
                                                                                            (10.0, 15.0)]


def test_the_render_speed_is_learnt_from_finished_renders():
    speed = RenderSpeed(seconds_per_second=0.5, weight=0.5)
    speed.learn(10.0, 20.0)  # 2 s of work per second of video
    assert speed.seconds_per_second == pytest.approx(1.25) and speed.estimate(8.0) == pytest.approx(10.0)
    speed.learn(0.0, 5.0)  # nothing learnt from a zero-length video
    assert speed.seconds_per_second == pytest.approx(1.25)


def test_chat_times_keep_ten_minutes_and_say_p50_and_p95():
    now = [0.0]
    times = ChatTimes(window_s=600, clock=lambda: now[0])
    assert times.summary() == {"chats": 0, "chat_p50_s": None, "chat_p95_s": None}
    for seconds in [0.1 * n for n in range(1, 21)]:  # 0.1 .. 2.0 s
        times.add(seconds)
    assert times.summary() == {"chats": 20, "chat_p50_s": 1.0, "chat_p95_s": 1.9}
    now[0] = 601.0
    times.add(0.3)
    assert times.summary()["chats"] == 1


def test_the_load_line_reads_plainly():
    load = {"queued": 12, "running": 1, "done": 30, "workers": 1, "seconds_per_video_second": 0.4,
            "chats": 41, "chat_p50_s": 0.4, "chat_p95_s": 0.82}
    assert load_line(load) == "renders: 12 queued, 1 running, 30 done · chat p95 0.8 s (41 in 10 min)"
    assert load_line({**load, "chats": 0}).endswith("no chat in 10 min")


@pytest.mark.parametrize(("payload", "words"), [
    ({"status": "queued", "queue_position": 12, "starts_in_s": 170}, "12th in line, starts in about 3 min"),
    ({"status": "queued", "queue_position": 1, "starts_in_s": 12}, "1st in line, starts in about 10 s"),
    ({"status": "queued", "queue_position": 22}, "22nd in line"),
    ({"status": "rendering", "ends_in_s": 41}, "rendering, about 40 s left"),
    ({"status": "queued", "queue_position": "soon", "starts_in_s": "nan"}, "queued"),  # the hosted service: none
    ({"status": "completed", "ends_in_s": 0}, "completed"),
])
def test_a_render_status_says_its_wait_in_words(payload, words):
    assert RenderStatus.from_payload(payload, "r1").words == words
