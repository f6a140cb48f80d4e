#!/usr/bin/env python3
"""Build the brief series: `python build.py --help`. All the work is in the briefkit package."""

import sys

from briefkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
