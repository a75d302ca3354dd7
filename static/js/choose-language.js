/* The start page of a static copy: go to the reader's language, as the server's redirect does.
 *
 * Module root: [data-module~="choose-language"], the list of links to the three home pages.
 * Without JavaScript, or when no language matches, the page's plain links remain.
 *
 * The matching link is followed as a tap would follow it, once every script has started (the
 * "load" event), so the reader module can open the page inside this address. Where nothing
 * takes the tap (a copy opened from file://), replace(): Back then leaves the site instead of
 * returning here and bouncing forward again.
 */
(function () {
  'use strict';
  var NAME = 'choose-language';

  function wanted(root) {
    var links = {};
    Array.prototype.forEach.call(root.querySelectorAll('a[hreflang]'), function (link) {
      links[link.hreflang] = links[link.hreflang] || link;
    });
    var languages = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < languages.length; i++) {
      var code = String(languages[i]).toLowerCase().split('-')[0];
      if (links[code]) return links[code];
    }
    return null;
  }

  function follow(link) {
    function unless(event) {
      window.removeEventListener('click', unless);
      if (event.defaultPrevented) return;
      event.preventDefault();
      location.replace(link.href);
    }
    window.addEventListener('click', unless); // after every listener on the document
    link.click();
  }

  function start(root) {
    var link = wanted(root);
    if (!link) return;
    if (document.readyState === 'complete') {
      follow(link);
    } else {
      window.addEventListener('load', function () { follow(link); }, { once: true });
    }
  }

  // GOV.UK-style start-up: each root once, now and whenever the reader brings in new content.
  function startAll(scope) {
    var selector = '[data-module~="' + NAME + '"]';
    var roots = Array.prototype.slice.call(scope.querySelectorAll(selector));
    if (scope.matches && scope.matches(selector)) roots.unshift(scope);
    roots.forEach(function (root) {
      if (root.hasAttribute('data-' + NAME + '-init')) return;
      root.setAttribute('data-' + NAME + '-init', '');
      start(root);
    });
  }

  startAll(document);
  document.addEventListener('tirek:content', function (event) { startAll(event.target); });
})();
