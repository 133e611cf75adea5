"""The `insyn` console script: Django's manage.py with the settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
    from django.core.management import execute_from_command_line

    from lib.collector import threshold_from_env, tune_collector

    # Rarer collections for commands that build large results (the import, the job worker); the
    # settings are not loaded yet, so nothing is frozen here (lib/collector.py).
    tune_collector(threshold_from_env(), freeze=False)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
