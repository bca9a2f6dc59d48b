// wenming — keys of the review view and the queue (issue 9); the pages work without it.
// j / k: the next / previous document (the links the server computed), a: approve,
// r: write the return comment.  Keys are ignored while typing in a field.  On the queue j / k
// move between the rows (Enter opens one), x ticks a row, and a box in the header ticks all.
(function () {
  'use strict';
  function typing(t) {
    var n = t && t.tagName;
    return n === 'INPUT' || n === 'TEXTAREA' || n === 'SELECT' || (t && t.isContentEditable);
  }
  function follow(id) {
    var a = document.getElementById(id);
    if (a && a.href) window.location.href = a.href;
  }
  // The queue: one box ticks every row of the page.
  var all = document.getElementById('select-all');
  if (all) {
    all.hidden = false;
    all.addEventListener('change', function () {
      document.querySelectorAll('#queue tbody input[type=checkbox]').forEach(function (b) {
        b.checked = all.checked;
      });
    });
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    var approve = document.getElementById('approve-form');
    var comment = document.getElementById('return-comment');
    var queue = document.getElementById('queue');
    if (queue && (ev.key === 'j' || ev.key === 'k' || ev.key === 'x')) {
      // the queue: j / k move between the rows (Enter opens one), x ticks the row
      var links = Array.prototype.slice.call(queue.querySelectorAll('tbody a[data-open]'));
      var at = links.indexOf(document.activeElement);
      ev.preventDefault();
      if (ev.key === 'x') {
        var box = at >= 0 && links[at].closest('tr').querySelector('input[type=checkbox]');
        if (box) box.checked = !box.checked;
        return;
      }
      var to = ev.key === 'j' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
      if (links[to]) links[to].focus();
      return;
    }
    switch (ev.key) {
      case 'j': follow('next'); break;
      case 'k': follow('prev'); break;
      case 'a':
        if (approve) {
          ev.preventDefault();
          if (approve.requestSubmit) approve.requestSubmit(); else approve.submit();
        }
        break;
      case 'r':
        if (comment) { ev.preventDefault(); comment.focus(); }
        break;
      default: return;
    }
  });
})();
