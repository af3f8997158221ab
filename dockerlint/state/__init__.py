"""What a run keeps between runs: the baseline of findings a team has accepted for now
(`baseline.py`) and the cache of results for files that have not changed (`cache.py`)."""
