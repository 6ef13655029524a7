"""Customer-care back-office."""
