#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.umask(0o077)  # as rencai.cli: what we create (database, var/, uploads) is private
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
