"""Filters shared by several routers."""

from aiogram import F

# Text the person typed as an answer: commands mid-flow (/cancel, /help…) are not answers.
TYPED = F.text & ~F.text.startswith("/")
