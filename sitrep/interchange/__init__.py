"""Exchanging incident data with the formats of the field: ACLED, UCDP GED, CSV/XLSX
with a column mapping, HXL-tagged files and GeoJSON; each import with a row-level
validation report. No Qt here: the GUI wraps these functions in a worker thread.
"""
