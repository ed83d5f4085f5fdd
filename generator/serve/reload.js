// Live reload for `briefing serve`. Served by the preview server at /__briefing__/reload.js
// and added to pages only while previewing; it is never part of a build.
// The server sends the number of its latest build; a page showing another build reloads.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") : null;
  // The page says which it is: the server renders open pages first after an edit.
  var events = new EventSource(
    "/__briefing__/events?page=" + encodeURIComponent(window.location.pathname)
  );
  events.onmessage = function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  };
})();
