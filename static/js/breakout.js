// Breakout rooms on the session page: `breakout.assigned` takes the attendee into their room (its chat
// and video, and a countdown on the server's clock) without a reload; `breakout.closed` brings them
// back to the main room. In self-service rounds it lists the rooms to pick from.
// Also loads the roundtable tables view (tables.js), so the session page needs one script line.

import { api } from "./api-client.js";
import { Countdown } from "./clock.js";
import { ChatPanel, LiveConnection, el, skippable, t, uniqueId } from "./live.js";
import "./tables.js";

const moderatorWord = () => t("Moderator");

function stylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(el("link", { rel: "stylesheet", href }));
}

class BreakoutView {
  constructor(liveRoot) {
    this.liveRoot = liveRoot;
    this.main = liveRoot.closest(".live") ?? liveRoot;
    this.sessionId = Number(String(liveRoot.dataset.channel).split(":")[1]);
    this.viewer = {
      id: Number(liveRoot.dataset.userId),
      name: liveRoot.dataset.userName,
      moderator: liveRoot.dataset.moderator === "true",
    };
    this.connection = LiveConnection.shared();
    this.room = null; // the assigned event of the room we are in
    this.myPick = null; // the room picked in a self-service round
    this.pickRound = null;
    this.chat = null;
    this.#build();
    this.connection.addEventListener("frame", (event) => this.#onFrame(event.detail));
    this.#load();
  }

  #build() {
    const titleId = uniqueId("breakout-title");
    const clockLabel = el("span", { class: "visually-hidden" });
    this.clock = el("span", { class: "breakout__clock-value", "aria-hidden": "true", text: "--:--" });
    this.countdown = new Countdown(this.clock, { label: clockLabel });
    this.title = el("h2", { id: titleId, class: "breakout__title", tabindex: "-1" });
    this.broadcasts = el("ul", { class: "breakout__broadcasts", "aria-label": t("Messages from the moderators") });
    this.broadcastBox = el(
      "div",
      { class: "breakout__broadcast-box", role: "status", "aria-live": "polite", hidden: true },
      this.broadcasts,
    );
    this.frame = el("div", { class: "breakout__video" });
    this.videoLink = el("a", { class: "breakout__video-link", target: "_blank", rel: "noopener noreferrer", text: t("Open the video in a new tab") });
    this.chatBox = el("div", { class: "breakout__chat live__panel" });
    this.view = el(
      "section",
      { class: "breakout room-chat", "aria-labelledby": titleId, hidden: true, dataset: { breakout: "room" } },
      el(
        "header",
        { class: "breakout__head" },
        el("div", {}, el("p", { class: "breakout__kicker", text: t("Breakout room") }), this.title),
        el(
          "p",
          { class: "breakout__clock", role: "timer", "aria-live": "off" },
          el("span", { class: "breakout__clock-label", text: t("Time left") + " " }),
          this.clock,
          clockLabel,
        ),
      ),
      this.broadcastBox,
      el("div", { class: "breakout__layout" }, el("div", { class: "breakout__stage" }, this.frame, this.videoLink), this.chatBox),
    );
    this.notice = el("p", { class: "breakout__notice", role: "status", hidden: true });
    this.picker = el("section", { class: "breakout-picker", hidden: true, "aria-label": t("Breakout rooms") });
    const console = this.viewer.moderator
      ? el(
          "p",
          { class: "breakout__console-link" },
          el("a", { class: "button button--small", href: `/sessions/${this.sessionId}/console`, text: t("Breakout rooms console") }),
        )
      : "";
    this.main.before(console, this.notice, this.picker, this.view);
  }

  async #load() {
    try {
      const state = await api("GET", `/api/v1/sessions/${this.sessionId}/breakouts`);
      this.#picker(state);
      if (state.my_room && state.round?.status === "open" && !this.room) {
        this.#enter({
          session_id: this.sessionId,
          room_id: state.my_room.id,
          room_name: state.my_room.name,
          channel: state.my_room.channel,
          video_url: state.my_room.video_url,
          ends_at: state.round.ends_at,
          now: state.now,
        });
      }
    } catch {
      // Not signed in or no programme: the page works without breakouts.
    }
  }

  #onFrame(frame) {
    if (frame.session_id !== this.sessionId) return;
    switch (frame.type) {
      case "breakout.assigned":
        this.#enter(frame);
        break;
      case "breakout.closed":
        if (this.room && frame.room_id === this.room.room_id) this.#leave(frame);
        break;
      case "breakout.broadcast":
        if (this.room && frame.channel === this.room.channel) this.#broadcast(frame);
        break;
      case "breakouts.updated":
        this.#picker(frame);
        break;
      default:
        break;
    }
  }

  #enter(frame) {
    const same = this.room && this.room.room_id === frame.room_id;
    const extended = same && frame.ends_at !== this.room.ends_at;
    this.room = frame;
    this.countdown.set(frame.ends_at, frame.now);
    if (same) {
      if (extended) this.#say(t("The moderators gave the rooms more time."));
      return;
    }
    this.chat?.destroy();
    this.title.textContent = frame.room_name ?? t("Your breakout room");
    this.broadcasts.replaceChildren();
    this.broadcastBox.hidden = true;
    const roomName = frame.room_name ?? t("your breakout room");
    const iframe = el("iframe", {
      class: "breakout__frame",
      src: frame.video_url,
      title: t("Video of {room}", { room: roomName }),
      allow: "camera; microphone; display-capture; fullscreen; autoplay",
      allowfullscreen: true,
      referrerpolicy: "no-referrer",
    });
    this.frame.replaceChildren(...skippable(iframe));
    this.videoLink.href = frame.video_url;
    this.chat = new ChatPanel(this.chatBox, {
      connection: this.connection,
      channel: frame.channel,
      viewer: this.viewer,
      label: t("Chat of {room}", { room: roomName }),
    });
    this.picker.hidden = true;
    this.main.hidden = true;
    this.view.hidden = false;
    this.#say("");
    this.title.focus();
  }

  #leave(frame) {
    this.countdown.stop();
    this.chat?.destroy();
    this.chat = null;
    // Removing the frame ends the call (camera and microphone off).
    this.frame.replaceChildren();
    this.room = null;
    this.view.hidden = true;
    this.main.hidden = false;
    this.#say(
      frame.reason === "time"
        ? t("Time is up: the breakout rooms have closed. Welcome back to the main room.")
        : t("The breakout rooms have closed. Welcome back to the main room."),
    );
    this.notice.focus();
  }

  #broadcast(frame) {
    const item = el(
      "li",
      { class: "breakout__broadcast" },
      el("strong", { text: t("{name} to all rooms: ", { name: frame.user?.name ?? moderatorWord() }) }),
      el("span", { class: "breakout__broadcast-body", text: frame.body }),
    );
    this.broadcasts.append(item);
    this.broadcastBox.hidden = false;
  }

  #picker(state) {
    const round = state.round;
    const show = round && round.mode === "self" && (round.status === "draft" || round.status === "open") && !this.room;
    this.picker.hidden = !show;
    if (!show) return;
    if (round && round.id !== this.pickRound) {
      // A new round: a pick made in an earlier one no longer counts.
      this.pickRound = round.id;
      this.myPick = null;
    }
    if (state.my_room_id !== undefined) this.myPick = state.my_room_id;
    const items = state.rooms.map((room) => {
      const mine = room.id === this.myPick;
      const full = room.capacity !== null && room.count >= room.capacity;
      const places = room.capacity ? t("{count} of {capacity} places taken", { count: room.count, capacity: room.capacity }) : t("{count} in this room", { count: room.count });
      return el(
        "li",
        { class: "breakout-picker__room" },
        el("span", { class: "breakout-picker__name", text: room.name }),
        el("span", { class: "breakout-picker__count", text: places }),
        mine
          ? el("span", { class: "breakout-picker__mine", text: t("Your room") })
          : el("button", {
              type: "button",
              class: "button button--small",
              text: full ? t("Full") : this.myPick ? t("Move here") : t("Join"),
              disabled: full,
              "aria-label": t("Join {room}", { room: room.name }),
              onclick: (event) => this.#pick(room, event.currentTarget),
            }),
      );
    });
    const when = round.status === "open" ? t("The rooms are open: pick one.") : t("Pick a room; it opens when the moderators start the breakouts.");
    this.picker.replaceChildren(
      el("h2", { class: "breakout-picker__title", text: t("Breakout rooms") }),
      el("p", { class: "muted", text: when }),
      el("ul", { class: "breakout-picker__list" }, items),
    );
  }

  async #pick(room, button) {
    button.setAttribute("aria-busy", "true");
    try {
      const state = await api("POST", `/api/v1/breakouts/${room.id}/join`);
      this.#picker(state);
      if (state.round.status !== "open") this.#say(t("You picked {room}. It opens when the moderators start the breakouts.", { room: room.name }));
    } catch (error) {
      this.#say(error.message);
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  #say(text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
    this.notice.tabIndex = -1;
  }
}

const liveRoot = document.querySelector("[data-live-room]");
if (liveRoot) {
  stylesheet("/static/css/breakouts.css");
  liveRoot.breakouts = new BreakoutView(liveRoot);
}
