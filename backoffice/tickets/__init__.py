"""Service tickets: their flow, SLA deadlines, figures and CSV."""
