"""Telegram's HTML parse mode: parse it as strictly as Telegram does, and render it back.

``parse_html(html)`` turns a message written in Telegram's HTML subset into the plain text
and the entities that Telegram would store, or raises :class:`HtmlParseError` with the
same words Telegram puts after ``Bad Request: can't parse entities:``. It follows TDLib's
``parse_html`` (the parser behind the Bot API): supported tags are ``b strong i em u ins
s strike del span class="tg-spoiler" tg-spoiler a href code pre (code class="language-x")
blockquote (expandable) tg-emoji emoji-id``; entities are ``&lt; &gt; &amp; &quot;`` and
numeric references; offsets in errors are UTF-8 byte offsets; entity offsets and lengths
are UTF-16 code units.

One deliberate difference: with ``strict_ampersand=True`` (the default) a bare ``&`` that
does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or ``&#NNN;`` is refused, where
Telegram would keep it as text. Unescaped user text ("Phòng Tổ chức & Cán bộ") is the
same bug as an unescaped ``<``, which Telegram does refuse; tests should catch both.

``to_html(text, entities)`` renders plain text and entities back to that HTML subset, so
a test can read a message as the bot wrote it. No aiogram here: the emulator, the bot and
the chat page can all use it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "HtmlParseError",
    "parse_html",
    "to_html",
    "utf16_len",
    "trim_entities",
    "strip_text",
]

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

# TDLib's is_space: the characters that end a tag name or separate attributes.
_SPACES = frozenset(b" \t\r\n\0\x0b\x0c")

_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2


def _utf16_units_of_byte(byte: int) -> int:
    # A UTF-8 lead byte of a 4-byte sequence is a character outside the BMP: two units.
    if byte >= 0xF0:
        return 2
    if 0x80 <= byte < 0xC0:  # continuation byte
        return 0
    return 1


def _decode_reference(data: bytes, pos: int) -> tuple[str, int, bool] | None:
    """Decode the character reference at ``data[pos] == '&'``.

    Returns (character, position after it, had a terminating ';') or None when it is
    not a reference Telegram knows (then Telegram keeps the '&' as text).
    """
    n = len(data)
    end = pos + 1
    if end < n and data[end] == ord("#"):
        end += 1
        code = 0
        if end < n and data[end] == ord("x"):
            end += 1
            start = end
            while end < n and chr(data[end]) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(data[end]), 16)
                end += 1
        else:
            start = end
            while end < n and 0x30 <= data[end] <= 0x39:
                code = code * 10 + data[end] - 0x30
                end += 1
        if end == start or code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and (0x41 <= data[end] <= 0x5A or 0x61 <= data[end] <= 0x7A):
            end += 1
        named = _NAMED.get(data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and data[end] == ord(";"):
        return char, end + 1, True
    return char, end, False


class _Open:
    __slots__ = ("tag", "argument", "offset", "result_pos")

    def __init__(self, tag: str, argument: str, offset: int, result_pos: int) -> None:
        self.tag = tag
        self.argument = argument
        self.offset = offset
        self.result_pos = result_pos


def parse_html(html: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities); raise HtmlParseError like Telegram."""
    data = html.encode("utf-8")
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    out = bytearray()
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    i = 0
    while i < n:
        c = data[i]
        if c == ord("&"):
            decoded = _decode_reference(data, i)
            if decoded is not None and (decoded[2] or not strict_ampersand):
                char, i, _ = decoded
                if 0xD800 <= ord(char) <= 0xDFFF:
                    raise HtmlParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                out += char.encode("utf-8")
                utf16 += utf16_len(char)
                continue
            if strict_ampersand:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {i} (the emulator is stricter than Telegram '
                    "here: write &amp;, or escape the text with html.escape)"
                )
        if c != ord("<"):
            out.append(c)
            utf16 += _utf16_units_of_byte(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            opened, i = _start_tag(data, begin, i, utf16, len(out))
            stack.append(opened)
            continue

        # An end tag.
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i += 1
        name_begin = i
        while at(i) not in _SPACES and at(i) != ord(">"):
            i += 1
        end_tag = data[name_begin:i].decode("utf-8", "replace").lower()
        while i < n and at(i) in _SPACES:
            i += 1
        if at(i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        opened = stack.pop()
        if end_tag and end_tag != opened.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{end_tag}>"'
            )
        if utf16 > opened.offset:
            _add_entity(entities, opened, utf16 - opened.offset, out)

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')

    # A language belongs to code inside pre only.
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    text = out.decode("utf-8")
    return text, sort_entities(entities)


def _start_tag(data: bytes, begin: int, i: int, utf16: int, result_pos: int) -> tuple[_Open, int]:
    """Read a start tag whose name starts at ``i``; return it and the index after '>'."""
    n = len(data)

    def at(k: int) -> int:
        return data[k] if k < n else 0

    while at(i) not in _SPACES and at(i) != ord(">"):
        i += 1
    if i >= n:
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')

    argument = ""
    while at(i) != ord(">"):
        while i < n and at(i) in _SPACES:
            i += 1
        if at(i) == ord(">"):
            break
        attr_begin = i
        while at(i) not in _SPACES and at(i) not in b"=>/\"'":
            i += 1
        attribute = data[attr_begin:i].decode("utf-8", "replace")
        if not attribute:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while i < n and at(i) in _SPACES:
            i += 1
        if at(i) != ord("="):
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            if tag == "blockquote" and attribute == "expandable":
                argument = "1"
            continue
        i += 1
        while i < n and at(i) in _SPACES:
            i += 1
        if i >= n:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value, i = _attribute_value(data, i)
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        if (tag, attribute) in (("a", "href"), ("tg-emoji", "emoji-id")):
            argument = value
        elif tag == "code" and attribute == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and attribute == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "blockquote" and attribute == "expandable":
            argument = "1"

    if tag == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return _Open(tag, argument, utf16, result_pos), i + 1


def _attribute_value(data: bytes, i: int) -> tuple[str, int]:
    n = len(data)
    quote = data[i]
    if quote not in b"'\"":
        # An unquoted value: a name token of letters, digits, '.' and '-'.
        token_begin = i
        while i < n and (chr(data[i]).isascii() and (chr(data[i]).isalnum() or data[i] in b".-")):
            i += 1
        if i < n and data[i] not in _SPACES and data[i] != ord(">"):
            raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        if i >= n:
            raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        return data[token_begin:i].decode("ascii").lower(), i
    i += 1
    value = bytearray()
    while i < n and data[i] != quote:
        if data[i] == ord("&"):
            decoded = _decode_reference(data, i)
            if decoded is not None:
                value += decoded[0].encode("utf-8", "surrogatepass")
                i = decoded[1]
                continue
        value.append(data[i])
        i += 1
    if i < n:
        i += 1  # the closing quote
    return value.decode("utf-8", "replace"), i


def _entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "offset": offset, "length": length, **extra}


_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def _add_entity(entities: list[dict[str, Any]], opened: _Open, length: int, out: bytearray) -> None:
    offset = opened.offset
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    tag = opened.tag
    if tag in _SIMPLE:
        entities.append(_entity(_SIMPLE[tag], offset, length))
    elif tag == "tg-emoji":
        if not opened.argument.isdigit() or int(opened.argument) <= 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(_entity("custom_emoji", offset, length, custom_emoji_id=opened.argument))
    elif tag == "a":
        url = opened.argument or out[opened.result_pos :].decode("utf-8", "replace")
        if url.startswith("tg://user?id=") and url[len("tg://user?id=") :].isdigit():
            user_id = int(url[len("tg://user?id=") :])
            entities.append(
                _entity("text_mention", offset, length, user={"id": user_id, "is_bot": False, "first_name": ""})
            )
        elif url:
            entities.append(_entity("text_link", offset, length, url=url))
    elif tag == "pre":
        if last is not None and last["type"] == "code" and same_span and "language" in last:
            last["type"] = "pre"
        else:
            entities.append(_entity("pre", offset, length))
    elif tag == "code":
        if last is not None and last["type"] == "pre" and same_span and opened.argument:
            last["language"] = opened.argument
        elif opened.argument:
            entities.append(_entity("code", offset, length, language=opened.argument))
        else:
            entities.append(_entity("code", offset, length))
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        entities.append(_entity(kind, offset, length))


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram's order: by offset, the outer (longer) entity first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_TRIMMED = " \t\r\n\x0b\x0c"


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim leading and trailing whitespace as Telegram does, moving the entities along."""
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return text, entities
    left = len(text) - len(text.lstrip(_TRIMMED))  # whitespace is in the BMP: 1 unit each
    return stripped, trim_entities(entities, left, utf16_len(stripped))


def trim_entities(entities: list[dict[str, Any]], shift: int, length: int) -> list[dict[str, Any]]:
    """Shift entities left by ``shift`` units and clip them to ``[0, length)``; drop empty ones."""
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, length)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return result


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;")
    return text


def _tags(entity: dict[str, Any]) -> tuple[str, str] | None:
    kind = entity["type"]
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "spoiler": "tg-spoiler",
        "code": "code",
        "blockquote": "blockquote",
    }
    if kind in simple:
        return f"<{simple[kind]}>", f"</{simple[kind]}>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if kind == "pre":
        if entity.get("language"):
            lang = _escape(entity["language"], quote=True)
            return f'<pre><code class="language-{lang}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return f'<a href="{_escape(entity["url"], quote=True)}">', "</a>"
    if kind == "text_mention":
        return f'<a href="tg://user?id={entity["user"]["id"]}">', "</a>"
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{entity["custom_emoji_id"]}">', "</tg-emoji>"
    return None  # url, mention, bot_command, hashtag...: plain text in HTML


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Render text and entities as Telegram HTML (the inverse of :func:`parse_html`).

    Entities are expected to nest, as Telegram's own do; an entity that overlaps the end
    of its parent is cut at the parent's end.
    """
    units = text.encode("utf-16-le")

    def piece(start: int, end: int) -> str:
        return _escape(units[start * 2 : end * 2].decode("utf-16-le", "replace"))

    def render(start: int, end: int, items: list[tuple[int, int, tuple[str, str]]]) -> str:
        parts: list[str] = []
        pos = start
        i = 0
        while i < len(items):
            offset, stop, (opening, closing) = items[i]
            offset = max(offset, pos)
            stop = min(stop, end)
            j = i + 1
            children = []
            while j < len(items) and items[j][0] < stop:
                children.append(items[j])
                j += 1
            parts.append(piece(pos, offset))
            if stop > offset:
                parts.append(opening + render(offset, stop, children) + closing)
            pos = max(pos, stop)
            i = j
        parts.append(piece(pos, end))
        return "".join(parts)

    items = [
        (e["offset"], e["offset"] + e["length"], tags)
        for e in sort_entities(entities or [])
        if (tags := _tags(e)) is not None
    ]
    return render(0, len(units) // 2, items)
