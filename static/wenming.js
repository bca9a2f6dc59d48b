// wenming — small progressive enhancements; every page works without this file.
(function () {
  'use strict';
  // Forms that destroy or revoke something ask first.
  document.addEventListener('submit', function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  }, true);
})();
