// The speed-networking lobby: joins networking:{session}, shows the round, the partner, the reason, the
// video link and a countdown kept by the server's clock; after the round, connect buttons.
import { CountdownAnnouncer, LiveConnection, describeStatus, el, t, tn } from "./live.js";

const root = document.querySelector("[data-lobby]");
const sessionId = Number(root.dataset.session);
const part = (name) => root.querySelector(`[data-lobby-${name}]`);
const connection = LiveConnection.shared();
let clockOffset = 0; // server time minus this browser's time, in ms
let endsAt = null;
let ticker = null;
const spoken = new CountdownAnnouncer(root.parentElement.querySelector("[data-lobby-countdown-status]"));

function syncClock(serverNow) {
  if (serverNow) clockOffset = Date.parse(serverNow) - Date.now();
}

function countdown() {
  const box = part("countdown");
  clearInterval(ticker);
  if (!endsAt) {
    box.hidden = true;
    spoken.reset();
    return;
  }
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - (Date.now() + clockOffset)) / 1000));
    box.hidden = false;
    box.textContent = left > 0
      ? t("{time} left in this round", { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` })
      : t("Time is up: back to the lobby in a moment…");
    spoken.update(left);
    if (left <= 0) clearInterval(ticker);
  };
  tick();
  ticker = setInterval(tick, 1000);
}

function personItem(person) {
  const where = [person.job_title, person.organisation].filter(Boolean).join(", ");
  return el("li", {}, el("a", { href: `/people/${person.id}`, text: person.name }), where ? ` — ${where}` : "");
}

function showPaired(event) {
  syncClock(event.now);
  endsAt = Date.parse(event.ends_at);
  part("heading").textContent = t("Round {n} is on", { n: event.round });
  part("partners").replaceChildren(...event.partner.map(personItem));
  part("reason").textContent = event.reason ? t("Why: {reason}", { reason: event.reason }) : "";
  part("video").href = event.video_url;
  part("partner").hidden = false;
  part("after").hidden = true;
  countdown();
}

function connectItem(person) {
  const status = el("p", { class: "form-status", role: "status" });
  const button = el("button", { type: "button", class: "button button--small button--accent", text: t("Connect with {name}", { name: person.name }) });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const result = await window.conference.api("POST", `/api/v1/people/${person.id}/connect`);
    if (!result.ok) {
      button.disabled = false;
      status.textContent = result.body.error.message;
      return;
    }
    const contact = result.body.contact || t("no contact details shared yet");
    status.textContent = result.body.connection === "connected" ? t("Connected: {contact}", { contact }) : t("Asked: you are connected once they ask too.");
  });
  return el("li", {}, personItem(person).firstChild, el("p", {}, button), status);
}

function showEnded(event) {
  endsAt = null;
  countdown();
  part("heading").textContent = t("Back in the lobby: waiting for the next round");
  part("partner").hidden = true;
  part("connect").replaceChildren(...event.partner.map(connectItem));
  part("after").hidden = event.partner.length === 0;
}

connection.addEventListener("networking.paired", (e) => e.detail.session_id === sessionId && showPaired(e.detail));
connection.addEventListener("networking.ended", (e) => e.detail.session_id === sessionId && showEnded(e.detail));
connection.addEventListener("networking.sat_out", (e) => {
  if (e.detail.session_id !== sessionId) return;
  syncClock(e.detail.now);
  endsAt = Date.parse(e.detail.ends_at);
  part("heading").textContent = t("Round {n}: you sit this one out", { n: e.detail.round });
  part("partner").hidden = true;
  countdown();
});
connection.addEventListener("status", (e) => {
  const status = describeStatus(e.detail);
  root.querySelector("[data-live-status]").textContent = status.text;
});

connection.subscribe(root.dataset.channel, (frame) => {
  const count = frame.type === "presence" ? frame.count : frame.type === "joined" ? frame.presence?.count : undefined;
  if (typeof count === "number") part("present").textContent = tn("{n} person in the lobby", "{n} people in the lobby", count);
  if (frame.type === "networking.round") {
    syncClock(frame.now);
    if (!frame.running) return;
    part("heading").textContent = t("Round {n} is running", { n: frame.round });
  }
});

async function load() {
  const result = await window.conference.api("GET", `/api/v1/networking/${sessionId}`);
  if (!result.ok) return;
  const state = result.body;
  syncClock(state.now);
  if (state.round && state.round.running && state.mine) {
    showPaired({ ...state.mine, round: state.round.number, ends_at: state.round.ends_at, now: state.now });
  } else if (state.round && state.round.running) {
    endsAt = Date.parse(state.round.ends_at);
    countdown();
  }
}

const start = root.querySelector("[data-lobby-start]");
if (start) {
  start.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = start.querySelector(".form-status");
    const seconds = Number(start.querySelector("input[name=duration_seconds]").value);
    const result = await window.conference.api("POST", "/api/v1/networking/rounds", { session_id: sessionId, duration_seconds: seconds });
    if (!result.ok) {
      status.textContent = result.body.error.message;
      status.dataset.tone = "error";
      return;
    }
    const round = result.body;
    syncClock(round.started_at);
    endsAt = Date.parse(round.ends_at);
    countdown();
    status.dataset.tone = "ok";
    status.textContent = tn("Round {round} started: {n} group", "Round {round} started: {n} groups", round.groups.length, { round: round.round }) + (round.unpaired.length ? t(", {count} sitting out", { count: round.unpaired.length }) : "") + ".";
  });
}

connection.start();
load();
