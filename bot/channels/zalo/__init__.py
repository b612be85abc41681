"""Zalo, the second channel: its client, its renderer and its text-first conversations."""
