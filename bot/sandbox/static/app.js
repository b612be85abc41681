// The sandbox chat page: act as anyone, chat with the real bot through the Bot API
// emulator (/_emu/), move the sandbox clock (/_sandbox/). Plain DOM, no build step.
// Every piece of text becomes a text node: nothing from the bot or a person is ever
// parsed as HTML. The bot's formatting comes from the entities the emulator parsed.
"use strict";

(function () {
  const T = {
    vi: {
      badge: "dùng thử",
      people: "Người dùng",
      who: "Đóng vai ai?",
      newcomer: "Cán bộ mới được mời",
      time: "Thời gian giả lập: chuyển nhanh tới",
      clock_title: "Giờ trong môi trường dùng thử",
      jump_checkin: "Lời nhắc tự đánh giá tiếp theo",
      jump_digest: "Bản tổng hợp sáng thứ Hai",
      jump_deadline: "Lời nhắc hạn tiếp theo",
      about: "Môi trường dùng thử chạy trên máy này: không qua Telegram, dữ liệu chỉ là dữ liệu mẫu. Để chạy thật, đặt BOT_TOKEN (lấy từ @BotFather) vào tệp .env rồi chạy make run.",
      lang_note: "VI / EN đổi ngôn ngữ của trang và ngôn ngữ bot dùng với người đang chọn (như trong /settings); mỗi người giữ ngôn ngữ riêng của mình.",
      lang_title: "Ngôn ngữ của trang và của bot với người đang chọn",
      bot_lang: "bot: {lang}",
      demo_start: "Môi trường dùng thử bắt đầu ở một thời điểm mẫu (14:00 thứ Sáu tuần này), không phải giờ thực.",
      menu: "Lệnh",
      attach: "Gửi ảnh",
      send: "Gửi",
      placeholder: "Nhập tin nhắn…",
      pick: "Chọn một người ở danh sách để bắt đầu trò chuyện với bot.",
      empty: "Chưa có tin nhắn. Gửi /help hoặc mở menu Lệnh.",
      edited: "đã sửa",
      replying: "bot đang trả lời…",
      online: "bot",
      none: "không có",
      jumped: "Đã chuyển tới {time}.",
      sent: "Đã gửi {n} tin.",
      nothing: "Không có tin nào cần gửi.",
      invite_title: "Lời mời tham gia",
      invite_text: "{name} nhận được đường dẫn mời vào {unit}:",
      invite_open: "▶ Mở đường dẫn (START)",
      open_as_new: "Mở đường dẫn này với tư cách người mới?",
      download: "Tải về",
      error: "Lỗi: {error}",
      offline: "Không kết nối được với môi trường dùng thử. Đề nghị kiểm tra môi trường dùng thử còn đang chạy.",
      no_commands: "Chưa có lệnh nào.",
      down: "Tin nhắn mới nhất",
      zalo_placeholder: "Nhập tin nhắn (gõ số để chọn)…",
      zalo_empty: "Chưa có tin nhắn. Gửi “trợ giúp” để xem các chức năng trên Zalo.",
      channels: { telegram: "Telegram", zalo: "Zalo" },
      roles: {
        newcomer: "Người mới",
        employee: "Cán bộ, công chức, viên chức",
        leader: "Lãnh đạo đơn vị",
        comms: "Cán bộ truyền thông",
        admin: "Quản trị viên",
      },
      role_one: {
        newcomer: "người mới",
        employee: "cán bộ, công chức, viên chức",
        leader: "lãnh đạo đơn vị",
        comms: "cán bộ truyền thông",
        admin: "quản trị viên",
      },
      jobs: {
        checkin_prompts: "lời nhắc tự đánh giá",
        missed_nudges: "nhắc người chưa tự đánh giá tuần trước",
        leader_digests: "bản tổng hợp cho lãnh đạo",
        deadline_reminders: "nhắc hạn",
      },
    },
    en: {
      badge: "sandbox",
      people: "People",
      who: "Who are you?",
      newcomer: "A newly invited employee",
      time: "Sandbox time: jump to",
      clock_title: "Sandbox time",
      jump_checkin: "Next self-assessment reminder",
      jump_digest: "Monday morning digest",
      jump_deadline: "Next deadline reminder",
      about: "A sandbox on this machine: no Telegram, demo data only. To go live, put BOT_TOKEN (from @BotFather) in .env and run make run.",
      lang_note: "VI / EN switches the page and the bot's language for the person shown (as /settings does); everyone keeps their own language.",
      lang_title: "The page's language, and the bot's for the person shown",
      bot_lang: "bot: {lang}",
      demo_start: "The sandbox started at a demo moment (Friday 14:00 of this week), not the real time.",
      menu: "Menu",
      attach: "Send a photo",
      send: "Send",
      placeholder: "Message…",
      pick: "Pick a person from the list to start chatting with the bot.",
      empty: "No messages yet. Send /help or open the Menu.",
      edited: "edited",
      replying: "the bot is replying…",
      online: "bot",
      none: "none",
      jumped: "Moved to {time}.",
      sent: "{n} message(s) sent.",
      nothing: "Nothing to send.",
      invite_title: "Invitation",
      invite_text: "{name} received an invitation link to {unit}:",
      invite_open: "▶ Open the link (START)",
      open_as_new: "Open this link as a new person?",
      download: "Download",
      error: "Error: {error}",
      offline: "Cannot reach the sandbox. Is it still running?",
      no_commands: "No commands yet.",
      down: "Latest messages",
      zalo_placeholder: "Message (type a number to choose)…",
      zalo_empty: "No messages yet. Send “help” to see what the bot does on Zalo.",
      channels: { telegram: "Telegram", zalo: "Zalo" },
      roles: {
        newcomer: "Newcomers",
        employee: "Civil servants",
        leader: "Unit leaders",
        comms: "Communications staff",
        admin: "Administrators",
      },
      role_one: {
        newcomer: "newcomer",
        employee: "civil servant",
        leader: "unit leader",
        comms: "communications staff",
        admin: "administrator",
      },
      jobs: {
        checkin_prompts: "self-assessment reminders",
        missed_nudges: "nudges for last week",
        leader_digests: "leader digests",
        deadline_reminders: "deadline reminders",
      },
    },
  };
  const LANGUAGES = { vi: "Tiếng Việt", en: "English" }; // each in its own language, as /settings shows them
  const ROLE_ORDER = ["newcomer", "leader", "comms", "admin", "employee"];
  const SAFE_SCHEMES = ["http:", "https:", "mailto:", "tg:"];

  const $ = (id) => document.getElementById(id);
  const S = {
    lang: localStorage.getItem("sandbox.lang") === "en" ? "en" : "vi",
    state: null,
    skew: 0,
    personaId: storedPersona(localStorage.getItem("sandbox.persona")),
    poll: null,
    busy: 0,
    invites: JSON.parse(sessionStorage.getItem("sandbox.invites") || "{}"),
    nodes: new Map(),
    chosen: false,
    pinned: true,
    autoTop: null,
    cursor: 0,
  };

  // -- small helpers ----------------------------------------------------------------------

  // A person on Telegram is a number, one on Zalo a string of hex digits (their Zalo id).
  function storedPersona(raw) {
    if (!raw) return null;
    return /^[0-9]+$/.test(raw) ? Number(raw) : raw;
  }

  function onZalo() {
    const p = persona(S.personaId);
    return Boolean(p && p.channel === "zalo");
  }

  // What the fake Zalo server recorded, as the chat draws a message: plain text (Zalo
  // formats nothing), a picture when the bot sent a photo link.
  function fromZalo(m) {
    const out = { message_id: m.seq, from_bot: m.from_bot, date: Math.floor(m.date_ms / 1000) };
    if (m.kind === "photo") {
      out.photo = true;
      out.file_url = safeUrl(m.photo_url || "");
      out.caption = m.caption || "";
      out.caption_entities = [];
    } else {
      out.text = m.text !== null && m.text !== undefined ? m.text : "[" + m.kind + "]";
      out.entities = [];
    }
    return out;
  }

  function t(key, params) {
    let text = T[S.lang][key];
    if (text === undefined) text = T.en[key] || key;
    if (params) for (const [k, v] of Object.entries(params)) text = text.split("{" + k + "}").join(String(v));
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(path, body, options) {
    const init = Object.assign({ headers: {} }, options || {});
    // A custom header: another site's page cannot send it without a CORS preflight,
    // which the sandbox never grants.
    init.headers["X-Sandbox"] = "1";
    if (body instanceof FormData) {
      init.method = "POST";
      init.body = body;
    } else if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch (_e) {
      data = null;
    }
    if (!response.ok || !data || data.ok === false) {
      throw new Error((data && (data.error || data.description)) || response.status + " " + response.statusText);
    }
    return data;
  }

  function safeUrl(raw) {
    try {
      const url = new URL(raw, location.href);
      return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
    } catch (_e) {
      return null;
    }
  }

  function formatTime(date, withDay) {
    const tz = (S.state && S.state.timezone) || undefined;
    const options = withDay
      ? { weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: tz }
      : { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: tz };
    return new Intl.DateTimeFormat(S.lang === "vi" ? "vi-VN" : "en-GB", options).format(date);
  }

  function formatShort(date) {
    const tz = (S.state && S.state.timezone) || undefined;
    return new Intl.DateTimeFormat(S.lang === "vi" ? "vi-VN" : "en-GB", {
      weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: tz,
    }).format(date);
  }

  function initials(name) {
    const words = String(name || "?").trim().split(/\s+/);
    const last = words[words.length - 1] || "?";
    return (words.length > 1 ? words[0][0] + last[0] : last.slice(0, 2)).toUpperCase();
  }

  function hue(id) {
    return (Number(id) * 47) % 360;
  }

  function toast(text, isError) {
    const box = $("toast");
    box.textContent = text;
    box.className = "toast" + (isError ? " error" : "");
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (box.hidden = true), isError ? 6000 : 3500);
  }

  function alertBox(text) {
    $("alert-text").textContent = text;
    $("alert").hidden = false;
    $("alert-ok").focus();
  }

  // -- the bot's formatting, from entities --------------------------------------------------

  function entityNode(entity, slice) {
    switch (entity.type) {
      case "bold": return el("b");
      case "italic": return el("i");
      case "underline": return el("u");
      case "strikethrough": return el("s");
      case "code": return el("code");
      case "pre": return el("pre", { class: "pre" });
      case "blockquote": return el("blockquote");
      case "expandable_blockquote": return el("blockquote", { class: "expandable" });
      case "spoiler": {
        const node = el("span", { class: "spoiler", title: "spoiler" });
        node.addEventListener("click", () => node.classList.toggle("revealed"));
        return node;
      }
      case "text_link":
      case "url": {
        const href = safeUrl(entity.type === "url" ? (/^[a-z]+:/i.test(slice) ? slice : "https://" + slice) : entity.url);
        if (!href) return el("span", { class: "link" });
        const link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" });
        link.addEventListener("click", (event) => deepLinkClick(event, href));
        return link;
      }
      case "email": {
        return el("a", { href: "mailto:" + slice });
      }
      case "bot_command": {
        const link = el("a", { href: "#", class: "cmd" });
        link.addEventListener("click", (event) => {
          event.preventDefault();
          sendText(slice);
        });
        return link;
      }
      case "mention":
      case "hashtag":
      case "cashtag":
      case "text_mention":
        return el("span", { class: "link" });
      default:
        return el("span");
    }
  }

  // Telegram itself makes /commands and links in plain text clickable: so does the page.
  const AUTO = /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@\w+)?)(?=$|[\s.,;:!?)])|(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g;

  function plainText(parent, text, auto) {
    if (!auto) {
      parent.append(document.createTextNode(text));
      return;
    }
    let pos = 0;
    for (const match of text.matchAll(AUTO)) {
      const start = match.index + (match[1] ? match[1].length : 0);
      const found = match[2] || match[3];
      if (start > pos) parent.append(document.createTextNode(text.slice(pos, start)));
      const node = entityNode({ type: match[2] ? "bot_command" : "url" }, found);
      node.append(document.createTextNode(found));
      parent.append(node);
      pos = start + found.length;
    }
    if (pos < text.length) parent.append(document.createTextNode(text.slice(pos)));
  }

  // Entities nest (Telegram HTML is well formed): children are those inside a parent's range.
  function buildFormatted(parent, text, start, end, entities, auto) {
    let pos = start;
    let i = 0;
    while (i < entities.length) {
      const entity = entities[i];
      const entityEnd = Math.min(entity.offset + entity.length, end);
      const inner = [];
      let j = i + 1;
      while (j < entities.length && entities[j].offset < entityEnd) {
        const e = entities[j];
        inner.push(Object.assign({}, e, { length: Math.min(e.offset + e.length, entityEnd) - e.offset }));
        j += 1;
      }
      if (entity.offset > pos) plainText(parent, text.slice(pos, entity.offset), auto);
      const node = entityNode(entity, text.slice(entity.offset, entityEnd));
      const inside = auto && !["code", "pre", "text_link", "url", "email", "bot_command"].includes(entity.type);
      buildFormatted(node, text, Math.max(entity.offset, pos), entityEnd, inner, inside);
      parent.append(node);
      pos = Math.max(pos, entityEnd);
      i = j;
    }
    if (pos < end) plainText(parent, text.slice(pos, end), auto);
  }

  function formatted(text, entities) {
    const container = el("div", { class: "text" });
    const sorted = (entities || [])
      .filter((e) => e.length > 0 && e.offset >= 0 && e.offset < text.length)
      .slice()
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    buildFormatted(container, text, 0, text.length, sorted, true);
    return container;
  }

  // -- messages -------------------------------------------------------------------------------

  function fileSize(bytes) {
    if (!bytes && bytes !== 0) return "";
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " kB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function renderMessage(m) {
    const mine = !m.from_bot;
    const row = el("div", { class: "msg " + (mine ? "out" : "in"), "data-id": m.message_id });
    const bubble = el("div", { class: "bubble" });
    if (m.photo && m.file_url) {
      const img = el("img", { src: m.file_url, alt: m.caption || "photo", class: "photo", loading: "lazy" });
      img.addEventListener("load", () => stickToBottom(false));
      bubble.append(el("a", { href: m.file_url, target: "_blank", rel: "noopener", class: "photo-link" }, img));
    }
    if (m.document && m.file_url) {
      const doc = m.document;
      const name = doc.file_name || "file";
      bubble.append(
        el("a", { class: "doc", href: m.file_url, download: name, title: t("download") },
          el("span", { class: "doc-icon", "aria-hidden": "true", text: docIcon(name) }),
          el("span", { class: "doc-meta" },
            el("span", { class: "doc-name", text: name }),
            el("span", { class: "doc-size", text: fileSize(doc.file_size) + " · " + t("download") }))));
    }
    const text = m.text !== undefined ? m.text : m.caption;
    const entities = m.text !== undefined ? m.entities : m.caption_entities;
    if (text) bubble.append(formatted(text, entities));
    const meta = el("div", { class: "meta" });
    if (m.edited) meta.append(el("span", { class: "edited", text: t("edited") }), " ");
    if (m.date) meta.append(el("time", { text: formatTime(new Date(m.date * 1000), false) }));
    bubble.append(meta);
    row.append(bubble);
    if (m.buttons && m.buttons.length) {
      const kb = el("div", { class: "kb" });
      for (const buttons of m.buttons) {
        const line = el("div", { class: "kb-row" });
        for (const b of buttons) {
          if (b.url) {
            const href = safeUrl(b.url);
            const link = el("a", { class: "kb-btn link-btn", href: href || "#", target: "_blank", rel: "noopener noreferrer", text: b.text });
            if (href) link.addEventListener("click", (event) => deepLinkClick(event, href));
            line.append(link);
          } else {
            const button = el("button", { type: "button", class: "kb-btn", text: b.text });
            button.addEventListener("click", () => press(m, b, button));
            line.append(button);
          }
        }
        kb.append(line);
      }
      row.append(kb);
    }
    return row;
  }

  function docIcon(name) {
    const ext = name.split(".").pop().toLowerCase();
    return { docx: "📝", xlsx: "📊", csv: "📊", png: "🖼", jpg: "🖼", pdf: "📕" }[ext] || "📄";
  }

  // Keeping to the bottom, as Telegram does: the view follows the chat while it is at the
  // bottom (S.pinned), also when a photo loads or a card is edited and grows after it was
  // drawn; someone who scrolled up to read stays where they are until they send something.
  function nearBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 48;
  }

  function stickToBottom(force) {
    const box = $("messages");
    if (force) S.pinned = true;
    if (S.pinned) {
      box.scrollTop = box.scrollHeight;
      S.autoTop = box.scrollTop; // the scroll event this causes is ours, not the reader's
    }
    renderDown();
  }

  function renderDown() {
    $("down").hidden = S.pinned || !S.personaId;
  }

  const resized = typeof ResizeObserver === "function" ? new ResizeObserver(() => stickToBottom(false)) : null;

  function upsert(m) {
    const box = $("messages");
    const old = S.nodes.get(m.message_id);
    if (m.deleted) {
      // As on Telegram, a message the bot deletes disappears from the chat.
      if (old) old.remove();
      S.nodes.delete(m.message_id);
      return;
    }
    const node = renderMessage(m);
    if (old) {
      old.replaceWith(node);
    } else {
      let before = null;
      for (const [id, other] of S.nodes) if (id > m.message_id && (!before || id < Number(before.dataset.id))) before = other;
      box.insertBefore(node, before);
    }
    S.nodes.set(m.message_id, node);
    if (old && resized) resized.unobserve(old);
    if (resized) resized.observe(node);
    stickToBottom(false);
  }

  function showHint(text) {
    const box = $("messages");
    let hint = box.querySelector(".chat-hint");
    if (!text) {
      if (hint) hint.remove();
      return;
    }
    if (!hint) {
      hint = el("div", { class: "chat-hint" });
      box.prepend(hint);
    }
    hint.textContent = text;
  }

  function renderInvite() {
    const box = $("messages");
    const old = box.querySelector(".invite");
    if (old) old.remove();
    const invite = S.invites[S.personaId];
    if (!invite) return;
    const open = el("button", { type: "button", class: "primary", text: t("invite_open") });
    open.addEventListener("click", () => sendText("/start " + invite.token));
    const card = el("div", { class: "invite" },
      el("div", { class: "invite-title", text: "✉ " + t("invite_title") }),
      el("div", { text: t("invite_text", { name: invite.name, unit: invite.unit || "—" }) }),
      el("div", { class: "invite-link", text: invite.link }),
      open);
    box.prepend(card);
  }

  function refreshHint() {
    if (!S.personaId) showHint(t("pick"));
    else if (S.nodes.size === 0 && !S.invites[S.personaId]) showHint(t(onZalo() ? "zalo_empty" : "empty"));
    else showHint(null);
  }

  // -- chatting --------------------------------------------------------------------------------

  function setBusy(delta) {
    S.busy = Math.max(0, S.busy + delta);
    renderHead();
    $("send").disabled = S.busy > 0;
  }

  async function act(path, body) {
    if (!S.personaId) return null;
    setBusy(1);
    try {
      return await api(path, body);
    } catch (error) {
      toast(t("error", { error: error.message }), true);
      return null;
    } finally {
      setBusy(-1);
    }
  }

  async function sendText(text) {
    text = String(text || "").trim();
    if (!text || !S.personaId) return;
    closeCommands();
    stickToBottom(true); // one's own message: back to the bottom, as Telegram does
    if (onZalo()) {
      // Zalo: what the person typed goes to the bot as Zalo's text event.
      const data = await act("/_sandbox/zalo/" + encodeURIComponent(S.personaId) + "/send", { text: text, lang: S.lang });
      if (data && data.message) upsert(fromZalo(data.message));
      refreshHint();
      afterAction();
      return;
    }
    await act("/_emu/users/" + S.personaId + "/messages", { text: text, timeout: 45 });
    afterAction();
  }

  async function sendPhoto(file) {
    if (!file || !S.personaId) return;
    const form = new FormData();
    form.append("photo", file, file.name || "photo.jpg");
    const caption = $("input").value.trim();
    if (caption) form.append("caption", caption);
    form.append("timeout", "45");
    $("input").value = "";
    stickToBottom(true);
    await act("/_emu/users/" + S.personaId + "/messages", form);
    afterAction();
  }

  async function press(message, button, node) {
    if (node) node.classList.add("pressed");
    const data = await act("/_emu/users/" + S.personaId + "/press", {
      message_id: message.message_id, callback_data: button.callback_data, timeout: 45,
    });
    if (node) node.classList.remove("pressed");
    if (data && data.answer && data.answer.text) {
      if (data.answer.show_alert) alertBox(data.answer.text);
      else toast(data.answer.text);
    }
    afterAction();
  }

  function afterAction() {
    // The bot's own notion of who this person is may have changed (onboarding, roles).
    clearTimeout(afterAction.timer);
    afterAction.timer = setTimeout(refreshState, 400);
  }

  async function deepLinkClick(event, href) {
    const bot = S.state && S.state.bot && S.state.bot.username;
    let url;
    try {
      url = new URL(href);
    } catch (_e) {
      return;
    }
    if (url.hostname !== "t.me" || !bot || url.pathname.replace("/", "").toLowerCase() !== bot.toLowerCase()) return;
    event.preventDefault();
    const token = url.searchParams.get("start");
    if (!token) return;
    if (!window.confirm(t("open_as_new"))) return;
    await newcomer(token);
  }

  // A page in a background tab stops polling (and picks up where it was when shown again):
  // each poll holds one of the browser's six connections to the sandbox, so many open tabs
  // would otherwise starve the visible page's pictures and buttons.
  function startPolling() {
    if (S.poll) S.poll.abort();
    S.poll = null;
    if (!S.personaId || document.hidden) return;
    S.poll = new AbortController();
    pollLoop(S.personaId, S.poll);
  }

  async function pollLoop(id, controller) {
    if (onZalo()) return zaloPollLoop(id, controller);
    let cursor = S.cursor;
    while (!controller.signal.aborted && S.personaId === id) {
      try {
        const response = await fetch("/_emu/chats/" + id + "/messages?since=" + cursor + "&timeout=20", {
          signal: controller.signal,
        });
        if (!response.ok) {
          await sleep(1000);
          continue;
        }
        const data = await response.json();
        if (controller.signal.aborted || S.personaId !== id) return;
        for (const m of data.messages) upsert(m);
        cursor = S.cursor = data.cursor;
        refreshHint();
      } catch (_error) {
        if (controller.signal.aborted) return;
        await sleep(1500);
      }
    }
  }

  // The fake Zalo server keeps each chat's messages: the page asks for the new ones.
  async function zaloPollLoop(id, controller) {
    let after = 0;
    while (!controller.signal.aborted && S.personaId === id) {
      try {
        const response = await fetch("/_sandbox/zalo/" + encodeURIComponent(id) + "/messages?after=" + after, {
          signal: controller.signal,
        });
        if (response.ok) {
          const data = await response.json();
          if (controller.signal.aborted || S.personaId !== id) return;
          for (const m of data.messages) {
            upsert(fromZalo(m));
            after = Math.max(after, m.seq);
          }
          refreshHint();
        }
      } catch (_error) {
        if (controller.signal.aborted) return;
      }
      await sleep(700);
    }
  }

  // -- people ------------------------------------------------------------------------------------

  function persona(id) {
    return ((S.state && S.state.personas) || []).find((p) => p.id === id) || null;
  }

  function renderHead() {
    const p = persona(S.personaId);
    const avatar = $("avatar");
    if (!p) {
      $("chat-title").textContent = (S.state && S.state.bot && S.state.bot.name) || "";
      $("chat-sub").textContent = "";
      avatar.textContent = "🤖";
      avatar.style.removeProperty("--hue");
      $("chat").classList.add("idle");
      $("chat").classList.remove("zalo");
      return;
    }
    $("chat").classList.remove("idle");
    $("chat").classList.toggle("zalo", p.channel === "zalo");
    $("input").placeholder = t(p.channel === "zalo" ? "zalo_placeholder" : "placeholder");
    avatar.textContent = initials(p.name);
    avatar.style.setProperty("--hue", hue(p.id));
    $("chat-title").textContent = p.name;
    const parts = [T[S.lang].channels[p.channel] || p.channel, T[S.lang].role_one[p.role] || p.role];
    if (p.position) parts.push(p.position);
    if (p.unit) parts.push(p.unit);
    parts.push(t("bot_lang", { lang: LANGUAGES[p.locale] || p.locale }));
    $("chat-sub").textContent = S.busy ? t("replying") : parts.join(" · ");
  }

  function avatarNode(p) {
    const node = el("span", { class: "avatar small", "aria-hidden": "true", text: initials(p.name) });
    node.style.setProperty("--hue", hue(p.id)); // CSSOM: allowed under the page's CSP
    return node;
  }

  function renderPersonas() {
    const box = $("personas");
    box.textContent = "";
    const people = (S.state && S.state.personas) || [];
    for (const role of ROLE_ORDER) {
      const group = people.filter((p) => p.role === role);
      if (!group.length) continue;
      const list = el("div", { class: "persona-group" }, el("h3", { text: T[S.lang].roles[role] }));
      for (const p of group) {
        const item = el("button", {
          type: "button", class: "persona" + (p.id === S.personaId ? " current" : ""),
          "data-id": p.id, "data-role": p.role, "aria-pressed": p.id === S.personaId ? "true" : "false",
        },
        avatarNode(p),
        el("span", { class: "persona-text" },
          el("span", { class: "persona-name" }, p.name + " ",
            el("span", { class: "channel " + p.channel, text: T[S.lang].channels[p.channel] || p.channel })),
          el("span", { class: "persona-sub", text: [p.position, p.unit].filter(Boolean).join(" · ") })));
        item.addEventListener("click", () => selectPersona(p.id));
        list.append(item);
      }
      box.append(list);
    }
  }

  function selectPersona(id) {
    if (S.poll) S.poll.abort();
    S.chosen = true;
    S.personaId = id;
    localStorage.setItem("sandbox.persona", String(id || ""));
    S.nodes.clear();
    if (resized) resized.disconnect();
    if (resized) resized.observe($("messages"));
    $("messages").textContent = "";
    S.pinned = true;
    renderDown();
    closeCommands();
    renderPersonas();
    renderHead();
    renderInvite();
    refreshHint();
    closeDrawer();
    if (id) {
      S.cursor = 0;
      startPolling();
      refreshState();
      $("input").focus({ preventScroll: true });
    }
  }

  async function newcomer(token) {
    try {
      const data = await api("/_sandbox/newcomer", { lang: S.lang, token: token || null });
      S.invites[data.user.id] = { token: data.token, link: data.link, unit: data.unit, name: data.name };
      sessionStorage.setItem("sandbox.invites", JSON.stringify(S.invites));
      await refreshState();
      selectPersona(data.user.id);
    } catch (error) {
      toast(t("error", { error: error.message }), true);
    }
  }

  // -- the clock ---------------------------------------------------------------------------------

  function sandboxNow() {
    return new Date(Date.now() + S.skew);
  }

  function renderClock() {
    if (!S.state) return;
    const now = sandboxNow();
    $("clock").textContent = "🕒 " + formatShort(now);
    $("clock").title = t("clock_title") + " (" + S.state.timezone + ")";
    $("clock-big").textContent = formatTime(now, true);
  }

  function renderJumps() {
    const next = (S.state && S.state.next) || {};
    for (const button of document.querySelectorAll(".jump")) {
      const when = next[button.dataset.target];
      button.querySelector(".jump-when").textContent = when ? formatShort(new Date(when)) : t("none");
      button.disabled = !when;
      if (button.dataset.target === "deadline" && next.deadline_title) button.title = next.deadline_title[S.lang];
    }
    const result = $("jump-result");
    if (S.state && S.state.origin === "demo" && (!result.textContent || result.dataset.origin)) {
      result.textContent = t("demo_start");
      result.dataset.origin = "demo";
    }
  }

  async function jump(target, button) {
    for (const b of document.querySelectorAll(".jump")) b.disabled = true;
    button.classList.add("working");
    try {
      const who = onZalo() ? { zalo_id: S.personaId } : { user_id: S.personaId };
      const data = await api("/_sandbox/jump", Object.assign({ target: target, lang: S.lang }, who));
      S.skew = Date.parse(data.now) - Date.now();
      renderClock();
      const jobs = data.jobs.filter((j) => j.queued).map((j) => (T[S.lang].jobs[j.job] || j.job) + " (" + j.queued + ")");
      const when = formatTime(new Date(data.now), true);
      delete $("jump-result").dataset.origin;
      $("jump-result").textContent = t("jumped", { time: when }) + " " + (jobs.length ? jobs.join(", ") + ". " + t("sent", { n: data.sent }) : t("nothing"));
    } catch (error) {
      toast(t("error", { error: error.message }), true);
    } finally {
      button.classList.remove("working");
      await refreshState();
    }
  }

  async function refreshState() {
    try {
      const key = typeof S.personaId === "string" ? "&zalo_id=" : "&user_id=";
      const query = "?lang=" + S.lang + (S.personaId ? key + encodeURIComponent(S.personaId) : "");
      const data = await api("/_sandbox/state" + query);
      S.state = data;
      S.skew = Date.parse(data.now) - Date.now();
      document.body.classList.remove("offline");
      if (S.personaId && !persona(S.personaId)) {
        selectPersona(null);
        return;
      }
      $("bot-name").textContent = data.bot.name || "";
      renderPersonas();
      renderHead();
      renderClock();
      renderJumps();
      return true;
    } catch (error) {
      document.body.classList.add("offline");
      if (error.message !== "starting") toast(t("offline"), true);
      return false;
    }
  }

  // -- commands menu, drawer, language ------------------------------------------------------------

  async function openCommands() {
    const box = $("commands");
    if (!box.hidden) return closeCommands();
    if (!S.personaId || onZalo()) return;
    box.textContent = "";
    try {
      const data = await api("/_sandbox/users/" + S.personaId + "/commands");
      if (!data.commands.length) box.append(el("div", { class: "command empty", text: t("no_commands") }));
      for (const c of data.commands) {
        const item = el("button", { type: "button", class: "command" },
          el("span", { class: "command-name", text: "/" + c.command }),
          el("span", { class: "command-desc", text: c.description }));
        item.addEventListener("click", () => sendText("/" + c.command));
        box.append(item);
      }
      box.hidden = false;
      $("menu-btn").setAttribute("aria-expanded", "true");
    } catch (error) {
      toast(t("error", { error: error.message }), true);
    }
  }

  function closeCommands() {
    $("commands").hidden = true;
    $("menu-btn").setAttribute("aria-expanded", "false");
  }

  function openDrawer() {
    document.body.classList.add("drawer-open");
    $("scrim").hidden = false;
    $("drawer-toggle").setAttribute("aria-expanded", "true");
  }

  function closeDrawer() {
    document.body.classList.remove("drawer-open");
    $("scrim").hidden = true;
    $("drawer-toggle").setAttribute("aria-expanded", "false");
  }

  function applyLanguage() {
    document.documentElement.lang = S.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", button.dataset.lang === S.lang ? "true" : "false");
    }
    $("input").placeholder = t("placeholder");
    $("attach-label").title = t("attach");
    $("down").title = t("down");
    document.querySelector(".lang").title = t("lang_title");
    renderPersonas();
    renderHead();
    renderClock();
    renderJumps();
    renderInvite();
    refreshHint();
    for (const node of document.querySelectorAll(".msg .edited")) node.textContent = t("edited");
  }

  // VI / EN is the page's language and, as /settings would set it, the bot's language for
  // the person shown (the bot confirms in the chat; their command menu follows). Everyone
  // else keeps their own.
  async function switchLanguage(lang) {
    S.lang = lang;
    localStorage.setItem("sandbox.lang", S.lang);
    applyLanguage();
    const p = persona(S.personaId);
    if (p && p.locale !== lang && p.channel !== "zalo") {
      closeCommands();
      await act("/_sandbox/users/" + p.id + "/language", { lang: lang });
    }
    await refreshState();
  }

  function wire() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("input").value;
      $("input").value = "";
      autosize();
      sendText(text);
    });
    $("input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("input").addEventListener("input", autosize);
    $("photo").addEventListener("change", () => {
      const file = $("photo").files[0];
      $("photo").value = "";
      sendPhoto(file);
    });
    $("messages").addEventListener("scroll", () => {
      // Ours (content may have grown since, before this event came): still at the bottom.
      const ours = $("messages").scrollTop === S.autoTop;
      S.autoTop = null;
      if (ours) return;
      S.pinned = nearBottom();
      renderDown();
    }, { passive: true });
    $("down").addEventListener("click", () => stickToBottom(true));
    $("menu-btn").addEventListener("click", openCommands);
    $("newcomer").addEventListener("click", () => newcomer(null));
    $("drawer-toggle").addEventListener("click", () =>
      document.body.classList.contains("drawer-open") ? closeDrawer() : openDrawer());
    $("scrim").addEventListener("click", closeDrawer);
    $("alert-ok").addEventListener("click", () => ($("alert").hidden = true));
    for (const button of document.querySelectorAll(".jump")) {
      button.addEventListener("click", () => jump(button.dataset.target, button));
    }
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => switchLanguage(button.dataset.lang === "en" ? "en" : "vi"));
    }
    document.addEventListener("visibilitychange", () => {
      if (document.hidden || !S.poll) startPolling();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeCommands();
        closeDrawer();
        $("alert").hidden = true;
      }
    });
  }

  function autosize() {
    const input = $("input");
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  async function main() {
    wire();
    applyLanguage();
    for (let attempt = 0; attempt < 120 && !(await refreshState()); attempt += 1) await sleep(1000);
    if (!S.chosen) {
      // Whoever was chosen last time, unless someone was picked while the page loaded.
      if (S.personaId && persona(S.personaId)) selectPersona(S.personaId);
      else {
        selectPersona(null);
        if (window.matchMedia("(max-width: 760px)").matches) openDrawer();
      }
    }
    setInterval(renderClock, 1000);
    setInterval(refreshState, 30000);
    document.body.dataset.ready = "true";
  }

  main();
})();
