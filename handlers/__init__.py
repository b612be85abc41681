"""handlers: one router per feature (bot/app.py includes them in order)."""
