"""集中考评计分系统 — entry point: a subcommand runs headless, anything else opens the GUI."""

import sys

SUBCOMMANDS = {"import", "results", "robustness", "export", "template", "demo", "verify", "list",
               "notice", "lists", "feedback", "ballots", "tally-sheet", "backup", "restore",
               "batch-export", "batch-import", "operator", "scan-import", "station-kit",
               "-h", "--help"}


def main() -> int:
    # Imported by the path taken: the command line never loads Qt, the GUI never the CLI.
    if len(sys.argv) > 1 and sys.argv[1] in SUBCOMMANDS:
        from evalapp.cli import main as cli_main
        return cli_main(sys.argv[1:])
    from ui.app import run
    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
