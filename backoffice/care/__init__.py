"""Care workflows: the playbook, the Today lists, derived fields and their periodic task."""
