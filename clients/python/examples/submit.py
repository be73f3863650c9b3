#!/usr/bin/env python3
"""Submits one task to a Patinox mesh, waits for its result and prints it as JSON.

    python3 clients/python/examples/submit.py --bootstrap 127.0.0.1:9092 --agent support "What is 17 * 23?"
"""

import os
import sys

# Runs from a checkout without installing the package.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from patinox_client.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
