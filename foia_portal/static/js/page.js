// Loaded at the end of every page, after the design system's script.
(function () {
  var root = document.documentElement;
  // If the design system's script did not load, fall back to the no-JavaScript layout.
  if (!window.uswdsPresent) { root.className = root.className.replace(/\bjs\b/, "no-js"); }

  // Details asked for only when a box is ticked (a fee waiver's reason): shown while it is
  // ticked. Without JavaScript they are always shown.
  document.querySelectorAll("[data-revealed-by]").forEach(function (details) {
    var box = document.getElementById(details.getAttribute("data-revealed-by"));
    if (!box) { return; }
    box.setAttribute("aria-controls", details.id);
    var sync = function () { details.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });

  // A form shown again keeps its text: make the character counters say what is left of it.
  // The design system counts on typing only, and starts listening at DOMContentLoaded.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".usa-character-count__field").forEach(function (field) {
      if (field.value) { field.dispatchEvent(new Event("input", { bubbles: true })); }
    });
  });

  // Move keyboard and screen reader focus to a form's error summary.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }
})();
