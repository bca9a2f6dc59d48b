/*
** conf_gen.c — a build tool (not installed), made from the configuration table of
** src/util/conf.c so that nothing repeats it (issue 13, deb):
**
**   wenming-conf-gen template DATADIR   the commented wenming.conf of an installed server
**                                       (/etc/wenming/wenming.conf of the Debian package)
**   wenming-conf-gen keys               one line per key: name TAB type TAB default
**   wenming-conf-gen check FILE         load FILE as the server does; exit 1 with the cause
**
** Exit codes: 0 success, 1 failure (the cause on stderr), 2 usage.
*/
#include <stdio.h>
#include <stdlib.h>

#include "wm_util.h"

static int
template(const char *data)
{
    char *t = wm_conf_template();
    printf("# wenming.conf(5): the settings of the wenming service.\n"
           "#\n"
           "# The service (wenming.service) serves the data directory %s, whose\n"
           "# wenming.conf is a link to this file.  Change a line, then run\n"
           "#     systemctl restart wenming\n"
           "# A line that names an unknown key or has a bad value stops the server from starting\n"
           "# (journalctl -u wenming says which line).\n"
           "#\n%s",
           data, t);
    free(t);
    return ferror(stdout) ? 1 : 0;
}

static int
keys(void)
{
    for (size_t i = 0; i < wm_conf_key_count(); i++) {
        const char *name, *type, *def, *help;
        wm_conf_key_at(i, &name, &type, &def, &help);
        printf("%s\t%s\t%s\n", name, type, def);
    }
    return ferror(stdout) ? 1 : 0;
}

static int
check(const char *path)
{
    struct wm_conf c;
    char err[512];
    wm_conf_defaults(&c);
    int rc = wm_conf_load(&c, path, err, sizeof err);
    wm_conf_free(&c);
    if (rc) {
        fprintf(stderr, "wenming-conf-gen: %s\n", err);
        return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    if (3 == argc && wm_streq(argv[1], "template")) {
        return template(argv[2]);
    }
    if (2 == argc && wm_streq(argv[1], "keys")) {
        return keys();
    }
    if (3 == argc && wm_streq(argv[1], "check")) {
        return check(argv[2]);
    }
    fputs("usage: wenming-conf-gen template DATADIR | keys | check FILE\n", stderr);
    return 2;
}

/* end of conf_gen.c */
