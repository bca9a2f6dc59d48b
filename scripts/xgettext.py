#!/usr/bin/env python3
"""xgettext.py OUT.pot SOURCE... — run xgettext on wenming's sources.  The msgids are the
Simplified Chinese texts, which xgettext warns about once per message (non-ASCII msgids):
those warnings are expected here and dropped; anything else it says is passed on."""
import subprocess
import sys

out, srcs = sys.argv[1], sys.argv[2:]
r = subprocess.run(['xgettext', '--from-code=UTF-8', '--language=C', '--keyword=_',
                    '--keyword=N_', '--no-wrap', '--package-name=wenming', '-o', out] + srcs,
                   capture_output=True, text=True)
for line in r.stderr.splitlines():
    if 'non-ASCII' not in line and 'problems to translators' not in line and \
            'Consider using a pure ASCII msgid' not in line and line.strip():
        print(line, file=sys.stderr)
sys.exit(r.returncode)
