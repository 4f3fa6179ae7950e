// The organisers' dashboard: polls the live figures and redraws the server-side SVG charts when they change.
// Charts come from our own server (conference/charts.py escapes every text); session titles in the table
// are set with textContent.

const POLL_MS = 5000;
const root = document.getElementById("dashboard");
const numbers = new Intl.NumberFormat("en-GB");
const status = document.getElementById("stats-status");
const timeNode = document.getElementById("stats-time");
const dot = status?.querySelector(".live-status__dot");
let lastKey = null;
let timer = null;

function lookup(data, path) {
  return path.split(".").reduce((value, part) => (value == null ? value : value[part]), data);
}

function setStatus(text, tone) {
  // Only problems are announced: a screen reader should not hear the clock every five seconds.
  document.getElementById("stats-alert").textContent = tone === "ok" ? "" : text;
  status.dataset.tone = tone;
  if (tone === "ok") status.replaceChildren(dot, "Updated ", timeNode, " (UTC)");
  else status.textContent = text;
}

function updateCards(stats) {
  for (const node of root.querySelectorAll("[data-stat]")) {
    const value = lookup(stats, node.dataset.stat);
    const text = typeof value === "number" ? numbers.format(value) : "–";
    if (node.textContent !== text) {
      node.textContent = text;
      node.classList.remove("is-changed");
      void node.offsetWidth; // restart the highlight animation
      node.classList.add("is-changed");
    }
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = String(text);
  return td;
}

function updateBusiest(stats) {
  const body = document.querySelector("#busiest-table tbody");
  const rows = stats.busiest_sessions.map((s) => {
    const tr = document.createElement("tr");
    const title = document.createElement("td");
    const link = document.createElement("a");
    link.href = `/sessions/${s.session_id}`;
    link.textContent = s.title;
    title.append(link);
    tr.append(title, cell(s.online, "num"), cell(s.bookmarks, "num"), cell(s.messages, "num"));
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement("tr");
    tr.className = "data-table__empty";
    const td = cell("No one has bookmarked or joined a session yet.");
    td.colSpan = 4;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

async function redrawChart(figure) {
  const response = await fetch(`/api/v1/admin/stats/${figure.dataset.chart}.svg`, { credentials: "same-origin" });
  if (!response.ok) return;
  const parsed = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg") return;
  figure.querySelector(".chart-card__plot").replaceChildren(document.importNode(svg, true));
}

async function tick() {
  timer = null;
  if (document.hidden) return;
  try {
    const response = await fetch(root.dataset.statsUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.status === 401 || response.status === 403) {
      setStatus("You are no longer signed in as an organiser; reload the page to sign in again.", "error");
      return; // stop polling
    }
    if (!response.ok) throw new Error(String(response.status));
    const stats = await response.json();
    timeNode.dateTime = stats.generated_at;
    timeNode.textContent = stats.generated_at.slice(11, 19);
    setStatus("", "ok");
    updateCards(stats);
    const key = JSON.stringify({ ...stats, generated_at: null });
    if (key !== lastKey) {
      if (lastKey !== null) {
        updateBusiest(stats);
        await Promise.all([...root.querySelectorAll("[data-chart]")].map(redrawChart));
      }
      lastKey = key;
    }
  } catch {
    setStatus("Could not refresh the figures; trying again…", "warn");
  }
  schedule();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(tick, POLL_MS);
}

if (root) {
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) tick();
  });
  tick();
}
