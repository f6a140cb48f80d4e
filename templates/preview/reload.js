// Reload this page when the preview server announces it was rebuilt (Server-Sent Events).
(() => {
  const page = document.currentScript.dataset.page;
  const events = new EventSource("/_events");
  events.addEventListener("change", (event) => {
    if (event.data === page) location.reload();
  });
})();
