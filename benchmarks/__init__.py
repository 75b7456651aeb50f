"""Speed benchmark of Attention Playground: run `python -m benchmarks.run` (see run.py)."""
