"""census_tui: a terminal census enumeration client over an encrypted local store."""

__version__ = "0.1.0"
