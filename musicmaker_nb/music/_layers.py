"""Velocity layers of a SoundFont's presets: which velocities of a note sound alike but for loudness.

TinySoundFont plays a note with every region (preset zone x instrument zone) whose key and
velocity ranges hold it, and the velocity does nothing else to the sound but scale it: a note at
velocity 100 is exactly the same note at 50, twice as loud, as long as both pick the same regions.
So a note need be synthesised once per *layer* (a run of velocities that pick the same regions)
and scaled for the others: a piece's notes differ by velocity far more often than by layer.

Reading the tables is pure (``parse_regions`` over the bytes of the ``pdta`` chunk); the file is
read once per bank by :func:`layer_table`.
"""

from __future__ import annotations

import functools
import struct
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["LayerTable", "layer_table", "parse_regions", "tsf_velocity"]

_PHDR = struct.Struct("<20sHHH12x")  # name, preset (program), bank, first zone (bag), then unused fields
_INST = struct.Struct("<20sH")  # name, first zone
_BAG = struct.Struct("<HH")  # first generator, first modulator
_GEN = struct.Struct("<HBB")  # operator, amount (a range is two bytes: low, high)
_INSTRUMENT, _KEY_RANGE, _VELOCITY_RANGE, _SAMPLE = 41, 43, 44, 53
_FULL = (0, 127, 0, 127)  # low key, high key, low velocity, high velocity
DRUM_BANK = 128

Region = tuple[int, int, int, int]


def tsf_velocity(velocity: int) -> int:
    """The MIDI velocity TinySoundFont compares with the regions' ranges for ``velocity / 127``
    (it is handed a float and multiplies back in single precision, which may land one lower)."""
    return int(np.float32(np.float32(velocity / 127.0) * np.float32(127.0)))


def _records(data: bytes, record: struct.Struct) -> list[tuple]:
    return [record.unpack_from(data, i) for i in range(0, len(data) - record.size + 1, record.size)]


def _zones(bags: list[tuple], gens: list[tuple], first: int, end: int) -> list[list[tuple[int, int, int]]]:
    """The generator lists of the zones ``first`` .. ``end`` (exclusive), each as (operator, low, high)."""
    return [gens[bags[z][0]:bags[z + 1][0]] for z in range(first, min(end, len(bags) - 1))]


def _ranges(zones: list[list[tuple[int, int, int]]], terminal: int) -> list[tuple[Region, int]]:
    """(key and velocity ranges, the terminal generator's value) of each zone that has one; a
    first zone without it is global and gives its ranges to the others as defaults."""
    default, found = _FULL, []
    for index, zone in enumerate(zones):
        lo_key, hi_key, lo_vel, hi_vel = default
        target = None
        for operator, low, high in zone:
            if operator == _KEY_RANGE:
                lo_key, hi_key = low, high
            elif operator == _VELOCITY_RANGE:
                lo_vel, hi_vel = low, high
            elif operator == terminal:
                target = low | high << 8
                break  # the spec puts it last; anything after it is ignored
        if target is not None:
            found.append(((lo_key, hi_key, lo_vel, hi_vel), target))
        elif index == 0:
            default = (lo_key, hi_key, lo_vel, hi_vel)
    return found


def _overlap(a: Region, b: Region) -> Region | None:
    region = (max(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3]))
    return region if region[0] <= region[1] and region[2] <= region[3] else None


def parse_regions(chunks: dict[bytes, bytes]) -> dict[tuple[int, int], tuple[Region, ...]]:
    """(bank, program) -> the key and velocity ranges of each region it plays, from the ``pdta``
    sub-chunks (``phdr``, ``pbag``, ``pgen``, ``inst``, ``ibag``, ``igen``). The first preset of a
    (bank, program) wins, as in TinySoundFont."""
    presets, instruments = _records(chunks[b"phdr"], _PHDR), _records(chunks[b"inst"], _INST)
    preset_bags, preset_gens = _records(chunks[b"pbag"], _BAG), _records(chunks[b"pgen"], _GEN)
    inst_bags, inst_gens = _records(chunks[b"ibag"], _BAG), _records(chunks[b"igen"], _GEN)
    instrument_regions = [
        [region for region, _ in _ranges(_zones(inst_bags, inst_gens, first, following), _SAMPLE)]
        for (_, first), (_, following) in zip(instruments, instruments[1:])]
    table: dict[tuple[int, int], tuple[Region, ...]] = {}
    for (_, program, bank, first), (_, _, _, following) in zip(presets, presets[1:]):
        regions = []
        for preset_range, instrument in _ranges(_zones(preset_bags, preset_gens, first, following), _INSTRUMENT):
            for inner in instrument_regions[instrument] if instrument < len(instrument_regions) else ():
                if (region := _overlap(preset_range, inner)) is not None:
                    regions.append(region)
        table.setdefault((bank, program), tuple(regions))
    return table


@dataclass
class LayerTable:
    """Which velocity layer a note falls in, per preset and key (cached: a piece asks often)."""

    regions: dict[tuple[int, int], tuple[Region, ...]]
    _edges: dict[tuple[int, bool, int], tuple[int, ...] | None] = field(default_factory=dict, repr=False)
    # (program, drum, key, layer) -> whether the synthesiser was heard to scale that layer exactly
    # (some presets also brighten with velocity, through the bank's modulators): filled by the renderer
    proportional: dict[tuple[int, bool, int, int], bool] = field(default_factory=dict, repr=False)

    def layer(self, program: int, drum: bool, key: int, velocity: int) -> int:
        """An index shared by exactly the velocities of ``key`` that pick the same regions, or
        ``-velocity`` when the preset is not known here (then nothing is shared)."""
        edges = self._edges.get((program, drum, key), ())
        if edges == ():
            edges = self._edges[program, drum, key] = self._key_edges(program, drum, key)
        return -velocity if edges is None else bisect_right(edges, tsf_velocity(velocity))

    def bounds(self, program: int, drum: bool, key: int, velocity: int) -> tuple[int, int]:
        """The lowest and highest velocity (1..127) in ``velocity``'s layer."""
        layer = self.layer(program, drum, key, velocity)
        same = [v for v in range(1, 128) if self.layer(program, drum, key, v) == layer]
        return same[0], same[-1]

    def _key_edges(self, program: int, drum: bool, key: int) -> tuple[int, ...] | None:
        # TinySoundFont's fallbacks: a missing drum kit plays the standard one
        candidates = [(DRUM_BANK, program), (DRUM_BANK, 0)] if drum else [(0, program)]
        regions = next((self.regions[c] for c in candidates if c in self.regions), None)
        if regions is None:
            return None
        edges = {edge for lo_key, hi_key, lo_vel, hi_vel in regions if lo_key <= key <= hi_key
                 for edge in (lo_vel, hi_vel + 1)}
        return tuple(sorted(edges))


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> LayerTable:  # noqa: ARG001 - mtime_ns keys the cache to the file's version
    from ._soundfonts import read_preset_chunks

    try:
        with open(path, "rb") as f:
            return LayerTable(parse_regions(read_preset_chunks(f)))
    except (OSError, ValueError, KeyError, IndexError, struct.error):
        # tables it cannot read (a damaged bank the synthesiser still plays): nothing is shared,
        # every velocity is rendered as itself
        return LayerTable({})


def layer_table(path: Path) -> LayerTable:
    """The velocity layers of the bank at ``path``, read once per file version."""
    return _cached(str(path), path.stat().st_mtime_ns)
