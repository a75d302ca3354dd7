// The start page of a static copy: go to the reader's language, as the server's redirect does.
// Without JavaScript, or when no language matches, the page's plain links remain.
(function () {
  "use strict";
  var list = document.querySelector("[data-choose-language]");
  if (!list) return;
  var links = {};
  Array.prototype.forEach.call(list.querySelectorAll("a[hreflang]"), function (link) {
    links[link.hreflang] = link.href;
  });
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase().split("-")[0];
    if (links[code]) {
      // replace(): Back leaves the site instead of returning here and bouncing forward again.
      window.location.replace(links[code]);
      return;
    }
  }
})();
