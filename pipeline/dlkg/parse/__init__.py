"""One parser per source kind: pure functions from text to records (see records.py)."""
