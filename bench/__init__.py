"""Benchmarks: the sheet sync, the panel and the CSV download at realistic sizes (`make bench`)."""
