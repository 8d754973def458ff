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
    "bench": ("", "", "benchmarks: 'bench music' or 'bench engine'"),
}
# bench -> the modules whose main() it runs in turn: the music's figures, then its agent's coverage
_BENCHES = {"music": ("musicmaker_nb.music.bench", "musicmaker_nb.engine.agent.bench"),
            "engine": ("musicmaker_nb.cli.bench_engine",)}


def _usage() -> str:
    lines = ["usage: musicmaker [--version] COMMAND [ARGS...]", "", "commands:"]
    width = max(map(len, _COMMANDS)) + 2
    lines += [f"  {name:<{width}}{help_text}" for name, (_, _, help_text) in _COMMANDS.items()]
    lines.append("\nRun 'musicmaker COMMAND --help' for a command's options.")
    return "\n".join(lines)


def _run(module: str, function: str, argv: list[str]) -> int:
    return int(getattr(importlib.import_module(module), function)(argv) or 0)


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
        if not rest or rest[0] not in _BENCHES:
            print(f"usage: musicmaker bench {{{','.join(_BENCHES)}}} [ARGS...]", file=sys.stderr)
            return 2
        return max(_run(module, "main", rest[1:]) for module in _BENCHES[rest[0]])
    if command not in _COMMANDS:
        print(f"musicmaker: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module, function, _ = _COMMANDS[command]
    return _run(module, function, rest)


if __name__ == "__main__":
    raise SystemExit(main())
