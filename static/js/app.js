// Site-wide behaviour: the CSRF-aware API helper, sign-out, the time zone cookie, bookmark buttons.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  const TZ_COOKIE = "tz";
  const TZ_MAX_AGE_SECS = 365 * 24 * 3600;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Calls the JSON API; resolves to {ok, status, body} and never throws on an HTTP error status.
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    const token = csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
    const options = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, body: { error: { code: "network", message: "We could not reach the server. Check your connection and try again.", fields: {} } } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok && !(data && data.error)) {
      data = { error: { code: "http", message: "Something went wrong (" + response.status + "). Please try again.", fields: {} } };
    }
    return { ok: response.ok, status: response.status, body: data };
  }

  function readCookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("=").replace(/^"(.*)"$/, "$1"));
    }
    return "";
  }

  function rememberTimezone(zone) {
    if (!/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return; // IANA names need no escaping in a cookie
    document.cookie = TZ_COOKIE + "=" + zone + "; max-age=" + TZ_MAX_AGE_SECS + "; path=/; samesite=lax";
    try {
      localStorage.setItem(TZ_COOKIE, zone);
    } catch (error) {
      // storage may be disabled; the cookie alone still works
    }
  }

  function storedTimezone() {
    try {
      return localStorage.getItem(TZ_COOKIE) || "";
    } catch (error) {
      return "";
    }
  }

  function browserTimezone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  // A polite live region for short confirmations ("Added to your agenda").
  let statusRegion = null;
  function announce(message) {
    if (!statusRegion) {
      statusRegion = document.createElement("div");
      statusRegion.className = "visually-hidden";
      statusRegion.setAttribute("role", "status");
      document.body.appendChild(statusRegion);
    }
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = message; }, 50);
  }

  function showAlert(message) {
    const area = document.getElementById("announcements");
    if (!area) return;
    const item = document.createElement("p");
    item.className = "announcement announcement--error";
    item.textContent = message;
    area.replaceChildren(item);
  }

  function bindBookmarks(root) {
    root.addEventListener("click", async function (event) {
      const button = event.target.closest(".js-bookmark");
      if (!button || button.getAttribute("aria-busy") === "true") return;
      const pressed = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-busy", "true");
      const result = await api(pressed ? "DELETE" : "PUT", "/api/v1/me/bookmarks/" + button.dataset.sessionId);
      button.removeAttribute("aria-busy");
      if (result.ok) {
        button.setAttribute("aria-pressed", pressed ? "false" : "true");
        announce(pressed ? "Removed from your agenda" : "Added to your agenda");
      } else {
        showAlert(result.body.error.message);
      }
    });
  }

  function bindLogout() {
    for (const form of document.querySelectorAll(".js-logout")) {
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        await api("POST", form.action);
        window.location.assign("/");
      });
    }
  }

  window.conference = { api, csrfToken, readCookie, rememberTimezone, storedTimezone, browserTimezone, announce, showAlert, bindBookmarks };

  bindLogout();
  for (const input of document.querySelectorAll(".js-detect-tz")) {
    input.value = browserTimezone();
  }
})();
