"""Sharing project files between colleagues: sliced, redacted, encrypted export; merge.

Foreign formats (ACLED, UCDP, CSV, XLSX, GeoJSON, HXL) live in :mod:`sitrep.interchange`;
this package moves *Sitrep projects* between people, keeping every record's UUID so a
merge recognises what it already has and never duplicates or deletes anything.
"""
