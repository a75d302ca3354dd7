/* The neutral name in the browser's title bar, tab list and History, from the first moment.
 *
 * Loaded before the page's own <title>, without defer: the title it creates comes first in the
 * document, so the browser never shows (or records) the page's real title, which stays in the
 * HTML for readers without JavaScript. The name is in data-app-name (TIREK_APP_NAME).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var name = script && script.getAttribute('data-app-name');
  if (name) document.title = name;
})();
