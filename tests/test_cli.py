import subprocess
import sys

from musicmaker_nb import __version__
from musicmaker_nb.cli._main import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"musicmaker {__version__}"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "make", "serve", "soundfonts", "gallery", "bench"):
        assert f"  {command}" in out


def test_unknown_command_and_bad_bench_fail_with_usage(capsys):
    assert main(["dance"]) == 2
    assert "unknown command 'dance'" in capsys.readouterr().err
    assert main(["bench", "nothing"]) == 2
    assert "musicmaker bench {music,engine}" in capsys.readouterr().err
    assert main([]) == 2


def test_console_script_module_entry():
    done = subprocess.run([sys.executable, "-m", "musicmaker_nb", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and __version__ in done.stdout
