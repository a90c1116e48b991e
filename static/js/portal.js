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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
