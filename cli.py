"""Run the command line from a source checkout: ``python cli.py evaluate CASE``.

The installed command is ``penalty``; both call :func:`penalty_engine.cli.main`.
"""

from penalty_engine.cli import main

if __name__ == "__main__":
    main()
