// Countdowns kept by the server's clock: every breakout event carries the server's `now`, so a
// browser whose clock is off still shows the time the server will close the rooms.
import { t, tn } from "./live.js";

/** Milliseconds to add to Date.now() to get the server's time, from a server timestamp just received. */
export function serverOffset(serverNowIso) {
  const server = Date.parse(serverNowIso);
  return Number.isNaN(server) ? 0 : server - Date.now();
}

/** "m:ss" (or "h:mm:ss") of the time left; "0:00" once it has passed. */
export function formatLeft(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Spoken form for screen readers, rounded to the minute ("about 4 minutes left"). */
export function describeLeft(ms) {
  const minutes = Math.round(Math.max(0, ms) / 60000);
  if (ms <= 0) return t("Time is up");
  if (minutes <= 1) return t("Less than a minute left");
  return tn("About {n} minute left", "About {n} minutes left", minutes);
}

/**
 * Updates `element` with the time left until `endsAt` (ISO) on the server's clock, twice a second.
 * `set(endsAt, nowIso)` moves the end; `stop()` ends the updates.
 */
export class Countdown {
  constructor(element, { onExpired = () => {}, label = null } = {}) {
    this.element = element;
    this.label = label;
    this.onExpired = onExpired;
    this.endsAt = null;
    this.offset = 0;
    this.timer = null;
    this.lastSpoken = "";
  }

  set(endsAtIso, serverNowIso) {
    this.endsAt = Date.parse(endsAtIso);
    if (serverNowIso) this.offset = serverOffset(serverNowIso);
    this.expired = false;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.#tick(), 500);
    this.#tick();
  }

  get left() {
    return this.endsAt === null ? 0 : this.endsAt - (Date.now() + this.offset);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.endsAt = null;
  }

  #tick() {
    const left = this.left;
    this.element.textContent = formatLeft(left);
    this.element.dataset.urgent = left < 60000 ? "true" : "false";
    if (this.label) {
      // The visible clock changes every second; the spoken label only when its words change.
      const spoken = describeLeft(left);
      if (spoken !== this.lastSpoken) {
        this.label.textContent = spoken;
        this.lastSpoken = spoken;
      }
    }
    if (left <= 0 && !this.expired) {
      this.expired = true;
      this.onExpired();
    }
  }
}
