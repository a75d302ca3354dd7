/* Moving between pages of this site replaces the current history entry instead of adding one,
 * so that after a quick exit the Back button cannot return to any page of this site.
 * The pages' own links ("All topics" and others) are the way back instead.
 */
(function () {
  'use strict';

  function sameSite(url) {
    return url.protocol === location.protocol && url.host === location.host;
  }

  function samePage(url) {
    return url.pathname === location.pathname && url.search === location.search;
  }

  function go(url) {
    location.replace(url.href);
    if (url.hash && samePage(url)) focusTarget(url.hash.slice(1));
  }

  // A replaced fragment navigation scrolls but may not move focus: the skip link needs it to.
  function focusTarget(id) {
    var target = document.getElementById(decodeURIComponent(id));
    if (target && target.hasAttribute('tabindex')) target.focus();
  }

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // new tab/window
    var link = event.target.closest ? event.target.closest('a[href]') : null;
    if (!link || link.hasAttribute('data-quick-exit') || link.hasAttribute('download')) return;
    if (link.target && link.target !== '_self') return;
    var url = new URL(link.href, location.href);
    if (!sameSite(url)) return;
    event.preventDefault();
    go(url);
  });

  // GET forms (search) too; POST forms (removal) leave the site anyway.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute('method') || 'get').toLowerCase() !== 'get') return;
    if (form.target && form.target !== '_self') return;
    var url = new URL(form.getAttribute('action') || location.href, location.href);
    if (!sameSite(url)) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    url.search = new URLSearchParams(data).toString();
    url.hash = '';
    go(url);
  });
})();
