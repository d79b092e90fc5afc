// Taking a quiz: save answers in the background as they change, and show the time left.
// The server enforces the deadline whatever this script shows; without JavaScript the Save
// and Submit buttons do the same work.
(function () {
  "use strict";
  const form = document.querySelector("[data-attempt-form]");
  if (!form) return;
  const status = document.querySelector("[data-save-status]");

  async function save() {
    const data = new FormData(form);
    data.append("save", "1");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (body.result_url) {
        // The attempt was closed (time up, or submitted in another tab): show its result.
        window.location.assign(body.result_url);
      } else if (!response.ok) {
        status.textContent = body.detail || "Your answers could not be saved.";
      } else if (body.status !== "open") {
        window.location.reload();
      } else {
        status.textContent = "Answers saved.";
      }
    } catch (error) {
      status.textContent = "Not saved: check your connection. Use Save answers to try again.";
    }
  }
  form.addEventListener("change", save);

  const deadline = document.querySelector("[data-deadline]");
  const clock = document.querySelector("[data-countdown]");
  if (!deadline || !clock) return;
  const end = new Date(deadline.getAttribute("datetime")).getTime();
  let lastAnnounced = null;
  function tick() {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    clock.textContent = `Time left: ${minutes}:${seconds}`;
    // Screen readers hear the time once a minute, not every second.
    if (minutes !== lastAnnounced) {
      clock.setAttribute("aria-label", `Time left: about ${minutes + 1} minutes`);
      lastAnnounced = minutes;
    }
    if (left === 0) {
      window.clearInterval(timer);
      form.querySelector("button[name=submit]").click();
    }
  }
  const timer = window.setInterval(tick, 1000);
  tick();
})();
