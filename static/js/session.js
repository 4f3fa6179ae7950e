// The session page: its bookmark button (the live room brings its own script).
"use strict";

(function () {
  const head = document.querySelector(".page-head--session");
  if (head) window.conference.bindBookmarks(head);
})();
