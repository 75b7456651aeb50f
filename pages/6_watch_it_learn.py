"""Watch it learn: train a tiny Transformer live, in NumPy, and watch its heads find their pattern."""

from ui.setup import page

settings = page("learn")
