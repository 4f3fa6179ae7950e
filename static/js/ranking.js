// Ranked roundtable seating on a session page: the attendee ranks up to three tables, best first (PUT
// /api/v1/sessions/{id}/preferences), and `seating.assigned` / `seating.unseated` tell them where they
// sit without a reload. The page renders each state first (sessions/_ranking.html); this keeps it current.
// Loaded by tables.js, whose tables view opens the seats (and the table's room) once the seating ran.

import { api } from "./api-client.js";
import { LiveConnection, el, t } from "./live.js";

const BEFORE_SEATING = new Set(["open", "closed"]);

const rankNote = (rank) =>
  [t("It was your first choice."), t("It was your second choice."), t("It was your third choice.")][rank - 1] ?? "";

export class RankingView {
  /** `onSeatsOpen()` runs when the seating is done (or the session went back to first come). */
  constructor(root, { onSeatsOpen }) {
    this.root = root;
    this.sessionId = Number(root.dataset.sessionId);
    this.state = root.dataset.state;
    this.onSeatsOpen = onSeatsOpen;
    this.form = root.querySelector("[data-ranking-form]");
    this.selects = this.form ? [...this.form.querySelectorAll("select")] : [];
    this.error = root.querySelector("[data-ranking-error]");
    this.status = root.querySelector("[data-ranking-status]");
    this.saved = root.querySelector("[data-ranking-saved]");
    this.outcome = root.querySelector("[data-ranking-outcome]");
    this.title = root.querySelector("[data-ranking-title]");
    this.topics = new Map(
      [...document.querySelectorAll(".table-item[data-table-id]")].map((item) => [
        Number(item.dataset.tableId),
        item.querySelector(".table-item__topic")?.textContent ?? "",
      ]),
    );
    if (this.form) {
      this.form.hidden = false;
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.#save(event.submitter ?? this.form.querySelector("[type=submit]"));
      });
      for (const select of this.selects) {
        select.addEventListener("change", () => {
          this.#clearError();
          // The chosen table's host, language and seats, under its choice.
          const details = document.getElementById(select.getAttribute("aria-describedby").split(" ")[0]);
          if (details) details.textContent = select.selectedOptions[0]?.dataset.details ?? "";
        });
      }
    }
    if (this.state === "seated") this.outcome.append(this.#roomLink());
    LiveConnection.shared().addEventListener("frame", (event) => this.#onFrame(event.detail));
  }

  /** Ranked and not seated yet: no first-come seats. */
  get waiting() {
    return BEFORE_SEATING.has(this.state);
  }

  #onFrame(frame) {
    if (frame.session_id !== this.sessionId) return;
    if (frame.type === "seating.assigned") {
      this.#show("seated", { tableId: frame.table_id, topic: frame.topic, rank: frame.rank });
    } else if (frame.type === "seating.unseated") {
      this.#show("unseated");
    } else if (frame.type === "tables.updated" && this.waiting) {
      // The seating ran (people who ranked nothing get no event of their own), or a seat held from
      // before the switch to ranked was given up: the server says which.
      this.#refresh();
    }
  }

  async #save(button) {
    this.#clearError();
    const values = this.selects.map((select) => select.value);
    const chosen = values.filter(Boolean).map(Number);
    if (!values[0]) return this.#fail(t("Choose a table as your 1st choice."), this.selects[0]);
    const twice = values.findIndex((value, n) => value && values.indexOf(value) !== n);
    if (twice >= 0) return this.#fail(t("You chose the same table twice: name each table once."), this.selects[twice]);
    button?.setAttribute("aria-busy", "true");
    try {
      const body = await api("PUT", `/api/v1/sessions/${this.sessionId}/preferences`, { tables: chosen });
      this.#showSaved(body.tables);
      this.status.textContent = t("Your ranking is saved. Your table will show here when everyone is seated.");
    } catch (error) {
      if (error.status === 409) {
        await this.#refresh({ refused: true });
      } else {
        this.#fail(error.fields?.tables ? t("Your ranking was not saved: {reason}", { reason: error.fields.tables }) : error.message, this.selects[0]);
      }
    } finally {
      button?.removeAttribute("aria-busy");
    }
  }

  /** Reads the viewer's ranking and seat again and shows where things stand. */
  async #refresh({ refused = false } = {}) {
    let body;
    try {
      body = await api("GET", `/api/v1/sessions/${this.sessionId}/preferences`);
    } catch (error) {
      if (refused) this.#fail(error.message);
      return;
    }
    if (body.seating_mode !== "ranked") {
      this.#show("first_come");
    } else if (!body.seated_at) {
      const passed = body.ranking_deadline && Date.parse(body.ranking_deadline) <= Date.now();
      if (refused || passed) this.#show("closed", { refused });
    } else if (body.my_table_id !== null) {
      const rank = body.tables.indexOf(body.my_table_id) + 1;
      this.#show("seated", { tableId: body.my_table_id, rank: rank || null });
    } else {
      this.#show(body.unseated ? "unseated" : "done");
    }
  }

  #show(state, { tableId = null, topic = "", rank = null, refused = false } = {}) {
    this.state = state;
    this.root.dataset.state = state;
    this.form?.remove();
    this.form = null;
    let lines;
    switch (state) {
      case "closed":
        lines = [
          refused
            ? t("Ranking closed at the deadline, so this change was not saved. Everyone who ranked is being seated now; your table will show here.")
            : t("Ranking has closed. Everyone who ranked is being seated now; your table will show here."),
        ];
        break;
      case "seated":
        lines = [
          el("p", { class: "ranking__table", text: t("Your table: {topic}", { topic: topic || this.topics.get(tableId) || "" }) }),
          rankNote(rank),
          this.#roomLink(),
        ];
        break;
      case "unseated":
        lines = [
          t("We are sorry: no seat was left for you at the tables you ranked, in a language you speak. You can still take a free seat below, or ask the organisers for help."),
        ];
        break;
      case "done":
        lines = [t("Everyone who ranked has been seated. Free seats are now first come: take one below.")];
        break;
      default:
        lines = [t("This roundtable now seats first come: take a free seat at a table below.")];
        break;
    }
    this.outcome.replaceChildren(...lines.filter(Boolean).map((line) => (line instanceof Node ? line : el("p", { text: line }))));
    if (this.waiting) return;
    const titles = { seated: t("You have a seat"), unseated: t("Your ranking"), done: t("The tables are seated") };
    this.title.textContent = titles[state] ?? t("Take a seat");
    this.saved?.remove();
    this.saved = null;
    for (const lead of document.querySelectorAll("[data-ranking-lead]")) lead.hidden = true;
    for (const lead of document.querySelectorAll("[data-first-come-lead]")) lead.hidden = false;
    this.onSeatsOpen();
  }

  /** A link down to the table's chat and video (tables.js draws them after the list of tables). */
  #roomLink() {
    return el("p", {}, el("a", { href: "#table-room", text: t("Go to your table's chat and video") }));
  }

  #showSaved(tables) {
    if (!this.saved) return;
    const list = el("ol", {}, tables.map((id) => el("li", { text: this.topics.get(id) ?? "" })));
    this.saved.replaceChildren(el("p", { text: t("Your saved ranking:") }), list);
  }

  #fail(text, control) {
    this.status.textContent = "";
    this.error.textContent = text;
    this.error.hidden = false;
    if (control) {
      control.setAttribute("aria-invalid", "true");
      control.focus();
    }
  }

  #clearError() {
    if (!this.error) return;
    this.error.textContent = "";
    this.error.hidden = true;
    for (const select of this.selects) select.removeAttribute("aria-invalid");
  }
}
