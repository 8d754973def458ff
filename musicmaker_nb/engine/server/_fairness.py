"""Who renders next, and when a waiting render will start: pure rules, no threads, no I/O.

Renders are taken round-robin between tokens (FIFO within one token), so one student who queues
ten exports waits behind their own, not in front of everyone else: with ten from one token and
one each from five others, each of the five waits for at most one of the ten. Waiting times are
estimated from the engine's own measured render speed.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["FairQueue", "RenderSpeed", "Wait", "estimate_waits", "owners_in_line"]


class FairQueue:
    """Job ids in lanes, one lane per owner. :meth:`take` serves the owner who has been served
    least (first come among equals); an owner who arrives starts one turn ahead of the least served
    one waiting: next in line, yet with no stock of turns for having been away."""

    def __init__(self) -> None:
        self._lanes: dict[str, deque[tuple[int, str]]] = {}  # owner -> (arrival, job id), oldest first
        self._served: dict[str, int] = {}  # owner -> jobs taken (only compared, so it never needs a reset)
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def put(self, owner: str, job_id: str) -> None:
        if owner not in self._lanes:
            # one turn ahead of the least served waiting owner: a newcomer goes next, not after
            # the owner who was just served (whose next job arrived before the newcomer's)
            level = min((self._served[waiting] for waiting in self._lanes), default=0) - 1
            self._served[owner] = max(self._served.get(owner, 0), level)
            self._lanes[owner] = deque()
        self._lanes[owner].append((next(self._arrivals), job_id))

    def _next_owner(self) -> str | None:
        if not self._lanes:
            return None
        return min(self._lanes, key=lambda owner: (self._served[owner], self._lanes[owner][0][0]))

    def take(self) -> str | None:
        owner = self._next_owner()
        if owner is None:
            return None
        _, job = self._lanes[owner].popleft()
        self._served[owner] += 1
        if not self._lanes[owner]:
            del self._lanes[owner]  # its count stays: the job it just got may still be rendering
        return job

    def remove(self, job_id: str) -> bool:
        for owner, lane in list(self._lanes.items()):
            for entry in lane:
                if entry[1] == job_id:
                    lane.remove(entry)
                    if not lane:
                        del self._lanes[owner]
                    return True
        return False

    def count(self, owner: str) -> int:
        return len(self._lanes.get(owner, ()))

    def jobs_of(self, owner: str) -> list[str]:
        """The owner's waiting jobs, in their own order."""
        return [job for _, job in self._lanes.get(owner, ())]

    def order(self) -> list[str]:
        """Every queued job in the order :meth:`take` would hand them out."""
        copy = FairQueue()
        copy._lanes = {owner: deque(lane) for owner, lane in self._lanes.items()}
        copy._served = dict(self._served)
        return [job for job in iter(copy.take, None)]


@dataclass
class RenderSpeed:
    """Seconds of work per second of video, learnt from the renders that finished (a moving average)."""

    seconds_per_second: float = 0.5  # a first guess for 1080p on one core, until a render is measured
    weight: float = 0.3

    def learn(self, video_s: float, took_s: float) -> None:
        if video_s > 0 and took_s > 0:
            self.seconds_per_second += self.weight * (took_s / video_s - self.seconds_per_second)

    def estimate(self, video_s: float) -> float:
        return max(video_s, 0.0) * self.seconds_per_second


@dataclass(frozen=True)
class Wait:
    position: int  # 1 = next to start
    starts_in_s: float
    ends_in_s: float


def estimate_waits(running_left_s: Sequence[float], queued_s: Sequence[float], workers: int) -> list[Wait]:
    """When each queued job (in line order, each with its estimated length) starts and ends, given
    what the running jobs still need and how many workers there are."""
    free = sorted(max(left, 0.0) for left in running_left_s)[:workers]
    free += [0.0] * (max(workers, 1) - len(free))
    heapq.heapify(free)
    waits = []
    for position, length in enumerate(queued_s, 1):
        start = heapq.heappop(free)
        heapq.heappush(free, start + length)
        waits.append(Wait(position, start, start + length))
    return waits


def owners_in_line(rows: Iterable[tuple[str, str]]) -> FairQueue:
    """A queue rebuilt from ``(owner, job id)`` pairs in the order they were queued."""
    queue = FairQueue()
    for owner, job_id in rows:
        queue.put(owner, job_id)
    return queue
