#!/usr/bin/env python3
"""check_man.py SRCDIR WENMING CONF_GEN PKG_CONF — keep the man pages, the package and the
tables in step (issue 13, deb).  Fails (exit 1, one line per fault) when:

- a key of the configuration table (src/util/conf.c, read through `wenming-conf-gen keys`)
  is not in docs/man/wenming.conf.5 with the same type and default, or the page documents a
  key the table does not have;
- a command of the command table (src/cli/main.c, as `wenming --help` prints it) is not a
  subsection of COMMANDS in docs/man/wenming.1, or lacks one of its options there, or the
  page documents a command the table does not have (but for PENDING below, empty now); `wenming
  --help` and the table in main.c's source disagree;
- debian/control's Build-Depends (but debhelper-compat) differ from `scripts/deps.sh build
  --list`; debian/changelog's version is not the program's;
- the package's wenming.conf (PKG_CONF, made by wenming-conf-gen) does not load.

It also checks itself: a key added to the table without documentation must be reported.
"""
import os
import re
import subprocess
import sys

# Commands documented before they are in the table (none now; a name here is not required
# to be in `wenming --help`).
PENDING = set()


def deroff(s):
    s = re.sub(r'\\f[BIRP]', '', s)
    s = s.replace('\\-', '-').replace('\\&', '').replace('\\e', '\\')
    s = s.replace('\\(lq', '"').replace('\\(rq', '"')
    return s


def conf_page_keys(text):
    """{key: (type, default)} of the KEYS section of wenming.conf.5."""
    sect = text.split('\n.SH KEYS\n', 1)[1].split('\n.SH ', 1)[0]
    keys = {}
    for m in re.finditer(r'^\.TP\n\.B (\S+)\n(\w+); default: (.*)$', sect, re.M):
        name, typ, d = m.groups()
        d = deroff(d).strip()
        keys[name] = (typ, '' if d == 'empty' else d)
    return keys


def compare_keys(table, page):
    """Faults between the table's [(name, type, default)] and the page's {name: (type, def)}."""
    faults = []
    names = set()
    for name, typ, d in table:
        names.add(name)
        if name not in page:
            faults.append('wenming.conf.5: key %s of src/util/conf.c is not documented' % name)
        elif page[name] != (typ, d):
            faults.append('wenming.conf.5: key %s is documented as %s, default "%s"; the table '
                          'says %s, default "%s"' % (name, page[name][0], page[name][1], typ, d))
    for name in sorted(set(page) - names):
        faults.append('wenming.conf.5: documents key %s, which src/util/conf.c does not have'
                      % name)
    return faults


def help_commands(wenming):
    """[(command, usage)] as `wenming --help` lists them."""
    out = subprocess.run([wenming, '--help'], capture_output=True, text=True, check=True).stdout
    cmds = []
    for line in out.splitlines():
        if not line.startswith('  '):
            continue
        toks = line.split()
        # "  name sub   usage" or "  name   usage": a subcommand is a second word in lower
        # case (a usage starts with an option or is empty); main.c's table is compared below
        if len(toks) > 1 and re.fullmatch(r'[a-z][a-z0-9-]*', toks[1]):
            cmds.append((toks[0] + ' ' + toks[1], ' '.join(toks[2:])))
        else:
            cmds.append((toks[0], ' '.join(toks[1:])))
    return cmds


def source_commands(src):
    text = open(os.path.join(src, 'src/cli/main.c'), encoding='utf-8').read()
    table = text.split('static const struct cmd cmds[] = {', 1)[1].split('\n};', 1)[0]
    return [n + (' ' + s if s != 'NULL' else '')
            for n, s in re.findall(r'\{"([a-z]+)", (NULL|"[a-z][a-z0-9-]*"), cmd_', table)
            for s in [s.strip('"')]]


def page_commands(text):
    """{command: its subsection's text} of the COMMANDS section of wenming.1."""
    sect = text.split('\n.SH COMMANDS\n', 1)[1].split('\n.SH ', 1)[0]
    parts = re.split(r'^\.SS "([^"]+)"\n', sect, flags=re.M)
    return {parts[i]: deroff(parts[i + 1]) for i in range(1, len(parts), 2)}


def compare_commands(cmds, page):
    faults = []
    for name, usage in cmds:
        if name not in page:
            faults.append('wenming.1: command "%s" of wenming --help is not documented' % name)
            continue
        for opt in sorted(set(re.findall(r'--[a-z][a-z-]*', usage))):
            if not re.search(re.escape(opt) + r'(?![a-z-])', page[name]):
                faults.append('wenming.1: command "%s" does not document its option %s'
                              % (name, opt))
    names = {n for n, _ in cmds}
    for name in sorted(set(page) - names - PENDING):
        faults.append('wenming.1: documents command "%s", which wenming --help does not list'
                      % name)
    return faults


def deps_faults(src):
    control = open(os.path.join(src, 'debian/control'), encoding='utf-8').read()
    m = re.search(r'^Build-Depends:(.*?)(?=^\S)', control, re.M | re.S)
    bd = {re.sub(r'\s*\(.*\)', '', p).strip() for p in m.group(1).split(',')}
    bd = {p for p in bd if p and not p.startswith('#')} - {'debhelper-compat'}
    out = subprocess.run([os.path.join(src, 'scripts/deps.sh'), 'build', '--list'],
                         capture_output=True, text=True, check=True).stdout
    build = set(out.split())
    faults = ['debian/control: Build-Depends lacks %s of scripts/deps.sh build' % p
              for p in sorted(build - bd)]
    faults += ['debian/control: Build-Depends has %s, not in scripts/deps.sh build' % p
               for p in sorted(bd - build)]
    return faults


def main():
    src, wenming, conf_gen, pkg_conf = sys.argv[1:5]
    faults = []
    out = subprocess.run([conf_gen, 'keys'], capture_output=True, text=True, check=True).stdout
    table = [tuple((line.split('\t') + [''])[:3]) for line in out.splitlines()]
    conf5 = open(os.path.join(src, 'docs/man/wenming.conf.5'), encoding='utf-8').read()
    page = conf_page_keys(conf5)
    faults += compare_keys(table, page)
    # self-check: an undocumented key, a wrong default and a stale key are each reported
    probe = table + [('zz_new_key', 'string', '')]
    if not any('zz_new_key' in f for f in compare_keys(probe, page)):
        faults.append('check_man.py: an undocumented key was not reported')
    if not compare_keys([(n, t, d + 'x') for n, t, d in table], page) or \
            not compare_keys(table[1:], page):
        faults.append('check_man.py: a changed default or a removed key was not reported')
    if len(table) < 40 or len(page) < 40:
        faults.append('check_man.py: read %d keys from the table, %d from the page'
                      % (len(table), len(page)))

    cmds = help_commands(wenming)
    srccmds = source_commands(src)
    if [n for n, _ in cmds] != srccmds:
        faults.append('wenming --help lists %s; src/cli/main.c has %s'
                      % ([n for n, _ in cmds], srccmds))
    man1 = open(os.path.join(src, 'docs/man/wenming.1'), encoding='utf-8').read()
    pcmds = page_commands(man1)
    faults += compare_commands(cmds, pcmds)
    if not compare_commands(cmds + [('zz new', '--zz')], pcmds):
        faults.append('check_man.py: an undocumented command was not reported')
    if len(cmds) < 30:
        faults.append('check_man.py: read only %d commands from wenming --help' % len(cmds))
    for sect in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'ENVIRONMENT', 'FILES',
                 'EXIT STATUS', 'EXAMPLES'):
        if not re.search(r'^\.SH "?%s"?$' % sect, man1, re.M):
            faults.append('wenming.1: no section %s' % sect)

    faults += deps_faults(src)
    version = subprocess.run([wenming, 'version'], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    changelog = open(os.path.join(src, 'debian/changelog'), encoding='utf-8').readline()
    if '(%s)' % version not in changelog:
        faults.append('debian/changelog: the top entry is not version %s' % version)
    for name, text in (('wenming.1', man1), ('wenming.conf.5', conf5)):
        if '"wenming %s"' % version not in text.split('\n.SH', 1)[0]:
            faults.append('%s: .TH does not name wenming %s' % (name, version))
    r = subprocess.run([conf_gen, 'check', pkg_conf], capture_output=True, text=True)
    if r.returncode:
        faults.append('the package\'s wenming.conf does not load: ' + r.stderr.strip())

    for f in faults:
        print('FAIL', f)
    print('%d keys, %d commands checked; %d faults' % (len(table), len(cmds), len(faults)))
    return 1 if faults else 0


if __name__ == '__main__':
    sys.exit(main())
