"""Sitrep: log conflict incidents, see them on a map and timeline, write situation reports."""

__version__ = "0.1.0"
