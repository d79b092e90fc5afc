// Seat time: while this tab is visible, tell the server the learner is still reading.
// The server decides how much time each heartbeat credits (at most one interval), so a
// hidden tab, a paused laptop or a fast clock cannot inflate it.
(function () {
  "use strict";
  const box = document.querySelector("[data-seat-time]");
  if (!box) return;
  const url = box.dataset.heartbeatUrl;
  const seconds = Number(box.dataset.heartbeatSeconds) || 30;
  const status = box.querySelector("[data-seat-time-status]");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  let timer = null;

  function show(remaining) {
    if (!status) return;
    if (remaining > 0) {
      const minutes = Math.ceil(remaining / 60);
      status.textContent = `Reading time still needed: about ${minutes} minute${minutes === 1 ? "" : "s"}.`;
    } else {
      status.textContent = "You have met the reading time for this module.";
    }
  }

  async function beat() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      show(data.remaining_seconds);
      if (data.remaining_seconds <= 0 || data.completed) stop();
    } catch (error) {
      // Offline for a moment: the next heartbeat tries again.
    }
  }

  function start() {
    if (timer === null) timer = window.setInterval(beat, seconds * 1000);
  }
  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") start();
    else stop();
  });
  if (document.visibilityState === "visible") start();
})();
