// wenming — keys of the review view and the queue (issue 9); the pages work without it.
// j / k: the next / previous document (the links the server computed), a: approve,
// r: write the return comment.  Keys are ignored while typing in a field.  On the queue a
// box in the header ticks every row.
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
