// Say so when an htmx request fails (server error, site unavailable, network down): htmx does not
// swap those answers, so without this the person would see nothing happen. Their input stays.
(() => {
  const MESSAGES = {
    503: "The site is unavailable for a moment (its database is restarting). Nothing was saved; try again in a few seconds.",
    403: "Your account may not make this change.",
    413: "What you sent is too large for the site. Shorten it or split it; your input is still here.",
  };
  function show(text) {
    const region = document.getElementById("request-problem");
    if (!region) return;
    region.textContent = text;
    region.hidden = false;
  }
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    show(MESSAGES[status] || `The server could not do this (error ${status}). Nothing was saved; try again.`);
  });
  document.addEventListener("htmx:sendError", () => {
    show("The site could not be reached. Check your connection; nothing was saved, your input is still here.");
  });
  document.addEventListener("htmx:beforeRequest", () => {
    const region = document.getElementById("request-problem");
    if (region) region.hidden = true;
  });
})();

// Ids written in documents carry a "user-content-" prefix (so no document can clobber the page's
// own ids); a link copied from GitHub or written before, like #rationale, still finds its heading.
(() => {
  function follow() {
    const name = decodeURIComponent(location.hash.slice(1));
    if (!name || document.getElementById(name)) return;
    const target = document.getElementById(`user-content-${name}`);
    if (target) target.scrollIntoView();
  }
  window.addEventListener("hashchange", follow);
  document.addEventListener("DOMContentLoaded", follow);
})();
