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

  // The indicator tree: fold or unfold every level.
  document.addEventListener('click', function (ev) {
    var how = ev.target.getAttribute && ev.target.getAttribute('data-fold');
    if (!how) return;
    document.querySelectorAll('#fwtree details').forEach(function (d) { d.open = how === 'open'; });
  });

  // The indicator filter: as you type, show the leaves whose text matches and their
  // folders (the same filter runs on the server when the form is submitted without JS).
  var box = document.getElementById('fwfilter');
  var tree = document.getElementById('fwtree');
  if (box && tree) {
    var filter = function () {
      var q = box.value.trim().toLowerCase();
      tree.querySelectorAll('.leaf').forEach(function (leaf) {
        leaf.hidden = q !== '' && leaf.textContent.toLowerCase().indexOf(q) < 0;
      });
      var folders = Array.prototype.slice.call(tree.querySelectorAll('details')).reverse();
      folders.forEach(function (d) {
        var own = d.querySelector('summary').textContent.toLowerCase().indexOf(q) >= 0;
        var visible = Array.prototype.some.call(d.children, function (c) {
          return c.tagName !== 'SUMMARY' && !c.hidden;
        });
        d.hidden = q !== '' && !visible && !own;
        if (q !== '' && visible) d.open = true;
      });
    };
    box.addEventListener('input', filter);
  }
})();
