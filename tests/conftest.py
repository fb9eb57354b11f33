"""Shared set-up of the project's own tests."""

import sys
from pathlib import Path

# tests/ holds helper modules (submissions.py) imported by the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))
