// The few lines of script the forum has. Everything works without them; they make htmx swaps
// accessible: a response announces what changed and says where focus goes next, through an
// HX-Trigger event, e.g. HX-Trigger: {"forum:announce": {"message": "Reply posted", "focus": "#post-7"}}
(function () {
  "use strict";

  // htmx fires HX-Trigger events before it swaps, so focus waits until the new content settles.
  var pendingFocus = null;

  function announce(detail) {
    var region = document.getElementById("messages");
    if (detail.message && region) {
      var p = document.createElement("p");
      p.className = "message message-" + (detail.kind || "info");
      p.textContent = detail.message;
      region.replaceChildren(p);
    }
    pendingFocus = detail.focus || null;
  }

  function moveFocus() {
    var target = pendingFocus && document.querySelector(pendingFocus);
    pendingFocus = null;
    if (target) {
      if (!target.hasAttribute("tabindex") && !target.matches("a, button, input, select, textarea")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  }

  document.addEventListener("forum:announce", function (event) { announce(event.detail || {}); });
  document.addEventListener("htmx:afterSettle", moveFocus);

  // An error shown in place (see errors/_error.html) takes focus so it is read at once.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "messages" && event.detail.failed) {
      event.detail.target.focus();
    }
  });
})();
