#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    if sys.argv[1:2] == ["diagnose"]:
        # Diagnosing files needs neither Django's start-up nor its ORM when the
        # database's index is cached: see kb/quick_diagnose.py.
        from kb.quick_diagnose import main as quick_diagnose

        status = quick_diagnose(sys.argv[2:])
        if status is not None:
            sys.exit(status)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
