// The few lines of script the forum has. Everything works without them; they make htmx swaps
// accessible, one way for all of them: a response announces what changed and says where focus
// goes next, through an HX-Trigger event (forum.web.announce writes it), e.g.
//   HX-Trigger: {"forum:announce": {"message": "Reply posted", "focus": "#post-7", "kind": "success"}}
// The message goes into the page's live region (#messages); focus moves once the new content is in.
(function () {
  "use strict";

  // htmx fires HX-Trigger events before it swaps, so focus waits until the new content is there.
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
  // A response that swaps nothing (a 204) never settles: move focus once it has been handled,
  // unless a swap is still to come (hx-swap with a delay).
  document.addEventListener("htmx:afterRequest", function () {
    if (!document.querySelector("." + htmx.config.swappingClass)) { moveFocus(); }
  });

  // An error shown in place (see errors/_error.html) takes focus so it is read at once.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "messages" && event.detail.failed) {
      event.detail.target.focus();
    }
  });

  // No answer at all (offline, a dropped connection): say so, rather than nothing happening.
  function unreachable() {
    announce({
      message: "The forum could not be reached. Check your connection, then try again.",
      kind: "error",
      focus: "#messages"
    });
    moveFocus();
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:timeout", unreachable);
})();
