"""Telegram: the CallbackData factories of the actions, and the renderer of screens."""
