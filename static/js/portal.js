// SOP Portal's own script: small behaviours that must not be inline (Content-Security-Policy).
(function () {
  "use strict";

  // A form came back with errors: move focus to the summary so that it is read out first.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // A link of the summary puts the cursor into the field itself, not only scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#error-summary a[href^='#']") : null;
    var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (field) {
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    }
  });

  // The name of a scrolling box: its table's caption, its chart's label or its section's heading.
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var chart = box.querySelector("svg[aria-label]");
    if (chart) {
      return chart.getAttribute("aria-label");
    }
    var section = box.closest("section");
    var heading = section ? section.querySelector("h1, h2, h3") : null;
    return heading ? heading.textContent.trim() : "";
  }

  // A wide table or chart scrolls inside its box on a phone: the box then needs a name and a tab
  // stop, so that keyboard users can scroll it too. A box that fits gets neither.
  function labelScrollBoxes() {
    var boxes = document.querySelectorAll(".table-responsive, .overflow-auto, .scroll-box");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth) {
        var label = box.dataset.label || nameOf(box);
        box.setAttribute("role", "region");
        box.setAttribute("tabindex", "0");
        box.setAttribute("aria-label", label || document.title);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("role");
        box.removeAttribute("tabindex");
        box.removeAttribute("aria-label");
      }
    }
  }

  function ready() {
    focusErrorSummary();
    labelScrollBoxes();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(labelScrollBoxes, 150);
  });
  // The cycle list's table is replaced by htmx when it is filtered.
  document.addEventListener("htmx:afterSwap", labelScrollBoxes);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
