"""Reports in and out: the CSV claim report (export and import) and ClaimReview JSON-LD.

No Streamlit here: the CLI (``workbench.cli_reports``) and the app page
(``workbench/ui/pages/reports.py``) share these functions.
"""
