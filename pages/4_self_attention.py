"""Placeholder while the page is being built."""

from ui.setup import page

page("attention")
