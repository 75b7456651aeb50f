"""The Attention Playground engine: NumPy and the standard library only.

Every function returns a *trace* (a frozen dataclass holding each intermediate by name), so
the pages only draw. Nothing in this package may import streamlit, altair or pandas.
"""
