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

  // A button that destroys something asks first (data-confirm-click on the button).
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest && ev.target.closest('[data-confirm-click]');
    if (t && !window.confirm(t.getAttribute('data-confirm-click'))) ev.preventDefault();
  }, true);

  // Replace the parts of this page that show the documents (the list, the order form)
  // with those of a fresh copy of the page, so that the list is in step after uploads.
  function refreshList() {
    return fetch(window.location.href, { credentials: 'same-origin' }).then(function (resp) {
      if (!resp.ok) throw new Error(String(resp.status));
      return resp.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      ['table.docs', 'details.order-text'].forEach(function (sel) {
        var fresh = doc.querySelector(sel), old = document.querySelector(sel);
        if (fresh && old) old.replaceWith(fresh);
        else if (fresh && !old) {
          var table = document.querySelector('table.docs');
          if (table) table.insertAdjacentElement('afterend', fresh);
        } else if (old && !fresh) old.remove();
      });
      initReorder();
    });
  }

  // Uploads: drag-and-drop onto the file field, one request per file in the order the user
  // chose them (so the serials follow that order), a progress bar and an outcome in words
  // per file, and the list refreshed afterwards; without JavaScript the form posts as it is.
  var form = document.getElementById('upload');
  if (form && window.FormData && window.XMLHttpRequest) {
    var input = form.querySelector('input[type=file]');
    var drop = form.querySelector('label.drop');
    var list = document.getElementById('upload-progress');
    ['dragenter', 'dragover'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (t) {
      drop.addEventListener(t, function () { drop.classList.remove('over'); });
    });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    var busy = false;
    form.addEventListener('submit', function (e) {
      if (!input.files.length) return;
      e.preventDefault();
      if (busy) return;
      busy = true;
      var csrf = form.querySelector('input[name=csrf]').value;
      var files = Array.prototype.slice.call(input.files);
      var fields = [];
      form.querySelectorAll('input:not([type=file]), select').forEach(function (el) {
        if (el.name && el.name !== 'csrf' && el.value) fields.push([el.name, el.value]);
      });
      var ok = 0, failed = 0;
      list.textContent = '';
      var rows = files.map(function (file) {
        var li = document.createElement('li');
        li.className = 'waiting';
        var name = document.createElement('span');
        name.className = 'name';
        name.textContent = file.name;
        var bar = document.createElement('progress');
        bar.max = 100; bar.value = 0;
        var state = document.createElement('span');
        state.className = 'state';
        state.textContent = '等待上传';
        li.appendChild(name); li.appendChild(bar); li.appendChild(state);
        list.appendChild(li);
        return { file: file, li: li, bar: bar, state: state };
      });
      function finish() {
        busy = false;
        input.value = '';
        var sum = document.createElement('li');
        sum.className = 'summary ' + (failed ? 'failed' : 'done');
        sum.textContent = failed ? '已上传 ' + ok + ' 件，未上传 ' + failed + ' 件。'
          : '已上传 ' + ok + ' 件。';
        list.appendChild(sum);
        if (ok) refreshList().catch(function () { window.location.reload(); });
      }
      function one(i) {
        if (i >= rows.length) { finish(); return; }
        var row = rows[i];
        row.li.className = 'sending';
        row.state.textContent = '0%';
        var fd = new FormData();
        fields.forEach(function (f) {
          if (!(files.length > 1 && f[0] === 'title')) fd.append(f[0], f[1]);
        });
        fd.append('file', row.file, row.file.name);
        var xhr = new XMLHttpRequest();
        xhr.open('POST', form.getAttribute('data-api'));
        xhr.setRequestHeader('X-CSRF-Token', csrf);
        xhr.upload.addEventListener('progress', function (ev) {
          if (ev.lengthComputable) {
            row.bar.value = Math.round(ev.loaded * 100 / ev.total);
            row.state.textContent = row.bar.value + '%';
          }
        });
        xhr.addEventListener('loadend', function () {
          if (xhr.status === 201) {
            ok++;
            row.bar.value = 100;
            row.li.className = 'done';
            row.state.textContent = '已上传';
            // the name was corrected from the bytes (evil.hta of a PDF → evil.pdf): say so
            try {
              var notice = JSON.parse(xhr.responseText).items[0].notice;
              if (notice) { row.state.textContent = '已上传；' + notice; }
            } catch (err) { /* keep */ }
          } else {
            failed++;
            var msg = xhr.status ? '服务器拒绝了这个文件' : '网络中断';
            try { msg = JSON.parse(xhr.responseText).error.message; } catch (err) { /* keep */ }
            row.li.className = 'failed';
            row.state.textContent = '未上传：' + msg;
          }
          one(i + 1);
        });
        xhr.send(fd);
      }
      one(0);
    });
  }

  // Re-ordering: drag a row to its new place; the order form (which works without
  // JavaScript) is filled in with the new order of the serials and sent.
  function initReorder() {
    var body = document.querySelector('#doclist[data-reorder]');
    var orderForm = document.getElementById('order-form');
    if (!body || !orderForm) return;
    var dragged = null;
    body.querySelectorAll('tr[draggable]').forEach(function (tr) {
      tr.addEventListener('dragstart', function (e) {
        dragged = tr;
        tr.classList.add('dragging');
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', tr.getAttribute('data-serial'));
      });
      tr.addEventListener('dragend', function () { tr.classList.remove('dragging'); });
      tr.addEventListener('dragover', function (e) {
        if (!dragged || dragged === tr) return;
        e.preventDefault();
        var r = tr.getBoundingClientRect();
        body.insertBefore(dragged, e.clientY > r.top + r.height / 2 ? tr.nextSibling : tr);
      });
      tr.addEventListener('drop', function (e) {
        e.preventDefault();
        if (!dragged) return;
        dragged = null;
        var order = Array.prototype.map.call(body.querySelectorAll('tr[data-serial]'),
          function (row) { return row.getAttribute('data-serial'); });
        orderForm.querySelector('input[name=order]').value = order.join(',');
        orderForm.requestSubmit ? orderForm.requestSubmit() : orderForm.submit();
      });
    });
  }
  initReorder();

  // A PDF's first pages drawn by Debian's pdf.js (served by wenming under the page's own
  // CSP); the first page's thumbnail stays when this cannot run.
  var fig = document.getElementById('pdf-preview');
  if (fig && window.HTMLCanvasElement && window.Promise) {
    var script = document.createElement('script');
    script.src = '/static/pdfjs/pdf.js';
    script.addEventListener('load', function () {
      var lib = window.pdfjsLib;
      if (!lib) return;
      lib.GlobalWorkerOptions.workerSrc = '/static/pdfjs/pdf.worker.js';
      lib.getDocument({
        url: fig.getAttribute('data-pdf'), withCredentials: true, isEvalSupported: false,
        cMapUrl: '/static/pdfjs/cmaps/', cMapPacked: true
      }).promise.then(function (pdf) {
        var n = Math.min(pdf.numPages, +fig.getAttribute('data-pages') || 3);
        var pages = document.createElement('div');
        pages.className = 'pages';
        var ratio = window.devicePixelRatio || 1;
        var chain = Promise.resolve();
        var draw = function (i) {
          return pdf.getPage(i).then(function (page) {
            var base = page.getViewport({ scale: 1 });
            var width = Math.max(200, Math.min(fig.clientWidth - 24, 900));
            var vp = page.getViewport({ scale: width / base.width * ratio });
            var c = document.createElement('canvas');
            c.width = Math.floor(vp.width); c.height = Math.floor(vp.height);
            c.style.width = Math.floor(vp.width / ratio) + 'px';
            c.setAttribute('aria-label', '第 ' + i + ' 页');
            pages.appendChild(c);
            return page.render({ canvasContext: c.getContext('2d'), viewport: vp }).promise;
          });
        };
        for (var i = 1; i <= n; i++) chain = chain.then(draw.bind(null, i));
        return chain.then(function () {
          var img = fig.querySelector('img.page');
          if (img) img.replaceWith(pages); else fig.insertBefore(pages, fig.firstChild);
          fig.classList.add('rendered');
          var cap = fig.querySelector('figcaption');
          if (cap && pdf.numPages > n) {
            cap.insertBefore(document.createTextNode('共 ' + pdf.numPages + ' 页，这里显示前 ' + n + ' 页。'), cap.firstChild);
          }
        });
      }).catch(function () { /* the thumbnail stays */ });
    });
    document.head.appendChild(script);
  }

  // A large export: show the bytes received while the package streams, then save it.
  document.querySelectorAll('a[data-export]').forEach(function (a) {
    if (!window.fetch || !window.ReadableStream) return;
    a.addEventListener('click', function (e) {
      e.preventDefault();
      var out = document.getElementById('export-progress');
      out.hidden = false;
      out.textContent = '正在生成档案包……';
      fetch(a.href, { credentials: 'same-origin' }).then(function (resp) {
        if (!resp.ok) throw new Error('服务器返回 ' + resp.status + '，请稍后重试');
        var total = +resp.headers.get('Content-Length') || +resp.headers.get('X-Expected-Length') || 0;
        var reader = resp.body.getReader(), got = 0, parts = [];
        var name = 'archive.zip';
        var cd = resp.headers.get('Content-Disposition') || '';
        var m = cd.match(/filename\*=UTF-8''([^;]+)/);
        if (m) name = decodeURIComponent(m[1]);
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            parts.push(r.value);
            got += r.value.length;
            out.textContent = '已接收 ' + (got / 1048576).toFixed(1) + ' MB' +
              (total ? '（' + Math.min(100, Math.round(got * 100 / total)) + '%）' : '');
            return pump();
          });
        }
        return pump().then(function () {
          var url = URL.createObjectURL(new Blob(parts, { type: 'application/zip' }));
          var link = document.createElement('a');
          link.href = url; link.download = name;
          document.body.appendChild(link); link.click(); link.remove();
          out.textContent = '完成：' + name + '（' + (got / 1048576).toFixed(1) + ' MB）';
        });
      }).catch(function (err) { out.textContent = '导出失败：' + err.message; });
    });
  });

  // A background job's page: poll the job and move its progress bar; reload when it ends
  // (the server then renders the result).  Without this file the page refreshes itself.
  document.querySelectorAll('[data-job]').forEach(function (card) {
    var st = card.getAttribute('data-state');
    if (st !== 'queued' && st !== 'running') return;
    var bar = card.querySelector('.job-progress'), files = card.querySelector('.job-files');
    var poll = function () {
      fetch('/api/v1/jobs/' + card.getAttribute('data-job'), { credentials: 'same-origin' })
        .then(function (res) { return res.json(); })
        .then(function (job) {
          if (job.state !== 'queued' && job.state !== 'running') {
            window.location.reload();
            return;
          }
          var p = job.progress || {};
          if (bar && p.total > 0) bar.value = Math.min(99, Math.floor(p.bytes * 100 / p.total));
          if (files && typeof p.files === 'number') files.textContent = String(p.files);
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  });
  // The search box in the header: "/" puts the cursor in it (not while typing elsewhere).
  var search = document.getElementById('top-q');
  if (search) {
    document.addEventListener('keydown', function (ev) {
      var t = ev.target, tag = t && t.tagName;
      if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey || (t && t.isContentEditable) ||
          tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
      ev.preventDefault();
      search.focus();
      search.select();
    });
  }
})();
