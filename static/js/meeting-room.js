// A meeting's room: its chat on the tab's live connection (the video opens in its own tab).
import { ChatPanel, LiveConnection, describeStatus, t } from "./live.js";

const root = document.querySelector("[data-meeting-chat]");
if (root) {
  const connection = LiveConnection.shared();
  const status = document.querySelector("[data-live-status]");
  const show = (detail) => {
    const described = describeStatus(detail);
    status.textContent = described.text;
    status.dataset.tone = described.tone;
  };
  connection.addEventListener("status", (event) => show(event.detail));
  const viewer = { id: Number(root.dataset.userId), name: root.dataset.userName, moderator: false };
  new ChatPanel(root, { connection, channel: root.dataset.channel, viewer, label: t("Chat") });
  connection.addEventListener("meeting.cancelled", () => window.location.reload());
  connection.start();
}
