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

  // Uploads: drag-and-drop onto the file field, and one request per file with a progress
  // bar (XMLHttpRequest upload events); without JavaScript the form posts as it is.
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
    form.addEventListener('submit', function (e) {
      if (!input.files.length) return;
      e.preventDefault();
      var csrf = form.querySelector('input[name=csrf]').value;
      var files = Array.prototype.slice.call(input.files);
      var pending = files.length, failed = 0;
      list.textContent = '';
      files.forEach(function (file) {
        var li = document.createElement('li');
        var name = document.createElement('span');
        name.textContent = file.name;
        var bar = document.createElement('progress');
        bar.max = 100; bar.value = 0;
        var pct = document.createElement('span');
        pct.textContent = '0%';
        li.appendChild(name); li.appendChild(bar); li.appendChild(pct);
        list.appendChild(li);
        var fd = new FormData();
        form.querySelectorAll('input:not([type=file]), select').forEach(function (el) {
          if (el.name && el.name !== 'csrf' && el.value) fd.append(el.name, el.value);
        });
        if (files.length > 1) fd.delete('title');
        fd.append('file', file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open('POST', form.getAttribute('data-api'));
        xhr.setRequestHeader('X-CSRF-Token', csrf);
        xhr.upload.addEventListener('progress', function (ev) {
          if (ev.lengthComputable) {
            bar.value = Math.round(ev.loaded * 100 / ev.total);
            pct.textContent = bar.value + '%';
          }
        });
        xhr.addEventListener('loadend', function () {
          if (xhr.status === 201) {
            bar.value = 100; pct.textContent = '✓';
          } else {
            failed++;
            var msg = '上传失败';
            try { msg = JSON.parse(xhr.responseText).error.message; } catch (err) { /* keep */ }
            pct.textContent = '✗';
            var m = document.createElement('span');
            m.className = 'err';
            m.textContent = msg;
            li.appendChild(m);
          }
          if (--pending === 0 && failed === 0) window.location.reload();
        });
        xhr.send(fd);
      });
    });
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
        if (!resp.ok) throw new Error('HTTP ' + resp.status);
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
              (total ? '(' + Math.min(100, Math.round(got * 100 / total)) + '%)' : '');
            return pump();
          });
        }
        return pump().then(function () {
          var url = URL.createObjectURL(new Blob(parts, { type: 'application/zip' }));
          var link = document.createElement('a');
          link.href = url; link.download = name;
          document.body.appendChild(link); link.click(); link.remove();
          out.textContent = '完成:' + name + '(' + (got / 1048576).toFixed(1) + ' MB)';
        });
      }).catch(function (err) { out.textContent = '导出失败:' + err.message; });
    });
  });
})();
