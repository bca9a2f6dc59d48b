#!/usr/bin/env python3
"""check-punct.py [SOURCE_ROOT] — half-width punctuation in Chinese text (UI.md: full-width
，；：（）？！ in Chinese, half-width only inside numbers, codes and Latin words).

Scans the string literals of src/**/*.c, src/**/*.h (C "..." literals; adjacent literals are
joined, comments and character constants skipped) and static/*.js ('...', "..." and `...`
literals; comments skipped) that are Chinese text (see is_chinese).  A half-width
, ; : ( ) ? ! is reported when the nearest character on either side (spaces skipped) is a
CJK character or full-width punctuation; a half-width (...) pair is reported when its content
holds CJK text or one of its parentheses is reported, and a half-width parenthesis matched
with a full-width one is reported.  Markup in a literal
(<tag attr="...">, HTML entities) is not text and is blanked out first, so `<a href="...">`
or `style="width:50%"` never count.  Prints FILE:LINE: text for each finding, exits 1 when
there is any."""
import glob
import os
import re
import sys

HALF = ',;:()?!'
FULL_PUNCT = set('，。、；：？！（）“”‘’《》【】…—·「」『』〔〕')


def is_cjk(ch):
    o = ord(ch)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or ch in FULL_PUNCT or 0xFF01 <= o <= 0xFF5E
            or 0x3000 <= o <= 0x303F)


ESC = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'", 'a': '\a',
       'b': '\b', 'f': '\f', 'v': '\v', '?': '?', '`': '`', '$': '$'}


def literals(text, js):
    """Yields (pieces) where pieces is a list of (char, line) for one literal (adjacent C
    literals joined)."""
    i, n, line = 0, len(text), 1
    out = []          # the literals, each a list of (char, line)
    last_end = None   # index just after the previous C literal, to join adjacent ones
    prev_tok = ''     # last significant character, to tell a JS regex from a division
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
            continue
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
            continue
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            line += text.count('\n', i, j)
            i = j
            continue
        if js and c == '/' and prev_tok in '(,=:[!&|?{};+-*%<>~^' :
            # a regular expression literal: skip it
            j = i + 1
            inclass = False
            while j < n and text[j] != '\n':
                if text[j] == '\\':
                    j += 2
                    continue
                if text[j] == '[':
                    inclass = True
                elif text[j] == ']':
                    inclass = False
                elif text[j] == '/' and not inclass:
                    break
                j += 1
            i = j + 1
            prev_tok = 'r'
            continue
        if c == '"' or (c in "'`" and js) or (c == "'" and not js):
            quote = c
            j = i + 1
            chars = []
            while j < n and text[j] != quote:
                ch = text[j]
                if ch == '\\' and j + 1 < n:
                    nx = text[j + 1]
                    if nx == '\n':
                        line += 1
                        j += 2
                        continue
                    chars.append((ESC.get(nx, nx), line, -1))
                    j += 2
                    continue
                if ch == '\n':
                    line += 1
                chars.append((ch, line, j))
                j += 1
            if quote == "'" and not js:
                pass  # a C character constant
            elif not js and last_end is not None and text[last_end:i].strip() == '' and out:
                out[-1].extend(chars)
            else:
                out.append(chars)
            i = j + 1
            last_end = i if (quote == '"' and not js) else None
            prev_tok = 'q'
            continue
        if not c.isspace():
            prev_tok = c
            if not js:
                last_end = None
        i += 1
    return out


TAG = re.compile(r'<[/!A-Za-z][^<>]*>|&[#A-Za-z0-9]+;')
# JSON in a literal (a request sample such as {"ids": [1, 2]}) is syntax, not text.
JSON = re.compile(r'\{[^{}]*"[^{}]*\}')
FORMAT = re.compile(r'%[-+ #0-9.*]*[hlLqjzt]*[a-zA-Z%]')
LATIN_WORD = re.compile(r'[A-Za-z]+')


def is_chinese(s):
    """Chinese text: it has ideographs, at least as many as it has Latin words (format
    specifiers not counted).  English text that names a Chinese term, like the command-line
    help ('Add a civilization office (文明办)'), SQL and separator sets like ",，、" are not."""
    han = sum(1 for ch in s if is_cjk(ch) and ch not in FULL_PUNCT and not 0xFF01 <= ord(ch) <= 0xFF5E
              and not 0x3000 <= ord(ch) <= 0x303F)
    return han > 0 and han >= len(LATIN_WORD.findall(FORMAT.sub(' ', s)))


def check(lit):
    s = ''.join(c[0] for c in lit)
    # Blank out markup (tags, entities): same length, so the indexes still match the lines.
    if not is_chinese(s):
        return [], s
    blank = lambda m: '\x01' * len(m.group(0))
    masked = JSON.sub(blank, TAG.sub(blank, s))
    bad = set()
    for k, ch in enumerate(masked):
        if ch not in HALF:
            continue
        left = k - 1
        while left >= 0 and masked[left] in ' \t':
            left -= 1
        right = k + 1
        while right < len(masked) and masked[right] in ' \t':
            right += 1
        if (left >= 0 and is_cjk(masked[left])) or (right < len(masked) and is_cjk(masked[right])):
            bad.add(k)
        if ch == '(':
            end = masked.find(')', k + 1)
            if end > 0 and any(is_cjk(x) for x in masked[k + 1:end]):
                bad.add(k)
                bad.add(end)
    # Parentheses come in pairs of one kind: a half-width one matched with a full-width one,
    # or paired with a reported one, is reported too.
    for k, ch in enumerate(masked):
        if ch == '(':
            m = min([x for x in (masked.find(')', k + 1), masked.find('）', k + 1)) if x > 0],
                    default=-1)
            if m > 0 and (masked[m] == '）' or k in bad):
                bad.add(k)
                if masked[m] == ')':
                    bad.add(m)
        elif ch == ')':
            m = max(masked.rfind('(', 0, k), masked.rfind('（', 0, k))
            if m >= 0 and (masked[m] == '（' or m in bad):
                bad.add(k)
    return sorted(bad), s


FULL = dict(zip(HALF, '，；：（）？！'))


def fix(text, lit, bad):
    """--fix: the reported characters made full-width, the spaces next to them dropped."""
    edits = {}
    for k in bad:
        if lit[k][2] < 0:
            continue
        edits[lit[k][2]] = FULL[lit[k][0]]
        for step in (-1, 1):
            m = k + step
            while 0 <= m < len(lit) and lit[m][0] == ' ' and lit[m][2] >= 0:
                edits[lit[m][2]] = ''
                m += step
    return edits


def main():
    args = [a for a in sys.argv[1:] if a != '--fix']
    dofix = '--fix' in sys.argv[1:]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), '..')
    files = sorted(glob.glob(os.path.join(root, 'src', '**', '*.c'), recursive=True)
                   + glob.glob(os.path.join(root, 'src', '**', '*.h'), recursive=True)
                   + glob.glob(os.path.join(root, 'static', '*.js')))
    found = 0
    for path in files:
        text = open(path, encoding='utf-8').read()
        edits = {}
        for lit in literals(text, path.endswith('.js')):
            bad, s = check(lit)
            if dofix:
                edits.update(fix(text, lit, bad))
            for ln in sorted(set(lit[k][1] for k in bad)):
                print('%s:%d: %s' % (os.path.relpath(path, root), ln,
                                     s.replace('\n', '\\n')[:160]))
                found += 1
        if edits:
            text = ''.join(edits.get(i, c) for i, c in enumerate(text))
            open(path, 'w', encoding='utf-8').write(text)
    if found:
        print('%d string(s) with half-width punctuation in Chinese text '
              '(use ，；：（）？！)' % found, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
