// The live room of a session page: status line, chat, Q&A, polls, reactions and presence, on the
// tab's shared LiveConnection. Mounted on every element with [data-live-room].

import { ChatPanel, LiveConnection, describeStatus, el, formatTime, t, tn, uniqueId } from "./live.js";

const STATUS_LABELS = {
  pending: t("Awaiting approval"),
  hidden: t("Hidden"),
  answered: t("Answered"),
  pinned: t("Pinned"),
};
const REACTION_NAMES = {
  "👏": t("Applause"),
  "❤️": t("Love it"),
  "👍": t("Agree"),
  "😂": t("Funny"),
  "😮": t("Surprising"),
  "🎉": t("Celebrate"),
};
const PUBLIC = new Set(["visible", "approved", "answered", "pinned"]);
// Counts cover 10 s and a process pushes its decay to zero; this only guards against a lost push.
const SOURCE_QUIET_MS = 12000;

/** Q&A: ask, vote (once; not one's own), and moderator controls. */
export class QAPanel extends EventTarget {
  constructor(root, { connection, channel, viewer, moderated = false }) {
    super();
    this.root = root;
    this.connection = connection;
    this.channel = channel;
    this.viewer = viewer;
    this.moderated = moderated;
    this.questions = new Map(); // id -> question
    this.items = new Map(); // id -> li
    this.voted = new Set();
    this.#render();
    this.unsubscribe = connection.subscribe(channel, (frame) => this.#onFrame(frame));
  }

  #render() {
    const inputId = uniqueId("qa-input");
    this.input = el("textarea", { id: inputId, rows: "2", maxlength: "2000", placeholder: t("Ask the speakers a question…") });
    this.notice = el("p", { class: "qa__notice", role: "status", hidden: true });
    this.form = el(
      "form",
      { class: "qa__form", onsubmit: (event) => this.#ask(event) },
      el("label", { for: inputId, class: "visually-hidden", text: t("Your question") }),
      this.input,
      el("button", { type: "submit", class: "button button--primary", text: t("Ask") }),
      this.moderated
        ? el("p", { class: "qa__hint", text: t("Questions are reviewed by a moderator before everyone sees them.") })
        : null,
    );
    this.list = el("ol", { class: "qa__list", "aria-label": t("Questions") });
    this.empty = el("p", { class: "qa__empty", text: t("No questions yet. Be the first to ask.") });
    this.root.classList.add("qa");
    this.root.replaceChildren(this.form, this.notice, this.empty, this.list);
  }

  #say(text, tone = "info") {
    this.notice.textContent = text;
    this.notice.dataset.tone = tone;
    this.notice.hidden = !text;
  }

  #onFrame(frame) {
    if (frame.type === "joined") {
      // `joined` lists the questions the person may see now (no list: there are none).
      const listed = frame.questions ?? [];
      const ids = new Set(listed.map((question) => question.id));
      for (const id of [...this.questions.keys()]) if (!ids.has(id)) this.#remove(id);
      for (const question of listed) {
        if (question.voted) this.voted.add(question.id);
        this.#upsert(question, false);
      }
      this.#reorder();
    } else if (frame.type === "question") {
      this.#upsert(frame, true);
      this.#reorder();
    }
  }

  #mayShow(question) {
    return PUBLIC.has(question.status) || this.viewer.moderator || question.user?.id === this.viewer.id;
  }

  #upsert(question, live) {
    const known = this.questions.get(question.id);
    // Two updates can cross on the way (a snapshot read before an event): keep the newest.
    if (known && (question.version ?? 0) < (known.version ?? 0)) return;
    // People who may no longer see a question get it without its text (body null): keep what we had.
    const merged = question.body === null ? (known ? { ...known, status: question.status, votes: question.votes } : null) : question;
    if (!merged || !this.#mayShow(merged)) {
      this.#remove(question.id);
      return;
    }
    if (question.voted) this.voted.add(question.id);
    if (merged.user?.id === this.viewer.id && PUBLIC.has(merged.status) && this.notice.dataset.tone === "wait") {
      this.#say(""); // the "awaiting approval" thanks is out of date once it is approved
    }
    this.questions.set(merged.id, merged);
    const item = this.#item(merged);
    const old = this.items.get(merged.id);
    // Keep keyboard focus on the same control (or the question's first one) across the re-render.
    const focused = old?.contains(document.activeElement) ? document.activeElement : null;
    if (old) old.replaceWith(item);
    else this.list.append(item);
    this.items.set(merged.id, item);
    if (focused) {
      const same = item.querySelector(`[data-question-action="${focused.dataset.questionAction}"]`);
      (same && !same.disabled ? same : item.querySelector("button:not(:disabled)"))?.focus();
    }
    if (live && !known) this.dispatchEvent(new CustomEvent("news"));
  }

  #remove(id) {
    this.items.get(id)?.remove();
    this.items.delete(id);
    this.questions.delete(id);
  }

  #rank(question) {
    if (question.status === "pinned") return 0;
    if (question.status === "pending") return 1;
    if (question.status === "answered") return 3;
    if (question.status === "hidden") return 4;
    return 2;
  }

  #reorder() {
    const focused = document.activeElement;
    const sorted = [...this.questions.values()].sort(
      (a, b) => this.#rank(a) - this.#rank(b) || b.votes - a.votes || a.id - b.id,
    );
    sorted.forEach((question, index) => {
      const item = this.items.get(question.id);
      if (this.list.children[index] !== item) this.list.insertBefore(item, this.list.children[index] ?? null);
    });
    // Moving a node blurs it: give focus back.
    if (focused && document.activeElement !== focused && this.list.contains(focused)) focused.focus();
    this.empty.hidden = this.questions.size > 0;
  }

  #item(question) {
    const own = question.user?.id === this.viewer.id;
    const voted = this.voted.has(question.id);
    const votable = PUBLIC.has(question.status) && !own;
    const who = question.user?.name ?? t("Someone");
    const vote = el(
      "button",
      {
        type: "button",
        class: "qa__vote",
        "aria-pressed": String(voted),
        "aria-label": own
          ? tn("Your question has {n} vote", "Your question has {n} votes", question.votes)
          : tn("Upvote question from {name} ({n} vote)", "Upvote question from {name} ({n} votes)", question.votes, { name: who }),
        // Voted stays focusable (aria-disabled) so that keyboard focus is not lost on the way.
        disabled: !votable,
        "aria-disabled": voted ? "true" : undefined,
        title: own ? t("You cannot vote for your own question") : voted ? t("You voted for this question") : t("Upvote"),
        dataset: { questionAction: `vote-${question.id}` },
        onclick: () => this.#vote(question.id),
      },
      el("span", { class: "qa__arrow", "aria-hidden": "true", text: "▲" }),
      el("span", { class: "qa__votes", text: String(question.votes) }),
    );
    const badge = STATUS_LABELS[question.status]
      ? el("span", { class: `badge badge--${question.status}`, text: STATUS_LABELS[question.status] })
      : null;
    const item = el(
      "li",
      { class: `qa__item qa__item--${question.status}`, dataset: { id: question.id } },
      vote,
      el(
        "div",
        { class: "qa__content" },
        el("p", { class: "qa__body", text: question.body }),
        el(
          "p",
          { class: "qa__meta" },
          el("span", { class: "qa__author", text: own ? t("{name} (you)", { name: who }) : who }),
          question.ts ? el("time", { datetime: question.ts, text: formatTime(question.ts) }) : null,
          badge,
        ),
        this.viewer.moderator ? this.#moderatorTools(question) : null,
      ),
    );
    return item;
  }

  #moderatorTools(question) {
    const actions = [];
    const add = (status, label) =>
      actions.push(
        el("button", {
          type: "button",
          class: "button button--small",
          text: label,
          dataset: { questionAction: `${status}-${question.id}` },
          onclick: () => this.#moderate(question.id, status),
        }),
      );
    if (question.status === "pending" || question.status === "hidden") add("approved", t("Approve"));
    if (question.status !== "pinned") add("pinned", t("Pin"));
    else add("approved", t("Unpin"));
    if (question.status !== "answered") add("answered", t("Mark answered"));
    if (question.status !== "hidden") add("hidden", t("Hide"));
    return el("div", { class: "qa__tools", role: "group", "aria-label": t("Moderate this question") }, actions);
  }

  async #ask(event) {
    event.preventDefault();
    const body = this.input.value.trim();
    if (!body) return;
    try {
      await this.connection.request({ type: "question.ask", channel: this.channel, body });
      this.input.value = "";
      if (this.moderated) this.#say(t("Thanks! Your question will appear once a moderator approves it."), "wait");
      else this.#say("");
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  async #vote(id) {
    if (this.voted.has(id)) return;
    try {
      const reply = await this.connection.request({ type: "question.vote", channel: this.channel, id });
      this.voted.add(id);
      if (reply.type === "question") this.#upsert(reply, false);
      this.#reorder();
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  async #moderate(id, status) {
    try {
      await this.connection.request({ type: "question.moderate", channel: this.channel, id, status });
    } catch (error) {
      this.#say(error.message, "error");
    }
  }
}

/** Polls: vote or change one's vote while open, results as bars, moderators create and close. */
export class PollsPanel extends EventTarget {
  constructor(root, { connection, channel, viewer }) {
    super();
    this.root = root;
    this.connection = connection;
    this.channel = channel;
    this.viewer = viewer;
    this.polls = new Map();
    this.items = new Map();
    this.mine = new Map(); // poll id -> option index
    this.#render();
    this.unsubscribe = connection.subscribe(channel, (frame) => this.#onFrame(frame));
  }

  #render() {
    this.notice = el("p", { class: "polls__notice", role: "status", hidden: true });
    this.list = el("div", { class: "polls__list" });
    this.empty = el("p", { class: "polls__empty", text: t("No polls yet.") });
    this.root.classList.add("polls");
    this.root.replaceChildren(...(this.viewer.moderator ? [this.#createForm()] : []), this.notice, this.empty, this.list);
  }

  #say(text, tone = "info") {
    this.notice.textContent = text;
    this.notice.dataset.tone = tone;
    this.notice.hidden = !text;
  }

  #createForm() {
    const questionId = uniqueId("poll-question");
    const question = el("input", { id: questionId, type: "text", maxlength: "300", required: true });
    const options = el("ol", { class: "polls__option-inputs" });
    const addOption = () => {
      const n = options.children.length + 1;
      const id = uniqueId("poll-option");
      options.append(
        el(
          "li",
          {},
          el("label", { for: id, class: "visually-hidden", text: t("Option {n}", { n }) }),
          el("input", { id, type: "text", maxlength: "200", placeholder: t("Option {n}", { n }), required: n <= 2 }),
        ),
      );
      addButton.disabled = options.children.length >= 10;
    };
    const addButton = el("button", { type: "button", class: "button button--quiet", text: t("Add option"), onclick: addOption });
    const form = el(
      "form",
      { class: "polls__create" },
      el("label", { for: questionId, text: t("Poll question") }),
      question,
      el("p", { class: "polls__label", text: t("Options") }),
      options,
      el(
        "div",
        { class: "polls__create-actions" },
        addButton,
        el("button", { type: "submit", class: "button button--primary", text: t("Start poll") }),
      ),
    );
    addOption();
    addOption();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const values = [...options.querySelectorAll("input")].map((input) => input.value.trim()).filter(Boolean);
      try {
        await this.connection.request({ type: "poll.create", channel: this.channel, question: question.value, options: values });
        form.reset();
        while (options.children.length > 2) options.lastElementChild.remove();
        addButton.disabled = false;
        box.open = false;
        this.#say("");
      } catch (error) {
        this.#say(error.message, "error");
      }
    });
    const box = el("details", { class: "polls__create-box" }, el("summary", { text: t("Start a poll") }), form);
    return box;
  }

  #onFrame(frame) {
    if (frame.type === "joined") {
      for (const poll of frame.polls ?? []) {
        if (typeof poll.my_vote === "number") this.mine.set(poll.id, poll.my_vote);
        this.#upsert(poll, false);
      }
    } else if (frame.type === "poll") {
      this.#upsert(frame, true);
    }
  }

  #upsert(poll, live) {
    const previous = this.polls.get(poll.id);
    const known = Boolean(previous);
    if (typeof poll.my_vote === "number") this.mine.set(poll.id, poll.my_vote);
    if (previous && (poll.version ?? 0) < (previous.version ?? 0)) return; // an older update that crossed a newer one
    this.polls.set(poll.id, poll);
    const focusedOption = this.items.get(poll.id)?.contains(document.activeElement) ? document.activeElement.dataset.option : null;
    const item = this.#item(poll);
    const old = this.items.get(poll.id);
    if (old) old.replaceWith(item);
    else this.list.prepend(item); // newest first
    this.items.set(poll.id, item);
    if (focusedOption !== null && focusedOption !== undefined) item.querySelector(`[data-option="${focusedOption}"]`)?.focus();
    this.empty.hidden = this.polls.size > 0;
    if (live && !known) this.dispatchEvent(new CustomEvent("news"));
  }

  #item(poll) {
    const total = poll.counts.reduce((a, b) => a + b, 0);
    const mine = this.mine.get(poll.id);
    const headingId = uniqueId("poll");
    const options = poll.options.map((option, index) => {
      const count = poll.counts[index] ?? 0;
      const percent = total ? Math.round((count / total) * 100) : 0;
      const chosen = mine === index;
      const bar = el("span", { class: "poll__bar", "aria-hidden": "true" });
      bar.style.setProperty("--share", `${percent}%`);
      return el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: chosen ? "poll__option poll__option--chosen" : "poll__option",
            "aria-pressed": String(chosen),
            disabled: poll.closed,
            dataset: { option: String(index) },
            "aria-label": (chosen ? tn("{option}: {n} vote, {percent}% (your vote)", "{option}: {n} votes, {percent}% (your vote)", count, { option, percent }) : tn("{option}: {n} vote, {percent}%", "{option}: {n} votes, {percent}%", count, { option, percent })),
            onclick: () => this.#vote(poll.id, index),
          },
          bar,
          el("span", { class: "poll__label", text: option }),
          el("span", { class: "poll__count", text: `${percent}% · ${count}` }),
        ),
      );
    });
    const state = poll.closed ? t("Closed") : mine === undefined ? t("Open: choose an answer") : t("Open: you can change your answer");
    return el(
      "section",
      { class: poll.closed ? "poll poll--closed" : "poll", "aria-labelledby": headingId, dataset: { id: poll.id } },
      el("h3", { id: headingId, class: "poll__question", text: poll.question }),
      el("p", { class: "poll__state", text: `${state} · ${tn("{n} vote", "{n} votes", total)}` }),
      el("ul", { class: "poll__options" }, options),
      this.viewer.moderator && !poll.closed
        ? el("button", { type: "button", class: "button button--small", text: t("Close poll"), onclick: () => this.#close(poll.id) })
        : null,
    );
  }

  async #vote(pollId, option) {
    try {
      const reply = await this.connection.request({ type: "poll.vote", poll_id: pollId, option });
      this.mine.set(pollId, option);
      if (reply.type === "poll") this.#upsert(reply, false);
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  async #close(pollId) {
    try {
      await this.connection.request({ type: "poll.close", poll_id: pollId });
    } catch (error) {
      this.#say(error.message, "error");
    }
  }
}

/** Emoji reactions: buttons that send, and the room's counts over the last 10 seconds. */
export class ReactionBar {
  constructor(root, { connection, channel }) {
    this.root = root;
    this.connection = connection;
    this.channel = channel;
    this.counts = new Map();
    this.buttons = new Map();
    root.classList.add("reactions");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", t("React"));
    for (const [emoji, name] of Object.entries(REACTION_NAMES)) {
      const count = el("span", { class: "reaction__count", "aria-hidden": "true", text: "" });
      const button = el(
        "button",
        { type: "button", class: "reaction", "aria-label": name, title: name, onclick: () => this.#react(emoji) },
        el("span", { class: "reaction__emoji", "aria-hidden": "true", text: emoji }),
        count,
      );
      this.buttons.set(emoji, { button, count });
      root.append(button);
    }
    // Each server process counts the reactions it received (`source`); the room's counts are the sum
    // of every source's latest counts. A source that went quiet for a while has decayed to zero.
    this.sources = new Map(); // source -> {counts, at}
    connection.subscribe(channel, (frame) => {
      if (frame.type !== "reactions" || !frame.counts) return;
      this.sources.set(frame.source ?? "", { counts: frame.counts, at: Date.now() });
      this.#show(this.#total());
    });
    this.decay = setInterval(() => {
      const before = this.sources.size;
      for (const [source, { at }] of this.sources) if (Date.now() - at > SOURCE_QUIET_MS) this.sources.delete(source);
      if (this.sources.size !== before) this.#show(this.#total());
    }, 2000);
  }

  #total() {
    const total = {};
    for (const { counts } of this.sources.values()) {
      for (const [emoji, n] of Object.entries(counts)) total[emoji] = (total[emoji] ?? 0) + n;
    }
    return total;
  }

  async #react(emoji) {
    const entry = this.buttons.get(emoji);
    entry.button.classList.remove("reaction--sent");
    void entry.button.offsetWidth; // restart the little pop animation
    entry.button.classList.add("reaction--sent");
    try {
      await this.connection.request({ type: "react", channel: this.channel, emoji });
    } catch {
      // Reactions are a light signal: a lost one is not worth an error message.
    }
  }

  #show(counts) {
    for (const [emoji, { button, count }] of this.buttons) {
      const n = counts[emoji] ?? 0;
      const before = this.counts.get(emoji) ?? 0;
      count.textContent = n ? String(n) : "";
      button.classList.toggle("reaction--active", n > 0);
      button.setAttribute("aria-label", n ? t("{reaction} ({n} in the last 10 seconds)", { reaction: REACTION_NAMES[emoji], n }) : REACTION_NAMES[emoji]);
      if (n > before) {
        button.classList.remove("reaction--bump");
        void button.offsetWidth;
        button.classList.add("reaction--bump");
      }
      this.counts.set(emoji, n);
    }
  }
}

/** Accessible tabs (arrow keys move between tabs; each tab may show a "new" dot). */
class Tabs {
  constructor(root) {
    this.tabs = [...root.querySelectorAll('[role="tab"]')];
    this.panels = this.tabs.map((tab) => document.getElementById(tab.getAttribute("aria-controls")));
    this.listeners = new Set();
    this.tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => this.select(index));
      tab.addEventListener("keydown", (event) => {
        const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: this.tabs.length - 1 - index };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = (index + moves[event.key] + this.tabs.length) % this.tabs.length;
        this.select(next);
        this.tabs[next].focus();
      });
    });
  }

  get selected() {
    return this.tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true");
  }

  select(index) {
    this.tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      this.panels[i].hidden = !on;
      if (on) this.mark(i, "");
    });
    for (const listener of this.listeners) listener(index);
  }

  mark(index, text) {
    const dot = this.tabs[index].querySelector(".tab__badge");
    if (!dot) return;
    dot.textContent = text;
    dot.hidden = !text;
  }
}

function statusLine(root, connection) {
  const text = el("span", { class: "live-status__text" });
  const retry = el("button", { type: "button", class: "button button--small", text: t("Retry now"), hidden: true, onclick: () => connection.retryNow() });
  const signIn = el("a", { class: "button button--small", href: `/login?next=${encodeURIComponent(location.pathname)}`, text: t("Sign in"), hidden: true });
  root.replaceChildren(el("span", { class: "live-status__dot", "aria-hidden": "true" }), text, retry, signIn);
  let countdown = null;
  const show = (detail) => {
    const status = describeStatus(detail);
    root.dataset.tone = status.tone;
    root.dataset.state = detail.state;
    text.textContent = status.text;
    retry.hidden = !status.retry;
    signIn.hidden = !status.signIn;
    clearInterval(countdown);
    if (detail.retryInMs) {
      const until = Date.now() + detail.retryInMs;
      countdown = setInterval(() => {
        const left = until - Date.now();
        if (left <= 0) clearInterval(countdown);
        else text.textContent = describeStatus({ ...detail, retryInMs: left }).text;
      }, 1000);
    }
  };
  connection.addEventListener("status", (event) => show(event.detail));
  show({ state: connection.state === "idle" ? "connecting" : connection.state });
}

/** Mount one live room (the session page's [data-live-room] element). */
export function mountLiveRoom(root) {
  const channel = root.dataset.channel;
  const viewer = {
    id: Number(root.dataset.userId),
    name: root.dataset.userName,
    moderator: root.dataset.moderator === "true",
  };
  const connection = LiveConnection.shared();
  const part = (name) => root.querySelector(`[data-live-part="${name}"]`);
  statusLine(part("status"), connection);
  const tabs = new Tabs(part("tabs"));
  const chat = new ChatPanel(part("chat"), { connection, channel, viewer, label: t("Chat"), titleBadge: true });
  const qa = new QAPanel(part("qa"), { connection, channel, viewer, moderated: root.dataset.qaModerated === "true" });
  const polls = new PollsPanel(part("polls"), { connection, channel, viewer });
  new ReactionBar(part("reactions"), { connection, channel });
  const presence = part("presence");
  connection.subscribe(channel, (frame) => {
    const count = frame.type === "presence" ? frame.count : frame.type === "joined" ? frame.presence?.count : undefined;
    if (typeof count === "number") presence.textContent = tn("{n} watching", "{n} watching", count);
  });
  chat.addEventListener("unread", (event) => {
    if (tabs.selected !== 0) tabs.mark(0, event.detail.count ? String(event.detail.count) : "");
  });
  qa.addEventListener("news", () => tabs.selected !== 1 && tabs.mark(1, "new"));
  polls.addEventListener("news", () => tabs.selected !== 2 && tabs.mark(2, "new"));
  tabs.listeners.add((index) => index === 0 && chat.shown());
  tabs.select(0);
  connection.start();
  return { connection, chat, qa, polls };
}

for (const root of document.querySelectorAll("[data-live-room]")) {
  root.liveRoom = mountLiveRoom(root);
}
