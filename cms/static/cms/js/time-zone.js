// An empty time-zone list (sign-up, profile) starts at the browser's own zone, when the list
// has it, and says so; the learner can still choose another zone or the site default before
// saving. Without JavaScript the field stays empty and times are shown in the site's zone.
(function () {
  "use strict";
  const select = document.querySelector("select[data-browser-time-zone]");
  if (!select || select.value) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!Array.from(select.options).some((option) => option.value === zone)) return;
  select.value = zone;
  const note = document.createElement("span");
  note.className = "helptext";
  note.id = select.id + "_browser";
  note.textContent = "Filled in from your browser's time zone. Change it if it is wrong.";
  select.insertAdjacentElement("afterend", note);
  const described = select.getAttribute("aria-describedby");
  select.setAttribute("aria-describedby", described ? described + " " + note.id : note.id);
})();
