#!/usr/bin/env python3
"""po_s2t.py IN.pot OUT.po [opencc-config] — the Traditional Chinese catalog, made from the
Simplified msgids with OpenCC (character conversion, s2t by default): every msgid of the
template gets its Traditional form as msgstr.  Plural forms are not used by wenming."""
import re
import subprocess
import sys

src, dst = sys.argv[1], sys.argv[2]
config = sys.argv[3] if len(sys.argv) > 3 else 's2t.json'
text = open(src, encoding='utf-8').read()

# Entries: the lines of one msgid (possibly continued on several "..." lines).
entries = []
for block in text.split('\n\n'):
    lines = block.split('\n')
    ids, inid = [], False
    for line in lines:
        if line.startswith('msgid '):
            inid = True
            ids.append(line[6:])
        elif line.startswith('msgstr'):
            inid = False
        elif inid and line.startswith('"'):
            ids.append(line)
    if ids:
        entries.append((block, ids))

def unquote(parts):
    return ''.join(p[1:-1] for p in parts)

# One msgid per line through OpenCC (escapes such as \n stay escaped, so lines stay lines).
joined = '\n'.join(unquote(ids) for _, ids in entries)
out = subprocess.run(['opencc', '-c', config], input=joined, capture_output=True, text=True,
                     check=True).stdout.split('\n')
if len(out) < len(entries):
    sys.exit('po_s2t: opencc returned %d lines for %d messages' % (len(out), len(entries)))

with open(dst, 'w', encoding='utf-8') as f:
    for (block, ids), trad in zip(entries, out):
        key = unquote(ids)
        if key == '':
            f.write('msgid ""\nmsgstr ""\n'
                    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
                    '"Language: zh_TW\\n"\n\n')
            continue
        comments = [l for l in block.split('\n') if l.startswith('#')]
        f.write('\n'.join(comments + ['msgid "%s"' % key, 'msgstr "%s"' % trad]) + '\n\n')
