"""Telegram's rules for what a bot sends, with Telegram's error descriptions (SPEC §5)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .html_check import HtmlParseError, parse_html, sort_entities, strip_text, utf16_len
from .model import bad_request

TEXT_LIMIT = 4096  # UTF-16 code units, after entity parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a content and reply markup of the current message"
)

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def formatted(
    text: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    strict_html: bool,
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities after parse_mode, trimmed as Telegram trims messages."""
    text = text or ""
    mode = (parse_mode or "").strip()
    if mode.lower() == "html":
        try:
            plain, parsed = parse_html(text, strict_ampersand=strict_html)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode.lower() in ("markdown", "markdownv2"):
        # Not emulated: the text is kept as written, with no entities.
        plain, parsed = text, []
    elif mode:
        raise bad_request(f'unsupported parse_mode "{parse_mode}"')
    else:
        plain, parsed = text, _given_entities(entities, text)
    return strip_text(plain, parsed)


def _given_entities(entities: Any, text: str) -> list[dict[str, Any]]:
    if not entities:
        return []
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request('can\'t parse MessageEntity: Field "offset" must be of type Number')
        end = min(offset + length, total)
        if offset >= 0 and end > offset:
            result.append({**entity, "length": end - offset})
    return sort_entities(result)


def check_text(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    if utf16_len(caption) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validate reply_markup; return (inline keyboard or None, other keyboard or None)."""
    if markup is None:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _check_inline_keyboard(markup), None
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be of type Array')
        for row in rows:
            for button in row:
                label = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(label, str) or not label:
                    raise bad_request("keyboard button text must be non-empty")
        return None, markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None, markup
    raise bad_request('can\'t find field "inline_keyboard"')


def _check_inline_keyboard(markup: dict[str, Any]) -> dict[str, Any]:
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be of type Array')
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = [key for key in _BUTTON_ACTIONS if button.get(key) is not None]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of the optional fields must be used, "
                    f"found {', '.join(actions)}"
                )
            if "callback_data" in actions:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in actions and not _valid_button_url(button["url"]):
                raise bad_request("BUTTON_URL_INVALID")
    if count > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    return {"inline_keyboard": [[dict(button) for button in row] for row in rows]}


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url:
        return False
    parts = urlsplit(url)
    if parts.scheme == "tg":
        return True
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_commands(commands: Any) -> list[dict[str, str]]:
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    result = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not description.strip():
            raise bad_request("command description must be non-empty")
        if len(description) > 256:
            raise bad_request("command description is too long")
        result.append({"command": command, "description": description})
    return result


def scope_key(scope: Any) -> tuple[Any, ...]:
    """A hashable key for a BotCommandScope: ("default",), ("chat", id), ..."""
    if scope is None:
        return ("default",)
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return (kind,)
    if kind in ("chat", "chat_administrators"):
        return (kind, _int_or_str(scope.get("chat_id")))
    if kind == "chat_member":
        return (kind, _int_or_str(scope.get("chat_id")), _int_or_str(scope.get("user_id")))
    raise bad_request("wrong bot command scope type specified")


def _int_or_str(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


# Entities Telegram finds by itself in a user's message.
_AUTO_ENTITY = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)"
    r"|(?P<url>\bhttps?://[^\s<>\"]+)"
    r"|(?P<mention>(?<!\w)@[A-Za-z0-9_]{5,32})"
    r"|(?P<hashtag>(?<!\w)#\w+)"
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    entities = []
    for match in _AUTO_ENTITY.finditer(text):
        kind = match.lastgroup or "url"
        offset = utf16_len(text[: match.start()])
        entities.append({"type": kind, "offset": offset, "length": utf16_len(match.group())})
    return entities
