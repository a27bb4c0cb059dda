document.documentElement.classList.add("js");
// Keep every form on the decision editor at the version the server last confirmed, so the
// person's own htmx saves never look stale to the server; edits by others still do.
document.addEventListener("htmx:afterRequest", (event) => {
  const version = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Decision-Version");
  if (!version) return;
  for (const input of document.querySelectorAll('input[name="version"]')) input.value = version;
});
