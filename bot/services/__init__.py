"""Plain services: the campaign's rules, with no aiogram import.

Handlers and scheduler jobs call these; each public method that changes data commits.
"""
