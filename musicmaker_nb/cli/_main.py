"""The ``musicmaker`` console script: a thin dispatcher to the sub-commands' own parsers."""

from __future__ import annotations

import importlib
import sys
from typing import Sequence

from ..protocol import __version__

__all__ = ["main"]

# sub-command -> (module, function, one-line help); each function takes argv and returns an exit code.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("musicmaker_nb.cli._commands", "demo", "make a short test clip, score it and write demo.mp4"),
    "make": ("musicmaker_nb.cli._commands", "make", "upload clips, generate music from a prompt, export an MP4"),
    "serve": ("musicmaker_nb.cli._commands", "serve", "serve the Music Maker API from the embedded engine"),
    "soundfonts": ("musicmaker_nb.music._soundfonts_cli", "main",
                   "list the SoundFonts found, the one the music uses, and how to get a better one"),
    "gallery": ("musicmaker_nb.music._gallery_cli", "main",
                "render one short piece per style to an HTML page with players and spectrograms"),
    "bench": ("", "", "benchmarks: 'bench music', 'bench engine' or 'bench batch'"),
}
# bench -> the modules whose main() it runs in turn: the music's figures, then its agent's coverage
_BENCHES = {"music": ("musicmaker_nb.music.bench", "musicmaker_nb.engine.agent.bench"),
            "engine": ("musicmaker_nb.cli.bench_engine",),
            "batch": ("musicmaker_nb.cli.bench_batch",)}
_BENCH_HELP = {"music": "the composer's adherence, distinctness, production and speed, then the agent's coverage",
               "engine": "the engine's media, end-to-end, upload and many-sessions figures beside bare ffmpeg",
               "batch": "many clips, each with its own prompt: in process, the engine's pool, Dask with 1 and 2 workers"}


def _usage() -> str:
    lines = ["usage: musicmaker [--version] COMMAND [ARGS...]", "", "commands:"]
    width = max(map(len, _COMMANDS)) + 2
    lines += [f"  {name:<{width}}{help_text}" for name, (_, _, help_text) in _COMMANDS.items()]
    lines.append("\nRun 'musicmaker COMMAND --help' for a command's options.")
    return "\n".join(lines)


def _bench_usage() -> str:
    lines = [f"usage: musicmaker bench {{{','.join(_BENCHES)}}} [ARGS...]", "", "benchmarks:"]
    lines += [f"  {name:<8}{_BENCH_HELP[name]}" for name in _BENCHES]
    lines.append("\nRun 'musicmaker bench NAME --help' for a benchmark's options.")
    return "\n".join(lines)


def _bench(rest: list[str]) -> int:
    if rest and rest[0] in ("-h", "--help"):
        print(_bench_usage())
        return 0
    if not rest or rest[0] not in _BENCHES:
        print(_bench_usage(), file=sys.stderr)
        return 2
    for module in _BENCHES[rest[0]]:
        code = _run(module, "main", rest[1:])
        if code:  # a bad option or a failed bench: the next one would not fare better
            return code
    return 0


def _run(module: str, function: str, argv: list[str]) -> int:
    """The command's exit code, also when its parser exits (``--help``: 0, a bad argument: 2)."""
    try:
        return int(getattr(importlib.import_module(module), function)(argv) or 0)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        print(f"musicmaker {__version__}")
        return 0
    command, rest = args[0], args[1:]
    if command == "bench":
        return _bench(rest)
    if command not in _COMMANDS:
        print(f"musicmaker: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module, function, _ = _COMMANDS[command]
    return _run(module, function, rest)


if __name__ == "__main__":
    raise SystemExit(main())
