// People pages: "no thanks", block, connect, and asking for a meeting in one of the slots shown.
"use strict";

(function () {
  const { api, t } = window.conference;

  function statusNear(element) {
    const box = element.closest(".card, form");
    return box ? box.querySelector(".form-status") : null;
  }

  function say(element, text, tone) {
    const status = statusNear(element);
    if (!status) return;
    status.textContent = text;
    status.dataset.tone = tone || "info";
  }

  async function act(button, method, path, after) {
    button.disabled = true;
    const result = await api(method, path);
    if (!result.ok) {
      button.disabled = false;
      say(button, result.body.error.message, "error");
      return;
    }
    after(result.body);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const id = button.dataset.id;
    if (button.classList.contains("js-no-thanks")) {
      act(button, "POST", `/api/v1/people/${id}/hide`, () => {
        const card = button.closest(".person-card");
        if (card) {
          card.replaceChildren();
          const note = document.createElement("p");
          note.className = "muted";
          note.textContent = t("We will not suggest {name} again.", { name: button.dataset.name });
          card.append(note);
        } else {
          window.location.reload();
        }
      });
    } else if (button.classList.contains("js-block")) {
      if (!window.confirm(t("Block {name}? Neither of you will be able to message, meet or be suggested to the other.", { name: button.dataset.name }))) return;
      act(button, "POST", `/api/v1/people/${id}/block`, () => window.location.reload());
    } else if (button.classList.contains("js-suggest-again")) {
      act(button, "DELETE", `/api/v1/people/${id}/hide`, () => window.location.reload());
    } else if (button.classList.contains("js-unblock")) {
      act(button, "DELETE", `/api/v1/people/${id}/block`, () => window.location.reload());
    } else if (button.classList.contains("js-connect")) {
      act(button, "POST", `/api/v1/people/${id}/connect`, () => window.location.reload());
    } else if (button.classList.contains("js-disconnect")) {
      act(button, "DELETE", `/api/v1/people/${id}/connect`, () => window.location.reload());
    } else if (button.classList.contains("js-request")) {
      requestMeeting(button);
    }
  });

  async function requestMeeting(button) {
    const form = button.closest("form.js-meet");
    const message = form.querySelector("textarea[name=message]").value;
    const name = document.querySelector("[data-person]").dataset.name;
    button.disabled = true;
    say(button, t("Sending your request…"));
    const result = await api("POST", "/api/v1/meetings", {
      invitee_id: Number(form.dataset.invitee),
      start: button.dataset.start,
      message,
    });
    if (!result.ok) {
      button.disabled = false;
      say(button, result.body.error.message, "error");
      return;
    }
    button.textContent = t("Requested");
    button.closest("tr").classList.add("slot--requested");
    say(button, t("Request sent. {name} will answer in My meetings; you will see it there too.", { name }), "ok");
  }
})();
