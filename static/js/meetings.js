// My meetings and a meeting's page: accept, decline or cancel, then show the new state.
"use strict";

(function () {
  const { api, t } = window.conference;

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.js-meeting");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "cancel" && !window.confirm(t("Cancel this meeting? The other person is told at once."))) return;
    button.disabled = true;
    const result = await api("POST", `/api/v1/meetings/${button.dataset.id}/${action}`);
    if (!result.ok) {
      button.disabled = false;
      const status = button.closest(".meeting").querySelector(".form-status");
      status.textContent = result.body.error.message;
      status.dataset.tone = "error";
      return;
    }
    window.location.reload();
  });
})();
