// The moderator's breakout console: create, open, broadcast, extend and close rooms, see who is in
// each (drag a person to another room, or use their "Move to" list and button), read each room's
// messages, and a countdown on the server's clock. Everything updates live.

import { api } from "./api-client.js";
import { Countdown } from "./clock.js";
import { ChatPanel, LiveConnection, describeStatus, el, formatTime } from "./live.js";

const MODES = { random: "at random", themes: "by shared themes", manual: "assigned by hand", self: "attendees pick" };
const REFRESH_DEBOUNCE_MS = 300;

class BreakoutConsole {
  constructor(root) {
    this.root = root;
    this.sessionId = Number(root.dataset.sessionId);
    this.viewer = { id: Number(root.dataset.userId), name: root.dataset.userName, moderator: true };
    this.base = `/api/v1/sessions/${this.sessionId}/breakouts`;
    this.view = null;
    this.chat = null;
    this.chatRoomId = null;
    this.refreshTimer = null;
    this.shownLists = null; // what the room lists show, to skip rebuilding them for nothing
    this.pendingView = null; // a newer view held back while a drag or a "Move to" list is in use
    this.dragging = false;
    this.part = (name) => root.querySelector(`[data-console-part="${name}"]`);
    this.countdown = new Countdown(this.part("countdown"), {
      onExpired: () => this.#say("Time is up: the server is closing the rooms.", "info"),
    });
    this.connection = LiveConnection.shared();
    this.#bind();
    this.connection.addEventListener("status", (event) => this.#status(event.detail));
    this.#status({ state: "connecting" });
    this.connection.subscribe(`session:${this.sessionId}`, (frame) => this.#onSessionFrame(frame));
    this.connection.start();
    this.refresh();
  }

  // --- talking to the server ---------------------------------------------------------------------

  async refresh() {
    try {
      this.#render(await api("GET", this.base));
    } catch (error) {
      this.#say(error.message, "error");
    }
  }

  #refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  async #act(button, method, path, body, done) {
    if (button) button.setAttribute("aria-busy", "true");
    try {
      const answer = await api(method, `${this.base}${path}`, body);
      if (answer?.rooms && answer.round !== undefined) this.#render(answer);
      if (done) done(answer);
      return answer;
    } catch (error) {
      const fields = Object.values(error.fields ?? {});
      this.#say(fields.length ? `${error.message}` : error.message, "error");
      return null;
    } finally {
      if (button) button.removeAttribute("aria-busy");
    }
  }

  #onSessionFrame(frame) {
    if (frame.type === "breakouts.updated") this.#refreshSoon();
    const count = frame.type === "presence" ? frame.count : frame.type === "joined" ? frame.presence?.count : undefined;
    if (typeof count === "number") {
      this.part("present").textContent = `${count} ${count === 1 ? "person" : "people"} in the session's main room (you included)`;
      // Who is present but in no room changes with presence (manual placing needs it).
      this.#refreshSoon();
    }
  }

  // --- controls ----------------------------------------------------------------------------------

  #bind() {
    const form = (name) => this.root.querySelector(`[data-console-form="${name}"]`);
    form("create").addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const names = String(data.get("names") ?? "")
        .split("\n")
        .map((n) => n.trim())
        .filter(Boolean);
      const body = {
        rooms: names.length ? names : Number(data.get("rooms")),
        mode: data.get("mode"),
        duration_minutes: Number(data.get("duration_minutes")),
      };
      if (String(data.get("capacity") ?? "").trim()) body.capacity = Number(data.get("capacity"));
      this.#act(event.submitter, "POST", "", body, () => this.#say("Rooms created. Open them when everyone is ready.", "ok"));
    });
    form("broadcast").addEventListener("submit", (event) => {
      event.preventDefault();
      const field = event.target.elements.body;
      this.#act(event.submitter, "POST", "/broadcast", { body: field.value }, (answer) => {
        field.value = "";
        this.#say(`Sent to ${answer.rooms.length} rooms.`, "ok");
      });
    });
    form("extend").addEventListener("submit", (event) => {
      event.preventDefault();
      const minutes = Number(event.target.elements.minutes.value);
      this.#act(event.submitter, "POST", "/extend", { minutes }, () => this.#say(`Extended by ${minutes} minutes.`, "ok"));
    });
    const action = (name) => this.root.querySelector(`[data-console-action="${name}"]`);
    action("open").addEventListener("click", (event) =>
      this.#act(event.currentTarget, "POST", "/open", {}, () => this.#say("Rooms are open: everyone has been sent to their room.", "ok")),
    );
    action("close").addEventListener("click", (event) => {
      if (!window.confirm("Close every breakout room and bring everyone back to the main room?")) return;
      this.#act(event.currentTarget, "POST", "/close", {}, () => this.#say("Rooms closed: everyone is back in the main room.", "ok"));
    });
    this.part("chat-select").addEventListener("change", (event) => this.#showChat(Number(event.target.value)));
  }

  async #move(userId, roomId, name) {
    const answer = await this.#act(null, "POST", "/move", { user_id: userId, room_id: roomId });
    if (answer) {
      const room = answer.rooms.find((r) => r.id === roomId);
      this.#say(`${name} is now in ${room?.name ?? "the room"}.`, "ok");
    }
  }

  // --- rendering ---------------------------------------------------------------------------------

  #status(detail) {
    const status = describeStatus(detail);
    const line = this.part("status");
    line.textContent = status.text;
    line.dataset.tone = status.tone;
  }

  #say(text, tone) {
    const notice = this.part("notice");
    notice.textContent = text;
    notice.dataset.tone = tone;
    notice.hidden = !text;
  }

  #render(view) {
    this.view = view;
    const round = view.round;
    const status = round?.status ?? "none";
    this.root.dataset.status = status;
    this.part("round").textContent = this.#describe(view);
    const clock = this.part("clock");
    if (status === "open" && round.ends_at) {
      clock.hidden = false;
      this.countdown.set(round.ends_at, view.now);
    } else {
      clock.hidden = true;
      this.countdown.stop();
    }
    const enable = (selector, on) => {
      for (const node of this.root.querySelectorAll(selector)) node.disabled = !on;
    };
    enable('[data-console-action="open"]', status === "draft");
    enable('[data-console-action="close"]', status === "open");
    enable('[data-console-form="broadcast"] button, [data-console-form="extend"] button', status === "open");
    enable('[data-console-form="create"] button', status !== "open");
    // Presence ticks refresh the view often: rebuild the lists only when they changed, and never in the
    // middle of a drag (the dragged row would vanish) or while a "Move to" list is in use.
    const lists = JSON.stringify([view.round, view.rooms, view.present]);
    if (lists === this.shownLists) return;
    if (this.dragging || this.root.querySelector(".console__move-select:focus")) {
      this.pendingView = view;
      return;
    }
    this.shownLists = lists;
    this.pendingView = null;
    const focus = this.#focusedControl();
    this.#renderRooms(view);
    this.#renderUnassigned(view);
    this.#renderChatChoice(view);
    this.#restoreFocus(focus);
  }

  /** Which person's control has the keyboard focus, so that a rebuild can give it back. */
  #focusedControl() {
    const active = document.activeElement;
    const row = active?.closest?.(".console__person");
    if (!row || !this.root.contains(row)) return null;
    return { userId: row.dataset.userId, tag: active.tagName, value: active.value };
  }

  #restoreFocus(focus) {
    if (!focus) return;
    const row = this.root.querySelector(`.console__person[data-user-id="${focus.userId}"]`);
    const control = row?.querySelector(focus.tag === "SELECT" ? "select" : "button");
    if (!control) return;
    if (focus.tag === "SELECT" && [...control.options].some((o) => o.value === focus.value)) control.value = focus.value;
    control.focus();
  }

  #renderPending() {
    if (this.pendingView && !this.dragging) this.#render(this.pendingView);
  }

  #describe(view) {
    const round = view.round;
    if (!round) return "No breakout rooms yet. Create some below.";
    const rooms = `${view.rooms.length} rooms, ${MODES[round.mode] ?? round.mode}`;
    const people = view.rooms.reduce((sum, r) => sum + r.count, 0);
    if (round.status === "draft") return `${rooms}: ready to open (${people} placed so far).`;
    if (round.status === "open") return `${rooms}: open since ${formatTime(round.opened_at)}, until ${formatTime(round.ends_at)}. ${people} people in rooms.`;
    const why = round.close_reason === "time" ? "their time ran out" : "a moderator closed them";
    return `${rooms}: closed at ${formatTime(round.closed_at)} (${why}). Create new rooms to start again.`;
  }

  #renderRooms(view) {
    const editable = view.round && (view.round.status === "draft" || view.round.status === "open");
    const cards = view.rooms.map((room) => {
      const list = el("ul", { class: "console__people", "aria-label": `People in ${room.name}` });
      for (const person of room.members ?? []) list.append(this.#person(person, room.id, view.rooms, editable));
      if (!room.members?.length) list.append(el("li", { class: "console__empty", text: "Nobody yet" }));
      const places = room.capacity ? `${room.count} / ${room.capacity}` : `${room.count}`;
      const card = el(
        "article",
        { class: "console__room", dataset: { roomId: room.id }, "aria-labelledby": `room-title-${room.id}` },
        el(
          "header",
          { class: "console__room-head" },
          el("h3", { id: `room-title-${room.id}`, class: "console__room-name", text: room.name }),
          el("span", { class: "console__room-count", text: places, "aria-label": `${room.count} people` }),
        ),
        list,
        el("button", {
          type: "button",
          class: "button button--small button--ghost-dark console__room-chat",
          text: "Messages",
          "aria-label": `Show the messages of ${room.name}`,
          onclick: () => this.#showChat(room.id, true),
        }),
      );
      if (editable) this.#dropZone(card, room);
      return card;
    });
    this.part("rooms").replaceChildren(...cards);
  }

  #renderUnassigned(view) {
    const box = this.part("unassigned-box");
    const people = view.present ?? [];
    const editable = view.round && (view.round.status === "draft" || view.round.status === "open");
    box.hidden = !view.round || !people.length || view.round.status === "closed";
    this.part("unassigned").replaceChildren(...people.map((p) => this.#person(p, null, view.rooms, editable)));
  }

  #person(person, roomId, rooms, editable) {
    const name = el("span", { class: "console__person-name", text: person.name });
    const item = el("li", { class: "console__person", dataset: { userId: person.id } }, name);
    if (!editable) return item;
    item.draggable = true;
    name.prepend(el("span", { class: "console__grip", "aria-hidden": "true", text: "⠿ " }));
    item.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", JSON.stringify({ id: person.id, name: person.name }));
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("is-dragging");
      this.dragging = true;
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("is-dragging");
      this.dragging = false;
      this.#renderPending();
    });
    const targets = rooms.filter((r) => r.id !== roomId);
    const select = el(
      "select",
      { class: "console__move-select", "aria-label": `Room for ${person.name}` },
      targets.map((r) => el("option", { value: String(r.id), text: r.name })),
    );
    select.addEventListener("blur", () => setTimeout(() => this.#renderPending(), 0));
    const button = el("button", {
      type: "button",
      class: "button button--small",
      text: "Move",
      "aria-label": `Move ${person.name} to the chosen room`,
      onclick: () => this.#move(person.id, Number(select.value), person.name),
    });
    item.append(el("span", { class: "console__move" }, select, button));
    return item;
  }

  #dropZone(card, room) {
    card.addEventListener("dragover", (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      card.classList.add("is-target");
    });
    card.addEventListener("dragleave", (event) => {
      if (!card.contains(event.relatedTarget)) card.classList.remove("is-target");
    });
    card.addEventListener("drop", (event) => {
      event.preventDefault();
      card.classList.remove("is-target");
      let person;
      try {
        person = JSON.parse(event.dataTransfer.getData("text/plain"));
      } catch {
        return;
      }
      if (!person?.id || (room.members ?? []).some((m) => m.id === person.id)) return;
      this.#move(person.id, room.id, person.name);
    });
  }

  #renderChatChoice(view) {
    const box = this.part("chat-box");
    const select = this.part("chat-select");
    box.hidden = !view.rooms.length;
    select.replaceChildren(...view.rooms.map((r) => el("option", { value: String(r.id), text: r.name })));
    if (!view.rooms.some((r) => r.id === this.chatRoomId)) {
      this.#showChat(view.rooms[0]?.id ?? null);
    } else {
      select.value = String(this.chatRoomId);
    }
  }

  #showChat(roomId, focus = false) {
    if (roomId === this.chatRoomId && this.chat) {
      if (focus) this.part("chat-select").focus();
      return;
    }
    this.chat?.destroy();
    this.chat = null;
    this.chatRoomId = roomId;
    const room = this.view?.rooms.find((r) => r.id === roomId);
    this.part("chat-room").textContent = room?.name ?? "";
    if (!room) return;
    this.part("chat-select").value = String(roomId);
    this.chat = new ChatPanel(this.part("chat"), {
      connection: this.connection,
      channel: room.channel,
      viewer: this.viewer,
      label: `Messages in ${room.name}`,
    });
    if (focus) this.part("chat-select").focus();
  }
}

for (const root of document.querySelectorAll("[data-console]")) root.breakoutConsole = new BreakoutConsole(root);
