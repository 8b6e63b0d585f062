"""Offline workbooks: an assessment as an .xlsx spreadsheet, downloaded and uploaded back."""
