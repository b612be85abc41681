"""The sandbox's own refusal, apart from its runner so that the chat page (web) and the
runner that serves it need not import each other."""


class SandboxError(Exception):
    """The sandbox cannot start or do what was asked; the message is one line."""
