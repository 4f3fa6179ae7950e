// Live rooms: one reconnecting websocket per tab (LiveConnection) and a chat component (ChatPanel)
// that any room kind reuses with its own channel (session rooms, breakouts, tables, meetings, DMs).
// User text only ever reaches the page through textContent.

import { el, uniqueId } from "./dom.js";

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
// Some proxies drop sockets that stay silent for 30-60 s, and a dead link is only noticed on write.
const PING_EVERY_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
const CONNECT_TIMEOUT_MS = 10000;
const REQUEST_TIMEOUT_MS = 15000;
const MAX_BODY_CHARS = 2000;

export { el, uniqueId };

/**
 * An embedded player with a link before it that jumps past it: a keyboard user is never stuck inside a
 * frame whose focus order is not ours. Returns [skip link, frame, landing point].
 */
export function skippable(frame, label = t("Skip past the video")) {
  const after = uniqueId("after-frame");
  return [
    el("a", { class: "skip-past", href: `#${after}`, text: label }),
    frame,
    el("span", { id: after, tabindex: "-1" }),
  ];
}

/** The page's translation of `message` ("Text {name}" with `values`), through app.js's catalog. */
export function t(message, values) {
  const site = window.conference;
  if (site && site.t) return site.t(message, values);
  return message.replace(/\{(\w+)\}/g, (match, key) => (values && key in values ? String(values[key]) : match));
}

/** The plural form for `n` (`{n}` in the text is the number, formatted for the page's language). */
export function tn(singular, plural, n, values) {
  const site = window.conference;
  if (site && site.tn) return site.tn(singular, plural, n, values);
  return t(n === 1 ? singular : plural, { n, ...values });
}

// Times in the page's language (the <html lang>), not the browser's, so a page reads in one language.
const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : timeFormat.format(date);
}

function randomId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

/** A failed request: `code` is the server's error code (forbidden, invalid, muted, ...). */
export class LiveError extends Error {
  constructor(code, message, frame = {}) {
    super(message || code);
    this.code = code;
    this.frame = frame;
  }
}

/**
 * One websocket per tab, shared by every component on the page.
 *
 * - reconnects with exponential back-off and full jitter, and at once when the browser is back online;
 * - re-joins every channel with `since` = the last message id seen, so nothing is missed or repeated;
 * - keeps chat sends in an outbox until acknowledged and re-sends them (same `client_id`) after a
 *   reconnect; the server acknowledges a repeated `client_id` with the first id.
 *
 * Events (EventTarget): "status" {state, retryInMs, attempt}, "frame" (every server frame),
 * and one event per frame type for frames without a channel ("announcement", "notification", ...).
 */
export class LiveConnection extends EventTarget {
  static #shared = null;

  /** The tab's connection (created on first use). */
  static shared(options) {
    LiveConnection.#shared ??= new LiveConnection(options);
    return LiveConnection.#shared;
  }

  constructor({ url = defaultUrl(), meUrl = "/api/v1/me" } = {}) {
    super();
    this.url = url;
    this.meUrl = meUrl;
    this.state = "idle";
    this.socket = null;
    this.attempt = 0;
    this.channels = new Map(); // name -> {listeners: Set, lastId, joined, snapshots: the last `joined`}
    this.pending = new Map(); // ref -> {resolve, reject, timer}
    this.outbox = new Map(); // client_id -> chat.send frame, in send order
    this.nextRef = 1;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.retryAt = 0;
    window.addEventListener("online", () => this.retryNow());
    // Going offline does not always close a socket at once; close it so that the page says so and
    // resumes cleanly when the network is back.
    window.addEventListener("offline", () => this.#drop("offline"));
  }

  /** Open the connection if it is not open or opening. */
  start() {
    if (this.state === "idle" || this.state === "closed") this.#connect();
    return this;
  }

  /** Stop waiting for the back-off and try now (the "Retry now" button, the browser coming online). */
  retryNow() {
    if (this.state === "unauthorized") return;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.#connect();
  }

  /**
   * Listen to every frame of `channel` (joined, chat.message, presence, question, poll, ...).
   * The first subscription joins the channel; returns a function that unsubscribes (and leaves when
   * nobody listens any more). A late subscriber gets the last `joined` at once.
   */
  subscribe(channel, listener) {
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), lastId: null, joined: false, snapshots: new Map() };
      this.channels.set(channel, entry);
      if (this.state === "open") this.#join(channel, entry);
    }
    entry.listeners.add(listener);
    const replay = [...entry.snapshots.values()];
    if (replay.length) queueMicrotask(() => replay.forEach((frame) => listener(frame)));
    this.start();
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) {
        this.channels.delete(channel);
        if (this.state === "open") this.#write({ type: "leave", channel });
      }
    };
  }

  /** Send a frame and wait for the reply carrying the same `ref` (rejects with LiveError). */
  request(frame, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
    if (this.state !== "open") {
      return Promise.reject(new LiveError("offline", "Not connected to the live room right now."));
    }
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new LiveError("timeout", "The server did not answer in time."));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.#write({ ...frame, ref });
    });
  }

  /**
   * Send a chat message. Returns its client_id at once; the message goes out now or after the next
   * reconnect. The channel's listeners get `chat.message` (with this client_id) when it is stored, or
   * a local `chat.failed` {channel, client_id, error} when the server refuses it.
   */
  sendChat(channel, body, clientId = randomId()) {
    const frame = { type: "chat.send", channel, body, client_id: clientId };
    this.outbox.set(clientId, frame);
    const entry = this.channels.get(channel);
    if (this.state === "open" && entry?.joined) this.#sendChat(frame);
    return clientId;
  }

  /** Forget an unsent chat message (the user discarded it). */
  discardChat(clientId) {
    this.outbox.delete(clientId);
  }

  lastId(channel) {
    return this.channels.get(channel)?.lastId ?? null;
  }

  // --- connection life cycle ---------------------------------------------------------------------

  #setState(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("status", { detail: { state, attempt: this.attempt, ...extra } }));
  }

  #connect() {
    clearTimeout(this.retryTimer);
    if (!navigator.onLine) {
      this.#setState("offline");
      return;
    }
    this.#setState(this.attempt === 0 ? "connecting" : "reconnecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.#scheduleRetry(false);
      return;
    }
    this.socket = socket;
    let opened = false;
    const connectTimer = setTimeout(() => socket.close(), CONNECT_TIMEOUT_MS);
    socket.addEventListener("open", () => {
      clearTimeout(connectTimer);
      opened = true;
      this.attempt = 0;
      this.#setState("open");
      this.#startHeartbeat();
      for (const [channel, entry] of this.channels) this.#join(channel, entry);
    });
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", (event) => {
      clearTimeout(connectTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      this.#stopHeartbeat();
      this.#failPending();
      for (const entry of this.channels.values()) entry.joined = false;
      if (event.code === 4401) {
        this.#setState("unauthorized");
        return;
      }
      this.#scheduleRetry(opened);
    });
  }

  #drop(reason) {
    const socket = this.socket;
    if (!socket) {
      if (reason === "offline") {
        clearTimeout(this.retryTimer);
        this.#setState("offline");
      }
      return;
    }
    this.socket = null;
    this.#stopHeartbeat();
    this.#failPending();
    for (const entry of this.channels.values()) entry.joined = false;
    socket.close();
    if (reason === "offline") {
      clearTimeout(this.retryTimer);
      this.#setState("offline");
    } else {
      this.#scheduleRetry(true);
    }
  }

  async #scheduleRetry(wasOpen) {
    if (!navigator.onLine) {
      this.#setState("offline");
      return;
    }
    this.attempt += 1;
    if (!wasOpen && this.attempt >= 2 && (await this.#signedOut())) {
      this.#setState("unauthorized");
      return;
    }
    // Full jitter: a server restart must not see every tab come back in the same millisecond.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.attempt - 1));
    const delay = wasOpen && this.attempt === 1 ? Math.random() * BACKOFF_BASE_MS : Math.random() * ceiling;
    this.retryAt = Date.now() + delay;
    this.#setState(wasOpen ? "reconnecting" : "failed", { retryInMs: delay });
    this.retryTimer = setTimeout(() => this.#connect(), delay);
  }

  /** A refused handshake looks like any network failure in the browser; ask the API why. */
  async #signedOut() {
    try {
      const response = await fetch(this.meUrl, { credentials: "same-origin" });
      return response.status === 401;
    } catch {
      return false;
    }
  }

  #startHeartbeat() {
    this.#stopHeartbeat();
    this.pingTimer = setInterval(() => {
      this.#write({ type: "ping" });
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.#drop("silent"), PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  #stopHeartbeat() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  #failPending() {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new LiveError("offline", "The connection was lost; try again in a moment."));
    }
    this.pending.clear();
  }

  #write(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  #join(channel, entry) {
    const frame = { type: "join", channel };
    if (entry.lastId !== null) frame.since = entry.lastId;
    this.request(frame).catch((error) => {
      if (error.code === "offline" || error.code === "timeout") return;
      this.#deliver(channel, { type: "join.failed", channel, code: error.code, message: error.message });
    });
  }

  #sendChat(frame) {
    this.request(frame).catch((error) => {
      // Lost connections keep the message in the outbox: it goes out again after the reconnect.
      if (error.code === "offline" || error.code === "timeout") return;
      this.outbox.delete(frame.client_id);
      this.#deliver(frame.channel, { type: "chat.failed", channel: frame.channel, client_id: frame.client_id, error });
    });
  }

  // --- incoming frames ---------------------------------------------------------------------------

  #receive(data) {
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
      if (frame && typeof frame === "object") this.#handle(frame);
    }
  }

  #handle(frame) {
    if (frame.type === "pong") {
      clearTimeout(this.pongTimer);
      return;
    }
    const waiting = frame.ref !== undefined ? this.pending.get(String(frame.ref)) : undefined;
    if (waiting) {
      this.pending.delete(String(frame.ref));
      clearTimeout(waiting.timer);
      if (frame.type === "error") waiting.reject(new LiveError(frame.code, frame.message, frame));
      else waiting.resolve(frame);
    }
    if (frame.type === "ack" && frame.client_id) this.outbox.delete(frame.client_id);
    this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    if (frame.type === "joined") this.#joined(frame);
    else if (frame.channel && this.channels.has(frame.channel)) {
      if (frame.type === "chat.message") this.#seen(frame.channel, frame);
      this.#deliver(frame.channel, frame);
    } else if (frame.type !== "error" || !waiting) {
      this.dispatchEvent(new CustomEvent(frame.type, { detail: frame }));
    }
  }

  #seen(channel, message) {
    const entry = this.channels.get(channel);
    if (entry && typeof message.id === "number" && (entry.lastId === null || message.id > entry.lastId)) {
      entry.lastId = message.id;
    }
    if (message.client_id) this.outbox.delete(message.client_id);
  }

  #joined(frame) {
    const entry = this.channels.get(frame.channel);
    if (!entry) return;
    entry.joined = true;
    for (const message of frame.history ?? []) this.#seen(frame.channel, message);
    if (typeof frame.last_id === "number" && (entry.lastId === null || frame.last_id > entry.lastId)) {
      entry.lastId = frame.last_id;
    }
    entry.snapshots.set("joined", frame);
    this.#deliver(frame.channel, frame);
    for (const message of this.outbox.values()) {
      if (message.channel === frame.channel) this.#sendChat(message);
    }
  }

  #deliver(channel, frame) {
    const entry = this.channels.get(channel);
    if (!entry) return;
    for (const listener of [...entry.listeners]) {
      try {
        listener(frame);
      } catch (error) {
        console.error("live room listener failed", error);
      }
    }
  }
}

/**
 * Says a countdown to screen readers without chattering: the minutes left when a new minute starts, the
 * last 10 seconds once, and the end. `region` is a polite live region; the visible clock stays silent.
 */
export class CountdownAnnouncer {
  constructor(region) {
    this.region = region;
    this.said = null;
  }

  update(secondsLeft) {
    let key;
    let text;
    if (secondsLeft <= 0) {
      key = "end";
      text = t("Time is up.");
    } else if (secondsLeft <= 10) {
      key = "10s";
      text = t("10 seconds left.");
    } else {
      const minutes = Math.ceil(secondsLeft / 60);
      key = `${minutes}m`;
      text = tn("{n} minute left.", "{n} minutes left.", minutes);
    }
    if (key === this.said || !this.region) return;
    this.said = key;
    this.region.textContent = text;
  }

  reset() {
    this.said = null;
  }
}

/** Plain-language text for a connection state (shared by every room's status line). */
export function describeStatus({ state, retryInMs }) {
  const seconds = retryInMs ? Math.max(1, Math.round(retryInMs / 1000)) : 0;
  switch (state) {
    case "connecting":
      return { tone: "info", text: t("Connecting to the live room…") };
    case "open":
      return { tone: "ok", text: t("Live") };
    case "reconnecting":
      return { tone: "warn", text: seconds ? t("Connection lost. Reconnecting in {seconds} s…", { seconds }) : t("Reconnecting…"), retry: true };
    case "failed":
      return {
        tone: "error",
        text: t("Can't connect to the live room. Check your connection; retrying in {seconds} s. The rest of this page still works.", { seconds }),
        retry: true,
      };
    case "offline":
      return { tone: "warn", text: t("You are offline. Messages you send will go out when you are back.") };
    case "unauthorized":
      return { tone: "error", text: t("Your session has ended. Sign in again to rejoin the live room."), signIn: true };
    default:
      return { tone: "info", text: "" };
  }
}

/**
 * A chat for one channel: the message log (an aria-live "log" that never takes focus), an unread
 * marker, a pause-auto-scroll button, optimistic sends, and moderator tools.
 *
 *   new ChatPanel(element, {connection, channel, viewer: {id, name, moderator}, label: "Chat"})
 */
export class ChatPanel extends EventTarget {
  constructor(root, { connection, channel, viewer, label = t("Chat"), historyUrl = "/api/v1/rooms", titleBadge = false }) {
    super();
    this.root = root;
    this.connection = connection;
    this.channel = channel;
    this.viewer = viewer;
    this.historyUrl = `${historyUrl}/${encodeURIComponent(channel)}/messages`;
    this.titleBadge = titleBadge;
    this.baseTitle = document.title;
    this.byId = new Map(); // message id -> li
    this.byClientId = new Map(); // client_id -> li (own messages not yet stored)
    this.unread = 0;
    this.divider = null;
    this.paused = false;
    this.mutedUntil = null;
    this.slowMode = 0;
    this.nextSendAt = 0;
    this.firstId = null;
    this.joinedOnce = false;
    this.#render(label);
    connection.addEventListener("status", () => this.refreshPending());
    this.unsubscribe = connection.subscribe(channel, (frame) => this.#onFrame(frame));
    document.addEventListener("visibilitychange", () => this.#maybeRead());
  }

  destroy() {
    this.unsubscribe();
    this.root.replaceChildren();
  }

  /** How many messages arrived since the person last looked at the bottom of the log. */
  get unreadCount() {
    return this.unread;
  }

  // --- DOM ---------------------------------------------------------------------------------------

  #render(label) {
    const inputId = uniqueId("chat-input");
    const hintId = uniqueId("chat-hint");
    this.presence = el("span", { class: "chat__presence", text: "" });
    this.notice = el("p", { class: "chat__notice", role: "status", hidden: true });
    this.pauseButton = el("button", {
      type: "button",
      class: "button button--quiet chat__pause",
      "aria-pressed": "false",
      text: t("Pause auto-scroll"),
      onclick: () => this.setPaused(!this.paused),
    });
    this.earlierButton = el("button", {
      type: "button",
      class: "button button--quiet chat__earlier",
      hidden: true,
      text: t("Load earlier messages"),
      onclick: () => this.#loadEarlier(),
    });
    // A list that is also a polite live region (not role="log": that role would hide the list and its
    // items from screen readers; axe flags the orphaned <li>s).
    this.log = el("ol", {
      class: "chat__log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": t("{room} messages", { room: label }),
      tabindex: "0",
    });
    this.empty = el("li", { class: "chat__empty", text: t("No messages yet. Say hello!") });
    this.log.append(this.empty);
    this.jumpButton = el("button", {
      type: "button",
      class: "chat__jump",
      hidden: true,
      onclick: () => this.scrollToLatest(),
    });
    this.input = el("textarea", {
      id: inputId,
      class: "chat__input",
      rows: "2",
      maxlength: String(MAX_BODY_CHARS),
      placeholder: t("Write a message…"),
      "aria-describedby": hintId,
      autocomplete: "off",
    });
    this.sendButton = el("button", { type: "submit", class: "button button--primary chat__send", text: t("Send") });
    this.hint = el("p", { id: hintId, class: "chat__hint", text: t("Enter to send, Shift+Enter for a new line.") });
    this.form = el(
      "form",
      { class: "chat__form", onsubmit: (event) => this.#submit(event) },
      el("label", { for: inputId, class: "visually-hidden", text: t("Message to {room}", { room: label.toLowerCase() }) }),
      this.input,
      this.sendButton,
      this.hint,
    );
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    const tools = [this.pauseButton, this.earlierButton];
    if (this.viewer.moderator) tools.push(this.#slowModeControl());
    this.log.addEventListener("scroll", () => this.#maybeRead(), { passive: true });
    this.reportDialog = this.#reportDialog();
    this.root.classList.add("chat");
    this.root.replaceChildren(
      el("div", { class: "chat__toolbar" }, this.presence, el("div", { class: "chat__tools" }, tools)),
      this.notice,
      el("div", { class: "chat__scroller" }, this.log, this.jumpButton),
      this.form,
      this.reportDialog,
    );
  }

  #slowModeControl() {
    const id = uniqueId("slow-mode");
    this.slowSelect = el(
      "select",
      { id, class: "chat__slow-select" },
      [0, 5, 10, 30, 60, 120].map((s) => el("option", { value: String(s), text: s ? t("{seconds} s", { seconds: s }) : t("Off") })),
    );
    this.slowSelect.addEventListener("change", async () => {
      const seconds = Number(this.slowSelect.value);
      try {
        await this.connection.request({ type: "moderation.slow_mode", channel: this.channel, seconds });
      } catch (error) {
        this.#say(error.message, "error");
      }
    });
    return el("span", { class: "chat__slow" }, el("label", { for: id, text: t("Slow mode") }), this.slowSelect);
  }

  #reportDialog() {
    const reasonId = uniqueId("report-reason");
    const reason = el("textarea", { id: reasonId, rows: "3", maxlength: "500" });
    const dialog = el(
      "dialog",
      { class: "chat__dialog", "aria-labelledby": `${reasonId}-title` },
      el(
        "form",
        { method: "dialog" },
        el("h3", { id: `${reasonId}-title`, text: t("Report this message to the moderators") }),
        el("p", { class: "chat__dialog-quote" }),
        el("label", { for: reasonId, text: t("What is wrong with it? (optional)") }),
        reason,
        el(
          "div",
          { class: "chat__dialog-actions" },
          el("button", { value: "cancel", class: "button button--quiet", text: t("Cancel") }),
          el("button", { value: "report", class: "button button--primary", text: t("Report") }),
        ),
      ),
    );
    dialog.addEventListener("close", async () => {
      const messageId = Number(dialog.dataset.messageId);
      if (dialog.returnValue !== "report" || !messageId) return;
      try {
        await this.connection.request({ type: "chat.report", channel: this.channel, id: messageId, reason: reason.value });
        this.#say(t("Thank you. The moderators will look at it."), "ok");
      } catch (error) {
        this.#say(error.message, "error");
      }
    });
    return dialog;
  }

  #messageItem(message) {
    const own = message.user?.id === this.viewer.id;
    const item = el(
      "li",
      { class: own ? "msg msg--own" : "msg", dataset: { id: message.id ?? "", clientId: message.client_id ?? "" } },
      el(
        "div",
        { class: "msg__meta" },
        el("span", { class: "msg__author", text: own ? t("{name} (you)", { name: message.user.name }) : message.user?.name ?? t("Someone") }),
        el("time", { class: "msg__time", datetime: message.ts ?? "", text: message.ts ? formatTime(message.ts) : "" }),
        el("span", { class: "msg__state", text: "" }),
      ),
      el("p", { class: "msg__body", text: message.body }),
    );
    if (typeof message.id === "number") this.#addActions(item, message, own);
    return item;
  }

  #addActions(item, message, own) {
    const actions = el("div", { class: "msg__actions" });
    const who = message.user?.name ?? "someone";
    if (own || this.viewer.moderator) {
      actions.append(
        el("button", {
          type: "button",
          class: "msg__action",
          text: t("Delete"),
          "aria-label": t("Delete message from {name}", { name: who }),
          onclick: () => this.#delete(message.id),
        }),
      );
    }
    if (!own) {
      actions.append(
        el("button", {
          type: "button",
          class: "msg__action",
          text: t("Report"),
          "aria-label": t("Report message from {name}", { name: who }),
          onclick: () => this.#openReport(message),
        }),
      );
    }
    if (!own && this.viewer.moderator && message.user?.id) {
      actions.append(
        el("button", {
          type: "button",
          class: "msg__action",
          text: t("Mute 10 min"),
          "aria-label": `Mute ${who} for 10 minutes`,
          onclick: () => this.#mute(message.user, 10),
        }),
      );
    }
    item.querySelector(".msg__actions")?.remove();
    if (actions.childElementCount) item.append(actions);
  }

  // --- incoming ------------------------------------------------------------------------------------

  #onFrame(frame) {
    switch (frame.type) {
      case "joined":
        this.#onJoined(frame);
        break;
      case "chat.message":
        this.#addMessage(frame, { live: true });
        break;
      case "chat.deleted":
        this.#markDeleted(frame.id);
        break;
      case "chat.failed":
        this.#markFailed(frame.client_id, frame.error);
        break;
      case "presence":
        this.#setPresence(frame.count);
        break;
      case "moderation.muted":
        // Moderators get the same event as the answer to their own mute command.
        if (frame.user_id === this.viewer.id) this.#setMuted(frame.until);
        break;
      case "moderation.report":
        this.#onReport(frame);
        break;
      case "moderation.slow_mode":
        this.#setSlowMode(frame.seconds, true);
        break;
      case "join.failed":
        this.#say(frame.message || t("You cannot join this room."), "error");
        this.form.hidden = true;
        break;
      default:
        break;
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
  }

  #onJoined(frame) {
    this.form.hidden = false;
    const live = this.joinedOnce; // a resume: what arrives now is news
    this.joinedOnce = true;
    for (const message of frame.history ?? []) this.#addMessage(message, { live });
    if (this.firstId === null && frame.history?.length) this.firstId = frame.history[0].id;
    this.earlierButton.hidden = !(frame.truncated && !live);
    if (frame.presence) this.#setPresence(frame.presence.count);
    // The live room adds these to `joined` only when they apply.
    this.#setSlowMode(frame.slow_mode ?? 0, false);
    this.#setMuted(frame.muted_until ?? null);
    if (!live) this.scrollToLatest();
  }

  #setPresence(count) {
    if (typeof count !== "number") return;
    this.presence.textContent = `${count} ${count === 1 ? "person" : "people"} here`;
  }

  #addMessage(message, { live }) {
    if (typeof message.id !== "number" || this.byId.has(message.id)) return;
    const pendingItem = message.client_id ? this.byClientId.get(message.client_id) : undefined;
    const item = this.#messageItem(message);
    if (pendingItem) {
      this.byClientId.delete(message.client_id);
      pendingItem.remove();
    }
    this.byId.set(message.id, item);
    this.empty.remove();
    const stick = this.#atBottom();
    this.#insertInOrder(item, message.id);
    const own = message.user?.id === this.viewer.id;
    if (live && !own && (document.hidden || !stick || this.paused)) this.#countUnread(item);
    if (own) this.#clearUnread(true);
    if ((stick && !this.paused) || own) this.scrollToLatest();
    this.#updateJump();
  }

  #insertInOrder(item, id) {
    // Stored messages go in id order, before own messages still waiting for the server.
    let before = null;
    for (let node = this.log.lastElementChild; node; node = node.previousElementSibling) {
      const waiting = node.classList.contains("msg--pending") || node.classList.contains("msg--failed");
      const nodeId = Number(node.dataset.id);
      if (!waiting && !(nodeId && nodeId > id)) break;
      before = node;
    }
    this.log.insertBefore(item, before);
  }

  #countUnread(item) {
    this.unread += 1;
    if (this.unread === 1) {
      this.divider?.remove();
      this.divider = el("li", { class: "chat__divider", role: "separator", "aria-label": t("New messages") }, el("span", { text: t("New messages") }));
      this.log.insertBefore(this.divider, item);
    }
    this.#updateJump();
    this.dispatchEvent(new CustomEvent("unread", { detail: { count: this.unread } }));
  }

  #clearUnread(removeDivider = false) {
    if (removeDivider) {
      this.divider?.remove();
      this.divider = null;
    }
    if (this.unread === 0) return;
    this.unread = 0;
    this.#updateJump();
    this.dispatchEvent(new CustomEvent("unread", { detail: { count: 0 } }));
  }

  #maybeRead() {
    if (!document.hidden && this.#atBottom() && this.root.offsetParent !== null) this.#clearUnread();
    this.#updateJump();
  }

  /** Called by a surrounding tab control when this panel becomes visible. */
  shown() {
    if (!this.paused) this.scrollToLatest();
    this.#maybeRead();
  }

  #updateJump() {
    const away = !this.#atBottom();
    this.jumpButton.hidden = !(away || this.unread > 0) || this.byId.size === 0;
    this.jumpButton.textContent = this.unread > 0 ? tn("{n} new message ↓", "{n} new messages ↓", this.unread) : t("Jump to latest ↓");
    if (this.titleBadge) document.title = this.unread > 0 ? `(${this.unread}) ${this.baseTitle}` : this.baseTitle;
  }

  #atBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
  }

  scrollToLatest() {
    this.log.scrollTop = this.log.scrollHeight;
    this.#maybeRead();
  }

  setPaused(paused) {
    this.paused = paused;
    this.pauseButton.setAttribute("aria-pressed", String(paused));
    this.pauseButton.textContent = paused ? t("Resume auto-scroll") : t("Pause auto-scroll");
    if (!paused) this.scrollToLatest();
  }

  #markDeleted(id) {
    const item = this.byId.get(id);
    if (!item) return;
    item.classList.add("msg--deleted");
    item.querySelector(".msg__body").textContent = "This message was deleted.";
    item.querySelector(".msg__actions")?.remove();
  }

  #onReport(report) {
    const item = this.byId.get(report.message_id);
    if (item && !item.querySelector(".msg__flag")) {
      item.querySelector(".msg__meta").append(el("span", { class: "msg__flag", text: "Reported" }));
    }
    const reason = report.reason ? `: “${report.reason}”` : "";
    const reporter = report.reporter?.name ?? t("Someone");
    this.#say(t("{name} reported a message", { name: reporter }) + reason, "warn");
  }

  #say(text, tone = "info") {
    this.notice.textContent = text;
    this.notice.dataset.tone = tone;
    this.notice.hidden = !text;
  }

  // --- sending -------------------------------------------------------------------------------------

  #submit(event) {
    event.preventDefault();
    const body = this.input.value.trim();
    if (!body) return;
    if (body.length > MAX_BODY_CHARS) {
      this.#say(t("Messages can be at most {count} characters.", { count: MAX_BODY_CHARS }), "error");
      return;
    }
    if (this.mutedUntil && this.mutedUntil > Date.now()) return;
    const wait = this.nextSendAt - Date.now();
    if (wait > 0) {
      this.#say(t("Slow mode is on: you can send again in {seconds} s.", { seconds: Math.ceil(wait / 1000) }), "warn");
      return;
    }
    const clientId = this.connection.sendChat(this.channel, body);
    const item = this.#messageItem({ body, client_id: clientId, user: { id: this.viewer.id, name: this.viewer.name } });
    item.classList.add("msg--pending");
    this.#setItemState(item);
    this.byClientId.set(clientId, item);
    this.empty.remove();
    this.log.append(item);
    this.input.value = "";
    this.#clearUnread(true);
    this.scrollToLatest();
    if (this.slowMode && !this.viewer.moderator) this.#startSlowCountdown(this.slowMode);
  }

  #setItemState(item) {
    const state = item.querySelector(".msg__state");
    state.textContent = this.connection.state === "open" ? t("Sending…") : t("Waiting for the connection…");
  }

  #markFailed(clientId, error) {
    const item = this.byClientId.get(clientId);
    if (!item) return;
    item.classList.remove("msg--pending");
    item.classList.add("msg--failed");
    item.querySelector(".msg__state").textContent = `Not sent: ${error.message}`;
    const body = item.querySelector(".msg__body").textContent;
    const actions = el(
      "div",
      { class: "msg__actions msg__actions--visible" },
      el("button", {
        type: "button",
        class: "msg__action",
        text: t("Try again"),
        onclick: () => {
          item.remove();
          this.byClientId.delete(clientId);
          this.input.value = body;
          this.input.focus();
        },
      }),
      el("button", {
        type: "button",
        class: "msg__action",
        text: t("Discard"),
        onclick: () => {
          item.remove();
          this.byClientId.delete(clientId);
        },
      }),
    );
    item.append(actions);
    if (error.code === "muted") this.#say(error.message, "error");
    if (error.code === "rate_limited" && error.frame?.retry_after) this.#startSlowCountdown(error.frame.retry_after);
  }

  refreshPending() {
    for (const item of this.byClientId.values()) if (item.classList.contains("msg--pending")) this.#setItemState(item);
  }

  async #delete(id) {
    try {
      await this.connection.request({ type: "chat.delete", channel: this.channel, id });
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  #openReport(message) {
    this.reportDialog.dataset.messageId = String(message.id);
    this.reportDialog.querySelector(".chat__dialog-quote").textContent = `“${message.body}” — ${message.user?.name ?? ""}`;
    this.reportDialog.querySelector("textarea").value = "";
    this.reportDialog.showModal();
  }

  async #mute(user, minutes) {
    try {
      await this.connection.request({ type: "moderation.mute", channel: this.channel, user_id: user.id, minutes });
      this.#say(t("{name} is muted here for {minutes} minutes.", { name: user.name, minutes }), "ok");
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  #setMuted(until) {
    clearTimeout(this.muteTimer);
    this.mutedUntil = until ? new Date(until).getTime() : null;
    const muted = this.mutedUntil && this.mutedUntil > Date.now();
    this.input.disabled = Boolean(muted);
    this.sendButton.disabled = Boolean(muted);
    if (muted) {
      this.#say(t("A moderator muted you in this room until {time}.", { time: formatTime(until) }), "error");
      this.notice.dataset.muted = "true"; // the text is translated: remember what it says another way
      this.muteTimer = setTimeout(() => this.#setMuted(null), Math.min(this.mutedUntil - Date.now(), 2 ** 31 - 1));
    } else if (this.notice.dataset.muted === "true") {
      delete this.notice.dataset.muted;
      this.#say("");
    }
  }

  #setSlowMode(seconds, announce) {
    const before = this.slowMode;
    this.slowMode = Number(seconds) || 0;
    if (before === this.slowMode) announce = false;
    if (this.slowSelect) this.slowSelect.value = String(this.slowMode);
    this.hint.textContent = this.slowMode
      ? t("Slow mode: one message every {seconds} s. Enter to send, Shift+Enter for a new line.", { seconds: this.slowMode })
      : t("Enter to send, Shift+Enter for a new line.");
    if (announce) this.#say(this.slowMode ? t("Slow mode is on: one message every {seconds} s.", { seconds: this.slowMode }) : t("Slow mode is off."), "info");
  }

  #startSlowCountdown(seconds) {
    this.nextSendAt = Date.now() + seconds * 1000;
    clearInterval(this.slowTimer);
    const tick = () => {
      const left = Math.ceil((this.nextSendAt - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(this.slowTimer);
        this.sendButton.disabled = Boolean(this.mutedUntil && this.mutedUntil > Date.now());
        this.sendButton.textContent = t("Send");
        return;
      }
      this.sendButton.disabled = true;
      this.sendButton.textContent = `Wait ${left} s`;
    };
    tick();
    this.slowTimer = setInterval(tick, 500);
  }

  async #loadEarlier() {
    if (this.firstId === null) return;
    this.earlierButton.disabled = true;
    try {
      const response = await fetch(`${this.historyUrl}?before=${this.firstId}&limit=50`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      const messages = Array.isArray(body) ? body : body.messages ?? [];
      const height = this.log.scrollHeight;
      for (const message of messages) this.#addMessage(message, { live: false });
      this.log.scrollTop += this.log.scrollHeight - height; // keep what the person was reading in place
      if (messages.length) this.firstId = Math.min(this.firstId, ...messages.map((m) => m.id));
      this.earlierButton.hidden = messages.length < 50;
    } catch {
      this.#say(t("Could not load earlier messages; try again."), "error");
    } finally {
      this.earlierButton.disabled = false;
    }
  }
}
