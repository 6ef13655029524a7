"""The managers' monthly review: kept monthly figures, live customer counts, the report."""
