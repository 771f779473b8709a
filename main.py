"""集中考评计分系统 — entry point: no arguments opens the GUI, a subcommand runs headless."""

import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] not in ("--selftest",):
        from evalapp.cli import main as cli_main
        return cli_main(sys.argv[1:])
    from ui.app import run
    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
