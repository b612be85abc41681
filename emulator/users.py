"""A person talking to the bot: what tests (and the chat page) act through."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

from .model import CallbackQuery, ChatMessage
from .rules import detect_entities

if TYPE_CHECKING:
    from .server import TelegramEmulator


class EmulatedUser:
    """A Telegram user in a private chat with the bot (chat id = user id).

    Every action (``send``, ``press``, ``block``...) returns once the bot has processed
    the update and finished its Bot API calls, so what it replied can be read at once:
    ``last``, ``messages``, ``since_last_action``, ``last_answer``.
    """

    def __init__(
        self,
        emulator: TelegramEmulator,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.last_answer: CallbackQuery | None = None
        self._action_seq = 0

    # -- who ----------------------------------------------------------------------------

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def chat(self) -> Any:
        return self.emulator.chat(self.id)

    @property
    def info(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def __repr__(self) -> str:
        return f"<EmulatedUser {self.id} {self.full_name!r}>"

    # -- what the user sees -------------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, in their current state, deleted ones left out."""
        return self.emulator.messages(self.id)

    @property
    def last(self) -> ChatMessage:
        """The bot's newest message in this chat."""
        messages = self.messages
        if not messages:
            raise AssertionError(f"the bot has sent nothing to {self.full_name} ({self.id})")
        return messages[-1]

    @property
    def since_last_action(self) -> list[ChatMessage]:
        """The bot's messages sent or edited since this user's last action."""
        return [m for m in self.messages if m.seq > self._action_seq]

    @property
    def keyboard(self) -> list[list[str]]:
        """The reply keyboard under the input field, as rows of button texts."""
        markup = self.chat.reply_keyboard
        if not markup:
            return []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in markup["keyboard"]]

    @property
    def commands(self) -> list[tuple[str, str]]:
        """The command menu this user sees (scope and language fallback as on Telegram)."""
        found = self.emulator.commands_for(self.id, self.language_code, self.id)
        return [(c["command"], c["description"]) for c in found]

    @property
    def chat_actions(self) -> list[str]:
        return [action for _, action in self.chat.chat_actions]

    @property
    def blocked(self) -> bool:
        return self.chat.blocked

    def transcript(self) -> str:
        """The chat as a person would read it, for assertion messages and debugging."""
        lines = []
        for message in self.emulator.messages(self.id, from_bot=None):
            who = "bot" if message.from_bot else self.first_name
            media = (
                " [photo]"
                if message.photo
                else (f" [document {message.document.file_name}]" if message.document else "")
            )
            buttons = " ".join(f"[{text}]" for text in message.button_texts)
            edited = " (edited)" if message.edited else ""
            lines.append(f"#{message.message_id} {who}:{media} {message.text or ''}{edited} {buttons}".rstrip())
        return "\n".join(lines)

    # -- acting -------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: ChatMessage | int | None = None,
        timeout: float | None = None,
    ) -> list[ChatMessage]:
        """Write a text message; return the bot's messages sent or edited in reply."""
        message = self._message(
            raw_text=text,
            entities=detect_entities(text) if entities is None else entities,
            reply_to=self._resolve(reply_to) if reply_to is not None else None,
        )
        await self._deliver([message], timeout, f"message {text[:40]!r} from {self.full_name}")
        return self.since_last_action

    def send_nowait(self, text: str) -> None:
        """Queue a text message without waiting for the bot (load tests)."""
        message = self._message(raw_text=text, entities=detect_entities(text))
        self.emulator.enqueue({"message": message.to_api()}, f"message {text[:40]!r} from {self.full_name}")

    async def send_photo(
        self,
        data: bytes,
        caption: str | None = None,
        *,
        media_group_id: str | None = None,
        timeout: float | None = None,
    ) -> list[ChatMessage]:
        stored = self.emulator.store_file(data, "photo")
        message = self._message(
            photo_file=stored,
            caption=caption,
            caption_entities=detect_entities(caption) if caption else [],
            media_group_id=media_group_id,
        )
        await self._deliver([message], timeout, f"photo from {self.full_name}")
        return self.since_last_action

    async def send_document(
        self,
        data: bytes,
        file_name: str = "document.bin",
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        timeout: float | None = None,
    ) -> list[ChatMessage]:
        stored = self.emulator.store_file(data, "document", file_name=file_name, mime_type=mime_type)
        message = self._message(
            document_file=stored,
            caption=caption,
            caption_entities=detect_entities(caption) if caption else [],
        )
        await self._deliver([message], timeout, f"document {file_name!r} from {self.full_name}")
        return self.since_last_action

    async def send_album(
        self, photos: list[bytes], caption: str | None = None, *, timeout: float | None = None
    ) -> list[ChatMessage]:
        """Several photos sent at once: one message each, sharing a media_group_id."""
        group_id = str(10**17 + secrets.randbelow(9 * 10**17))
        self._mark()
        messages = []
        for index, data in enumerate(photos):
            stored = self.emulator.store_file(data, "photo")
            messages.append(
                self._message(
                    photo_file=stored,
                    caption=caption if index == 0 else None,
                    media_group_id=group_id,
                    mark=False,
                )
            )
        await self._deliver(messages, timeout, f"album of {len(photos)} photos from {self.full_name}")
        return self.since_last_action

    async def press(
        self, text: str, *, message: ChatMessage | int | None = None, timeout: float | None = None
    ) -> list[ChatMessage]:
        """Press the inline button labelled ``text`` on the newest bot message that has it.

        An exact label wins; otherwise a unique case-insensitive substring match. The bot's
        answer to the press is in ``last_answer`` afterwards.
        """
        target, button = self._find_button(text, message)
        data = button.get("callback_data")
        if data is None:
            kind = next((k for k in button if k != "text"), "?")
            raise AssertionError(
                f"button {button['text']!r} on message #{target.message_id} is a {kind} button "
                f"({button.get(kind)!r}), not a callback button: it cannot be pressed here"
            )
        return await self._press(target, data, timeout)

    async def press_data(
        self, data: str, *, message: ChatMessage | int | None = None, timeout: float | None = None
    ) -> list[ChatMessage]:
        """Forge a press with any callback_data, on ``message`` or the newest bot message."""
        if message is not None:
            target = self._resolve(message)
        else:
            candidates = [m for m in self.messages if m.reply_markup] or self.messages
            if not candidates:
                raise AssertionError(f"the bot has sent nothing to {self.full_name}: nothing to press")
            target = candidates[-1]
        return await self._press(target, data, timeout)

    async def block(self, timeout: float | None = None) -> None:
        """Block the bot: a my_chat_member update (member → kicked); sends then get 403."""
        self.chat.blocked = True
        await self._member_update("member", "kicked", timeout)

    async def unblock(self, timeout: float | None = None) -> None:
        self.chat.blocked = False
        await self._member_update("kicked", "member", timeout)

    # -- inner workings -----------------------------------------------------------------

    def _mark(self) -> None:
        self._action_seq = self.emulator._seq

    def _message(self, *, mark: bool = True, **fields: Any) -> ChatMessage:
        if mark:
            self._mark()
        chat = self.chat
        chat.started = True
        return self.emulator.new_message(chat, from_bot=False, from_user=self.info, **fields)

    async def _deliver(self, messages: list[ChatMessage], timeout: float | None, description: str) -> None:
        pending = [self.emulator.enqueue({"message": m.to_api()}, description) for m in messages]
        await self.emulator.wait_processed(pending, timeout)

    def _resolve(self, message: ChatMessage | int) -> ChatMessage:
        if isinstance(message, ChatMessage):
            return message
        found = self.chat.messages.get(int(message))
        if found is None or found.deleted:
            raise AssertionError(f"no message #{message} in the chat with {self.full_name}")
        return found

    def _find_button(self, text: str, message: ChatMessage | int | None) -> tuple[ChatMessage, dict[str, Any]]:
        if message is not None:
            candidates = [self._resolve(message)]
        else:
            candidates = [m for m in reversed(self.messages) if m.reply_markup]
        for candidate in candidates:
            for row in (candidate.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == text:
                        return candidate, button
        needle = text.casefold()
        for candidate in candidates:
            matches = [
                button
                for row in (candidate.reply_markup or {}).get("inline_keyboard", [])
                for button in row
                if needle in button.get("text", "").casefold()
            ]
            if len(matches) == 1:
                return candidate, matches[0]
            if len(matches) > 1:
                labels = ", ".join(repr(b["text"]) for b in matches)
                raise AssertionError(f"{text!r} matches several buttons on message #{candidate.message_id}: {labels}")
        shown = "; ".join(
            f"#{m.message_id} {(m.text or '')[:30]!r}: " + " ".join(f"[{t}]" for t in m.button_texts)
            for m in candidates[:5]
        )
        raise AssertionError(
            f"no button {text!r} for {self.full_name} to press. "
            + (f"Buttons, newest message first: {shown}" if shown else "The bot's messages have no inline buttons.")
        )

    def press_nowait(self, data: str, message: ChatMessage | int) -> CallbackQuery:
        """Queue a press without waiting for the bot (load tests): await
        ``query.answered_event.wait()`` for the bot's answer."""
        return self._queue_press(self._resolve(message), data)[0]

    def _queue_press(self, target: ChatMessage, data: str) -> tuple[CallbackQuery, Any]:
        emulator = self.emulator
        query_id = str(emulator.bot_id * 10**6 + emulator._next_query_id)
        emulator._next_query_id += 1
        query = CallbackQuery(
            id=query_id,
            user_id=self.id,
            chat_id=target.chat.id,
            message_id=target.message_id,
            data=data,
            sent_at=time.monotonic(),
        )
        emulator.callback_queries[query_id] = query
        self.last_answer = query
        body = {
            "callback_query": {
                "id": query_id,
                "from": self.info,
                "message": target.to_api(),
                "chat_instance": str(abs(hash((emulator.bot_id, target.chat.id)))),
                "data": data,
            }
        }
        pending = emulator.enqueue(body, f"press {data!r} on message #{target.message_id} by {self.full_name}")
        return query, pending

    async def _press(self, target: ChatMessage, data: str, timeout: float | None) -> list[ChatMessage]:
        self._mark()
        _, pending = self._queue_press(target, data)
        await self.emulator.wait_processed([pending], timeout)
        return self.since_last_action

    async def _member_update(self, old: str, new: str, timeout: float | None) -> None:
        self._mark()
        me = self.emulator.bot_user
        new_member: dict[str, Any] = {"user": me, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict[str, Any] = {"user": me, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        body = {
            "my_chat_member": {
                "chat": self.chat.to_api(),
                "from": self.info,
                "date": self.emulator._now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            }
        }
        pending = self.emulator.enqueue(
            body, f"{self.full_name} {'blocked' if new == 'kicked' else 'unblocked'} the bot"
        )
        await self.emulator.wait_processed([pending], timeout)
