"""Sheet sync, worker and the local Sheets emulator."""
