// Show the rebuilt page as soon as the preview server announces it (Server-Sent Events). The new
// page replaces this one's head and body in place: no navigation, so the reader keeps their
// place on the page and the event stream stays open. Scripts in the new body do not run again.
(() => {
  const page = document.currentScript.dataset.page;
  const events = new EventSource("/_events");
  events.addEventListener("change", async (event) => {
    if (event.data !== page) return;
    const response = await fetch(location.pathname, { cache: "no-store" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const name of ["lang", "dir", "class"]) {
      const value = fresh.documentElement.getAttribute(name);
      if (value === null) document.documentElement.removeAttribute(name);
      else document.documentElement.setAttribute(name, value);
    }
    document.head.replaceWith(fresh.head);
    document.body.replaceWith(fresh.body);
    document.dispatchEvent(new Event("preview:refreshed"));
  });
})();
