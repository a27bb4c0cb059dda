// The sign-off panel: a final comment period's end in the reader's own time zone, with the time
// left. The server writes the end in UTC (<time datetime> holds the exact instant), so without
// JavaScript the page still says when it ends.
(function () {
  "use strict";

  function left(ms) {
    if (ms <= 0) return "ended; reload the page to see the outcome";
    const minutes = Math.floor(ms / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const parts = [];
    if (days) parts.push(days + (days === 1 ? " day" : " days"));
    if (hours || days) parts.push(hours + (hours === 1 ? " hour" : " hours"));
    if (!days) parts.push((minutes % 60) + " min");
    return parts.join(" ") + " left";
  }

  function update(root) {
    root.querySelectorAll("time[data-countdown]").forEach(function (time) {
      const end = new Date(time.getAttribute("datetime"));
      if (isNaN(end)) return;
      // dateStyle cannot be combined with timeZoneName: the parts are spelled out.
      time.textContent = end.toLocaleString(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
      });
      time.title = end.toISOString().replace(".000Z", "Z") + " (UTC)";
      const note = time.parentElement.querySelector("[data-time-left]");
      if (note) note.textContent = note.previousElementSibling && note.previousElementSibling.tagName === "BR"
        ? left(end - Date.now()) : " (" + left(end - Date.now()) + ")";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { update(document); });
  document.addEventListener("htmx:afterSwap", function (event) { update(event.target); });
  setInterval(function () { update(document); }, 60000);
})();
