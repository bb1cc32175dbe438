"""Thin tasks of volunteering: reminders, closing sessions, freezing certificates."""
