"""Benchmark of the agent's understanding: phrasings of requests and edits -> the expected tool calls.

    python -m musicmaker_nb.engine.agent.bench [--json results.json]   (also part of `musicmaker bench music`,
                                                                      which writes its JSON to results.agent.json)

The cases (``bench_agent_cases.json``) were written apart from the agent's tables, by someone
who had not read them: messages in English and Chinese, casual and formal, with typos, each with
the calls a person would expect, in a session with one clip (``trip.mp4``, 30 s) that has music or
not. A case counts as exact when the calls come back in the same order with the same arguments;
for ``generate_music`` the description is planned and its style and mood must be among the ones
the case accepts, and "again" means the previous description is asked for once more.
``bench_agent_cases_heldout.json`` (160 cases, written later by someone else again) is reported
beside it; ``bench_agent_cases_test.json``, when present, was never looked at while tuning.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

from ._interpret import AgentContext, Clip, interpret

__all__ = ["CASES_FILE", "CASE_FILES", "run", "check", "table", "misses", "main"]

CASES_FILE = Path(__file__).with_name("bench_agent_cases.json")
CASE_FILES = (CASES_FILE, CASES_FILE.with_name("bench_agent_cases_heldout.json"),
              CASES_FILE.with_name("bench_agent_cases_test.json"))
_CLIP = Clip("med_trip", "trip.mp4", "video", 30000.0)
_LAST_PROMPT = "upbeat pop for my travel video"


def _context(has_music: bool) -> AgentContext:
    return AgentContext(clips=(_CLIP,), has_music=has_music, music_segments=int(has_music),
                        last_prompt=_LAST_PROMPT if has_music else None)


def check(case: dict[str, Any]) -> tuple[bool, str]:
    """(exact?, what came back) for one case."""
    got = interpret(case["message"], _context(case["has_music"]))
    shown = "; ".join(f"{c.name}{ {k: v for k, v in c.args.items() if k != 'seed'} }" for c in got.calls)
    if case.get("question"):
        return got.question is not None and not got.calls, shown or f"question: {(got.question or '')[:60]}"
    expected = case["calls"]
    if len(expected) != len(got.calls):
        return False, shown or f"question: {(got.question or '')[:60]}"
    return all(_same(want, call.name, call.args) for want, call in zip(expected, got.calls)), shown


def _same(want: dict[str, Any], name: str, args: dict[str, Any]) -> bool:
    if want["name"] != name:
        return False
    if name != "generate_music":
        return _equal(want["args"], {k: v for k, v in args.items() if k != "seed"})
    expected = want["args"]
    if args.get("clip") != expected.get("clip") or bool(args.get("replace")) != bool(expected.get("replace")):
        return False
    if expected.get("again"):
        return args.get("prompt") == _LAST_PROMPT
    from ...music import plan

    music = plan(args["prompt"], 30.0, seed=1)
    return (music.style in expected.get("style", [music.style])) and (music.mood in expected.get("mood", [music.mood]))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)
    return a == b


def run(cases_file: Path = CASES_FILE) -> dict[str, Any]:
    cases = json.loads(cases_file.read_text(encoding="utf-8"))
    rows = []
    for case in cases:
        exact, got = check(case)
        kind = "question" if case.get("question") else (case["calls"][0]["name"] if case["calls"] else "none")
        rows.append({"message": case["message"], "has_music": case["has_music"], "kind": kind, "exact": exact,
                     "got": got})
    by_kind: dict[str, list[bool]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row["exact"])
    return {"cases": len(rows), "exact": sum(r["exact"] for r in rows) / len(rows),
            "by_first_call": {k: {"cases": len(v), "exact": round(sum(v) / len(v), 3)}
                              for k, v in sorted(by_kind.items(), key=lambda kv: -len(kv[1]))},
            "misses": [r for r in rows if not r["exact"]]}


def table(result: dict[str, Any], name: str = "agent coverage") -> str:
    lines = [f"{name + ' (' + str(result['cases']) + ' phrasings)':<56}{result['exact']:>20.1%}  >= 95 %"]
    lines += [f"{'  ' + kind + ' (' + str(v['cases']) + ')':<56}{v['exact']:>20.1%}"
              for kind, v in result["by_first_call"].items()]
    return "\n".join(lines)


def misses(result: dict[str, Any], limit: int = 40) -> str:
    shown = [f"  [{'music' if r['has_music'] else 'no music'}] {r['message']!r} -> {r['got']}"
             for r in result["misses"][:limit]]
    more = len(result["misses"]) - len(shown)
    return "\n".join(["agent misses:", *shown] + ([f"  ... and {more} more"] if more > 0 else []))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicmaker_nb.engine.agent.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the JSON to this file (.agent.json beside it)")
    args, _ = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))  # the music bench's too
    results = {path.stem: run(path) for path in CASE_FILES if path.is_file()}
    for name, result in results.items():
        print(table(result, name.replace("bench_agent_cases", "agent coverage").replace("_", " ")))
    for name, result in results.items():
        print(f"{name}: " + misses(result))
    print(json.dumps({name: {k: v for k, v in r.items() if k != "misses"} for name, r in results.items()}, indent=2))
    if args.json:
        args.json.with_suffix(".agent.json").write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
