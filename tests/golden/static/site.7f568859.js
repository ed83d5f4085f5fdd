// briefing theme: progressive enhancement shared by every page.
// Without JavaScript the header offers a link to the search page (search cannot run
// anyway); with it, the link gives way to a search box that opens the same page.
"use strict";

(function () {
  const box = document.querySelector("form.search-box[hidden]");
  if (!box) {
    return;
  }
  box.hidden = false;
  for (const link of document.querySelectorAll(".search-link")) {
    link.hidden = true;
  }
})();
