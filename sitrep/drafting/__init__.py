"""Incidents proposed from report text, every field tied to the words it came from.

:mod:`sitrep.drafting.proposal` holds the values passed between the extractor (core),
the command line and the review window; nothing here is saved until the officer accepts.
"""
