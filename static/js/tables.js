// The roundtable tables on a session page: seats left at each table, updated live (`tables.updated`),
// "Take a seat" / "Leave", and the chat and video of the table you sit at. A session that seats by
// ranked choice shows no seat buttons until its seating ran (the ranking form is ranking.js).

import { api } from "./api-client.js";
import { ChatPanel, LiveConnection, el, skippable, t, tn } from "./live.js";
import { RankingView } from "./ranking.js";

class TablesView {
  constructor(list, liveRoot, rankingRoot) {
    this.list = list;
    this.sessionId = Number(String(liveRoot.dataset.channel).split(":")[1]);
    this.viewer = {
      id: Number(liveRoot.dataset.userId),
      name: liveRoot.dataset.userName,
      moderator: liveRoot.dataset.moderator === "true",
    };
    this.connection = LiveConnection.shared();
    this.mine = null;
    this.tables = [];
    this.chat = null;
    this.chatTable = null;
    this.notice = el("p", { class: "tables__notice", role: "status", hidden: true });
    this.room = el("section", { id: "table-room", class: "tables__room room-chat", tabindex: "-1", hidden: true, "aria-label": t("Your table") });
    list.after(this.notice, this.room);
    this.ranking = rankingRoot ? new RankingView(rankingRoot, { onSeatsOpen: () => this.#load() }) : null;
    this.connection.addEventListener("frame", (event) => {
      const frame = event.detail;
      if (frame.type === "tables.updated" && frame.session_id === this.sessionId) this.#render(frame.tables, this.mine);
    });
    this.connection.start();
    this.#load();
  }

  async #load() {
    try {
      const body = await api("GET", `/api/v1/sessions/${this.sessionId}/tables`);
      this.#render(body.tables, body.my_table_id);
    } catch (error) {
      this.#say(error.message);
    }
  }

  async #seat(table, leave, button) {
    button.setAttribute("aria-busy", "true");
    try {
      const body = await api("POST", `/api/v1/tables/${table.id}/${leave ? "leave" : "join"}`);
      this.#render(body.tables, body.my_table_id);
      this.#say(leave ? t("You left “{topic}”.", { topic: table.topic }) : t("You have a seat at “{topic}”.", { topic: table.topic }));
    } catch (error) {
      this.#say(error.message);
      this.#load();
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  #render(tables, mine) {
    // Live updates carry seats for everyone; video addresses only come with our own answers.
    const known = new Map(this.tables.map((t) => [t.id, t]));
    this.tables = tables.map((t) => ({ ...t, video_url: t.video_url ?? known.get(t.id)?.video_url }));
    this.mine = mine;
    for (const table of this.tables) {
      const item = this.list.querySelector(`[data-table-id="${table.id}"]`);
      if (!item) continue;
      const seats = item.querySelector(".seats");
      if (seats) seats.textContent = `${table.taken} / ${table.seats}`;
      item.classList.toggle("is-mine", table.id === mine);
      item.classList.toggle("is-full", table.left === 0);
      if (this.ranking?.waiting) {
        item.querySelector(".table-item__actions")?.remove();
        continue;
      }
      let controls = item.querySelector(".table-item__actions");
      if (!controls) {
        controls = el("div", { class: "table-item__actions" });
        item.append(controls);
      }
      const here = table.id === mine;
      const left = el("span", { class: "table-item__left", text: table.left === 0 ? t("Full") : tn("{n} seat left", "{n} seats left", table.left) });
      const button = el("button", {
        type: "button",
        class: here ? "button button--small button--ghost-dark" : "button button--small",
        text: here ? t("Leave") : mine ? t("Move here") : t("Take a seat"),
        disabled: !here && table.left === 0,
        "aria-label": here ? t("Leave {topic}", { topic: table.topic }) : t("Take a seat at {topic}", { topic: table.topic }),
        onclick: (event) => this.#seat(table, here, event.currentTarget),
      });
      controls.replaceChildren(left, here ? el("span", { class: "table-item__mine", text: t("Your seat") }) : "", button);
    }
    this.#renderRoom();
  }

  #renderRoom() {
    const table = this.tables.find((t) => t.id === this.mine);
    if (!table) {
      this.chat?.destroy();
      this.chat = null;
      this.chatTable = null;
      this.room.replaceChildren();
      this.room.hidden = true;
      return;
    }
    if (this.chatTable === table.id) return;
    this.chat?.destroy();
    this.chatTable = table.id;
    const chatBox = el("div", { class: "tables__chat live__panel" });
    const stage = el("div", { class: "tables__stage" });
    if (table.video_url) {
      stage.append(
        ...skippable(
          el("iframe", {
            class: "breakout__frame",
            src: table.video_url,
            title: t("Video of the table “{topic}”", { topic: table.topic }),
            allow: "camera; microphone; display-capture; fullscreen; autoplay",
            allowfullscreen: true,
            referrerpolicy: "no-referrer",
          }),
        ),
        el("a", { href: table.video_url, target: "_blank", rel: "noopener noreferrer", text: t("Open the video in a new tab") }),
      );
    }
    this.room.replaceChildren(
      el("h3", { class: "tables__room-title", text: t("Your table: {topic}", { topic: table.topic }) }),
      el("div", { class: "tables__layout" }, stage, chatBox),
    );
    this.room.hidden = false;
    this.chat = new ChatPanel(chatBox, {
      connection: this.connection,
      channel: `table:${table.id}`,
      viewer: { ...this.viewer, moderator: this.viewer.moderator || table.host_user_id === this.viewer.id },
      label: t("Chat of the table “{topic}”", { topic: table.topic }),
    });
  }

  #say(text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
  }
}

const tableList = document.querySelector(".table-list");
const liveRoot = document.querySelector("[data-live-room]");
if (tableList && liveRoot) tableList.tablesView = new TablesView(tableList, liveRoot, document.querySelector("[data-ranking]"));
