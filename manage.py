#!/usr/bin/env python
import os
import sys


def _exit_now(status: int) -> None:
    """Exit without tearing the interpreter down: freeing the index object by object
    costs more than 10 ms, and nothing but the output is left to do. When flushing
    fails (a closed pipe), the usual exit reports it."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - sys.exit below reports it as Python always does
        sys.exit(status)
    os._exit(status)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    if sys.argv[1:2] == ["diagnose"]:
        # Diagnosing files needs neither Django's start-up nor its ORM when the
        # database's index is cached: see kb/quick_diagnose.py.
        from kb.quick_diagnose import main as quick_diagnose

        status = quick_diagnose(sys.argv[2:])
        if status is not None:
            _exit_now(status)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
