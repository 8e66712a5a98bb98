"""Tables as CSV (pure: rows in, text out)."""

import csv
import io

from portal.core.text import spreadsheet_safe


def rows_csv(rows: list[dict]) -> str:
    """Return rows (dicts with the same keys) as CSV, text cells safe from formulas."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({name: spreadsheet_safe(value) for name, value in row.items()}
                         for row in rows)
    return buffer.getvalue()
