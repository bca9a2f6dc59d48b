/*
** test_cli.c — the `wenming` command as an operator uses it: --help everywhere, exit codes
** (0 ok, 1 failure, 2 usage), init with the password from the environment, accounts,
** offices, units, bulk import with per-row reports, standards, the audit check, and the
** schema guard of serve and migrate.
*/
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <limits.h>

#include <cmocka.h>

#include "harness.h"

static char dir[256];
/* With WM_TEST_STORE=pg: the PostgreSQL database of dir (its wenming.conf names it). */
static char pgdb[64], store[1024];

#define RUN TH_RUN

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/wm-cli-XXXXXX");
    if (NULL == mkdtemp(dir)) {
        return -1;
    }
    char conf[300];
    snprintf(conf, sizeof conf, "%s/wenming.conf", dir);
    FILE *f = fopen(conf, "w");
    if (NULL == f) {
        return -1;
    }
    fputs("pwhash_mem = 8388608\npwhash_ops = 1\n", f);
    if (th_store_pg()) {
        if (th_store_new(pgdb, sizeof pgdb, store, sizeof store)) {
            fclose(f);
            return -1;
        }
        fprintf(f, "store = %s\n", store);
    }
    fclose(f);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    if (pgdb[0]) {
        th_store_drop(pgdb);
        pgdb[0] = store[0] = '\0';
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Write text to dir/rel, making its folders. */
static void
put_file(const char *rel, const char *text)
{
    char path[600], mk[700];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    snprintf(mk, sizeof mk, "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(mk), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A unit's own folder tree into its archive: folders numbered 一、（一）1. （1） among their
** siblings, titles in traditional script, a code whose title reads differently. */
static void
test_import_folder_names(void **state)
{
    (void)state;
    setenv("WENMING_ADMIN_PASSWORD", "Admin-Pass-1", 1);
    free(RUN(0, "init", "--data", dir, "--admin", "root"));
    unsetenv("WENMING_ADMIN_PASSWORD");
    free(RUN(0, "org", "add", "--data", dir, "--name", "某市文明办", "--parent", "1"));
    free(RUN(0, "unit", "add", "--data", dir, "--name", "市图书馆", "--code", "LIB-1", "--type",
             "事业单位", "--office", "2"));
    put_file("fw.csv", "code,title\n1,组织管理\n1.1,创建规划\n1.1.1,专题研究\n1.1.2,年度计划\n"
                       "2,思想道德\n2.1,理论学习\n2.1.1,中心组学习\n2.1.2,职工学习\n");
    char fw[400], tree[400];
    snprintf(fw, sizeof fw, "%s/fw.csv", dir);
    snprintf(tree, sizeof tree, "%s/tree", dir);
    free(RUN(0, "framework", "import", "--data", dir, "--name", "标准", "--publish", fw));
    put_file("tree/一、组织管理/（一）创建规划/1.专题研究/a.txt", "专题研究会议纪要。\n");
    put_file("tree/二、思想道德/（一）理论学习/（1）中心组学习/b.txt", "中心组学习记录。\n");
    put_file("tree/組織管理/創建規劃/年度計劃/c.txt", "年度创建计划。\n");
    put_file("tree/2 思想道德/2.1 理论学习/2.1.2 职工学习（记录）/d.txt", "职工学习签到表。\n");
    put_file("tree/无关/e.txt", "与指标无关的文件。\n");
    char *out = RUN(0, "import", "--data", dir, "--unit", "LIB-1", "--year", "2025", tree);
    assert_non_null(strstr(out, "1.专题研究/a.txt -> 1.1.1"));
    assert_non_null(strstr(out, "（1）中心组学习/b.txt -> 2.1.1"));
    assert_non_null(strstr(out, "年度計劃/c.txt -> 1.1.2"));
    assert_non_null(strstr(out, "职工学习（记录）/d.txt -> 2.1.2"));
    assert_non_null(strstr(out, "无关/e.txt: 找不到与文件夹名称对应的指标"));
    assert_non_null(strstr(out, "4 imported, 1 skipped"));
    free(out);
}

static void
test_help_and_usage(void **state)
{
    (void)state;
    static const char *const cmds[][2] = {
        {"init", NULL},       {"serve", NULL},      {"migrate", NULL},  {"user", "add"},
        {"user", "passwd"},   {"user", "list"},     {"user", "disable"}, {"org", "add"},
        {"org", "list"},      {"unit", "add"},      {"unit", "list"},   {"unit", "import"},
        {"framework", "import"}, {"framework", "list"}, {"framework", "publish"},
        {"framework", "export"}, {"export", NULL},  {"import", NULL},   {"verify", "audit"},
        {"verify", "blobs"},  {"jobs", "list"},     {"jobs", "retry"},  {"version", NULL},
        {"round", "rank"},    {"search", "reindex"},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char *out = cmds[i][1] ? RUN(0, cmds[i][0], cmds[i][1], "--help") : RUN(0, cmds[i][0], "--help");
        assert_non_null(strstr(out, "usage: wenming"));
        free(out);
    }
    free(RUN(0, "--help"));
    free(RUN(2, "no-such-command"));
    free(RUN(2, "user"));                        /* needs a subcommand */
    char *group = RUN(0, "search", "--help");    /* a group's subcommands with their help */
    assert_non_null(strstr(group, "usage: wenming search reindex --data DIR"));
    assert_non_null(strstr(group, "progress line"));
    free(group);
    free(RUN(2, "user", "list", "--bogus"));     /* unknown option */
    free(RUN(2, "serve"));                       /* no --data */
    char *out = RUN(0, "version");
    assert_non_null(strstr(out, "wenming "));
    free(out);
}

static void
test_operator_workflow(void **state)
{
    (void)state;
    setenv("WENMING_ADMIN_PASSWORD", "Admin-Pass-1", 1);
    char *out = RUN(0, "init", "--data", dir, "--admin", "root");
    assert_non_null(strstr(out, "admin account: root"));
    assert_non_null(strstr(out, "(schema version "));
    assert_null(strstr(out, "applied migration")); /* a new store's steps are not listed */
    free(out);
    free(RUN(1, "init", "--data", dir)); /* already initialised */
    unsetenv("WENMING_ADMIN_PASSWORD");

    free(RUN(0, "org", "add", "--data", dir, "--name", "某市文明办", "--parent", "1"));
    out = RUN(0, "org", "list", "--data", dir);
    assert_non_null(strstr(out, "某市文明办"));
    free(out);
    free(RUN(0, "unit", "add", "--data", dir, "--name", "市图书馆", "--code", "LIB-1", "--type",
             "事业单位", "--office", "2", "--depts", "办公室,馆藏部"));
    out = RUN(1, "unit", "add", "--data", dir, "--name", "重复", "--code", "LIB-1", "--type",
              "事业单位", "--office", "2");
    assert_non_null(strstr(out, "LIB-1"));
    free(out);
    free(RUN(1, "unit", "add", "--data", dir, "--name", "x", "--code", "X-1", "--type", "公司",
             "--office", "2"));

    /* an account: the password from the environment, or generated and shown once */
    setenv("WENMING_PASSWORD", "Member-Pass-1", 1);
    free(RUN(0, "user", "add", "--data", dir, "--username", "lib", "--role", "unit_admin", "--unit",
             "LIB-1"));
    unsetenv("WENMING_PASSWORD");
    out = RUN(0, "user", "add", "--data", dir, "--username", "lib2", "--role", "unit_member",
              "--unit", "LIB-1", "--dept", "馆藏部");
    assert_non_null(strstr(out, "generated password"));
    free(out);
    free(RUN(1, "user", "add", "--data", dir, "--username", "x", "--role", "office", "--unit",
             "LIB-1")); /* an office role on a unit */
    free(RUN(0, "user", "disable", "--data", dir, "lib2"));
    out = RUN(0, "user", "list", "--data", dir);
    assert_non_null(strstr(out, "lib2"));
    assert_non_null(strstr(out, "disabled"));
    free(out);

    /* bulk import: bad rows are reported FILE:ROW: FIELD: REASON and nothing is imported */
    char csv[300];
    snprintf(csv, sizeof csv, "%s/units.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("单位名称,单位代码,单位类型\n甲单位,A-1,机关\n乙单位,A-2,公司\n", f);
    fclose(f);
    out = RUN(1, "unit", "import", "--data", dir, "--office", "2", csv);
    assert_non_null(strstr(out, "units.csv:3: type:"));
    assert_non_null(strstr(out, "nothing imported"));
    free(out);
    out = RUN(0, "unit", "import", "--data", dir, "--office", "2", "--skip-bad", csv);
    assert_non_null(strstr(out, "1 imported"));
    free(out);
    out = RUN(0, "unit", "list", "--data", dir);
    assert_non_null(strstr(out, "A-1"));
    assert_null(strstr(out, "A-2"));
    free(out);

    /* a standard: checked, imported, published, exported */
    char fw[300], exp[300];
    snprintf(fw, sizeof fw, "%s/fw.csv", dir);
    snprintf(exp, sizeof exp, "%s/fw.json", dir);
    f = fopen(fw, "w");
    assert_non_null(f);
    fputs("code,title,score\n1,组织,10\n1.1,规划,4\n1.2,落实,6\n", f);
    fclose(f);
    out = RUN(0, "framework", "import", "--data", dir, "--dry-run", "--name", "标准", fw);
    assert_non_null(strstr(out, "2 leaves, 10 points"));
    free(out);
    free(RUN(0, "framework", "import", "--data", dir, "--name", "标准", "--publish", fw));
    free(RUN(0, "framework", "export", "--data", dir, "1", "--out", exp));
    assert_int_equal(access(exp, R_OK), 0);
    free(RUN(1, "framework", "import", "--data", dir, "--name", "标准", fw)); /* published: immutable */

    /* an existing folder tree into the archive, then the standard package */
    char tree[300], leaf[340], doc[400], zip[300];
    snprintf(tree, sizeof tree, "%s/tree", dir);
    snprintf(leaf, sizeof leaf, "%s/1 组织/1.2 落实", tree);
    snprintf(doc, sizeof doc, "%s/01 实施方案.pdf", leaf);
    snprintf(zip, sizeof zip, "%s/pkg.zip", dir);
    char mk[700];
    snprintf(mk, sizeof mk, "mkdir -p '%s'", leaf);
    assert_int_equal(system(mk), 0);
    f = fopen(doc, "w");
    assert_non_null(f);
    fputs("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", f);
    fclose(f);
    out = RUN(0, "import", "--data", dir, "--unit", "LIB-1", "--year", "2025", tree);
    assert_non_null(strstr(out, "-> 1.2"));
    assert_non_null(strstr(out, "1 imported, 0 skipped"));
    free(out);
    /* again: the same content is already in the leaf, nothing is stored twice */
    out = RUN(0, "import", "--data", dir, "--unit", "LIB-1", "--year", "2025", tree);
    assert_non_null(strstr(out, "已存在，跳过"));
    assert_non_null(strstr(out, "0 imported, 1 skipped"));
    free(out);
    /* each import wrote one archive.import entry (the package's name, its counts) */
    {
        char *rows = NULL;
        assert_int_equal(th_store_sql(dir, store,
                                      "SELECT summary FROM audit WHERE action = "
                                      "'archive.import' ORDER BY id",
                                      &rows),
                         0);
        static const char *const want[] = {"\"imported\":1", "\"imported\":0"};
        char *line = rows;
        for (int k = 0; k < 2; k++) {
            assert_non_null(line);
            char *end = strchr(line, '\n');
            assert_non_null(end);
            *end = '\0';
            assert_non_null(strstr(line, "\"package\":\"tree\""));
            assert_non_null(strstr(line, want[k]));
            assert_non_null(strstr(line, k ? "\"skipped\":1" : "\"skipped\":0"));
            assert_non_null(strstr(line, "\"refused\":0"));
            line = end + 1;
        }
        assert_string_equal(line, "");
        free(rows);
    }
    out = RUN(0, "export", "--data", dir, "--unit", "LIB-1", "--years", "2024-2025", "--out", zip);
    assert_non_null(strstr(out, "1 documents"));
    free(out);
    snprintf(mk, sizeof mk, "unzip -Z1 '%s' > '%s/names.txt'", zip, dir);
    if (0 == system("command -v unzip >/dev/null")) {
        assert_int_equal(system(mk), 0);
        char names[300];
        snprintf(names, sizeof names, "%s/names.txt", dir);
        size_t len;
        FILE *nf = fopen(names, "r");
        assert_non_null(nf);
        char all[8192] = "";
        len = fread(all, 1, sizeof all - 1, nf);
        all[len] = '\0';
        fclose(nf);
        assert_non_null(strstr(all, "data/市图书馆_2025_创建档案/1 组织/1.2 落实/01：实施方案.pdf"));
    }
    free(RUN(1, "export", "--data", dir, "--unit", "LIB-1", "--years", "2030", "--out", zip));

    out = RUN(0, "verify", "audit", "--data", dir);
    assert_non_null(strstr(out, "audit log intact"));
    free(out);
    /* commands that wrote anchored the audit head too (no server ran here) */
    char head[320];
    snprintf(head, sizeof head, "%s/audit-head", dir);
    FILE *hf = fopen(head, "r");
    assert_non_null(hf);
    long long seq = 0;
    assert_int_equal(fscanf(hf, "%lld", &seq), 1);
    fclose(hf);
    /* the anchor names the newest entry's id; the count is of the rows (ids may have gaps
    ** where a transaction rolled back, on PostgreSQL) */
    char *rows = NULL;
    assert_int_equal(th_store_sql(dir, store, "SELECT max(id), count(*) FROM audit", &rows), 0);
    long long maxid = 0, count = 0;
    assert_int_equal(sscanf(rows, "%lld|%lld", &maxid, &count), 2);
    free(rows);
    assert_int_equal(seq, maxid);
    out = RUN(0, "verify", "audit", "--data", dir);
    char entries[64];
    snprintf(entries, sizeof entries, "intact: %lld entries", count);
    assert_non_null(strstr(out, entries));
    free(out);
    out = RUN(0, "verify", "blobs", "--data", dir);
    assert_non_null(strstr(out, "1 blobs checked"));
    assert_non_null(strstr(out, "0 missing, 0 corrupt"));
    free(out);
}

static void
write_at(const char *path, const char *text, time_t mtime)
{
    char parent[PATH_MAX], mk[PATH_MAX + 16];
    snprintf(parent, sizeof parent, "%s", path);
    *strrchr(parent, '/') = '\0';
    snprintf(mk, sizeof mk, "mkdir -p '%s'", parent);
    assert_int_equal(system(mk), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    if (mtime) {
        struct timespec ts[2] = { { .tv_sec = mtime }, { .tv_sec = mtime } };
        assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    }
}

/* Temp files of killed uploads go at start; orphans are named, moved aside, gone. */
static void
test_blob_orphans(void **state)
{
    (void)state;
    struct th_server s;
    assert_int_equal(th_server_create(&s, NULL), 0);
    assert_int_equal(th_server_start(&s, NULL), 0); /* the demo data */
    assert_int_equal(th_server_stop(&s), 0);
    /* an upload killed mid-way, an object nothing refers to (the empty content), its
    ** thumbnail, and an object written a moment ago (an upload about to refer to it) */
    static const char empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static const char young[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    char tmpf[PATH_MAX + 64], obj[PATH_MAX + 128], thumb[PATH_MAX + 128], yobj[PATH_MAX + 128];
    time_t old = time(NULL) - 7200;
    snprintf(tmpf, sizeof tmpf, "%s/blobs/tmp/up-killed", s.dir);
    snprintf(obj, sizeof obj, "%s/blobs/objects/e3/b0/%s", s.dir, empty);
    snprintf(thumb, sizeof thumb, "%s/thumbs/e3/b0/%s.jpg", s.dir, empty);
    snprintf(yobj, sizeof yobj, "%s/blobs/objects/aa/aa/%s", s.dir, young);
    write_at(tmpf, "half an upload", 0);
    write_at(obj, "", old);
    write_at(thumb, "not really a jpeg", old);
    write_at(yobj, "just written", 0);
    /* a file of the store outside objects/ and tmp/ (blobs/zz/x) is a stray too */
    char outside[PATH_MAX + 64];
    snprintf(outside, sizeof outside, "%s/blobs/zz/x", s.dir);
    write_at(outside, "left here by hand", old);
    assert_int_equal(th_server_start(&s, NULL), 0);
    assert_int_not_equal(access(tmpf, F_OK), 0); /* cleaned at start */
    assert_int_equal(th_server_stop(&s), 0);

    char *out = RUN(1, "verify", "blobs", "--data", s.dir);
    assert_non_null(strstr(out, "orphan e3/b0/e3b0c442"));
    assert_non_null(strstr(out, "orphan-thumbnail e3/b0/e3b0c442"));
    assert_null(strstr(out, young));
    assert_non_null(strstr(out, "stray zz/x: outside objects/ and tmp/"));
    assert_non_null(strstr(out, "1 orphan blobs, 1 orphan thumbnails, 1 stray files"));
    assert_non_null(strstr(out, "--repair"));
    free(out);
    assert_int_equal(access(obj, F_OK), 0); /* listing changes nothing */

    out = RUN(0, "verify", "blobs", "--data", s.dir, "--repair");
    assert_non_null(strstr(out, "moved 3 files aside"));
    free(out);
    assert_int_not_equal(access(outside, F_OK), 0);
    char qout[PATH_MAX + 64];
    snprintf(qout, sizeof qout, "%s/quarantine/blobs-outside/zz/x", s.dir);
    assert_int_equal(access(qout, F_OK), 0);
    char moved[PATH_MAX + 128];
    snprintf(moved, sizeof moved, "%s/quarantine/blobs/e3/b0/%s", s.dir, empty);
    assert_int_equal(access(moved, F_OK), 0);
    snprintf(moved, sizeof moved, "%s/quarantine/thumbs/e3/b0/%s.jpg", s.dir, empty);
    assert_int_equal(access(moved, F_OK), 0);
    assert_int_not_equal(access(obj, F_OK), 0);
    assert_int_equal(access(yobj, F_OK), 0);

    out = RUN(0, "verify", "blobs", "--data", s.dir);
    assert_non_null(strstr(out, "0 orphan blobs, 0 orphan thumbnails, 0 stray files"));
    assert_non_null(strstr(out, "0 missing, 0 corrupt"));
    free(out);
    th_server_destroy(&s);
}

static void
test_schema_guard(void **state)
{
    (void)state;
    setenv("WENMING_ADMIN_PASSWORD", "Admin-Pass-1", 1);
    free(RUN(0, "init", "--data", dir));
    unsetenv("WENMING_ADMIN_PASSWORD");
    /* a schema newer than this binary knows */
    assert_int_equal(th_store_sql(dir, store,
                                  th_store_pg() ? "UPDATE schema_version SET version = 99"
                                                : "PRAGMA user_version = 99",
                                  NULL),
                     0);
    char *out = RUN(1, "serve", "--data", dir, "--listen", "127.0.0.1:0");
    assert_non_null(strstr(out, "wenming migrate"));
    free(out);
    out = RUN(1, "migrate", "--data", dir);
    assert_non_null(strstr(out, "newer"));
    free(out);
}

/* Migrations from 23: 0024, a unit made before meeting kinds came with the unit (none yet)
** gets the defaults, offices none; 0025, work_link.filed_title. */
static void
test_migrate_meeting_kinds(void **state)
{
    (void)state;
    setenv("WENMING_ADMIN_PASSWORD", "Admin-Pass-1", 1);
    free(RUN(0, "init", "--data", dir));
    unsetenv("WENMING_ADMIN_PASSWORD");
    free(RUN(0, "org", "add", "--data", dir, "--name", "某市文明办", "--parent", "1"));
    free(RUN(0, "unit", "add", "--data", dir, "--name", "市档案馆", "--code", "ARC-1", "--type",
             "事业单位", "--office", "2"));
    char *out = NULL;
    assert_int_equal(th_store_sql(dir, store, "SELECT count(*) FROM work_meeting_kind", &out), 0);
    assert_int_equal(strtol(out, NULL, 10), 3); /* made with the unit */
    free(out);
    /* the store as schema 23 left a unit nobody had looked at */
    assert_int_equal(th_store_sql(dir, store,
                                  th_store_pg() ? "DELETE FROM work_meeting_kind; "
                                                  "ALTER TABLE work_link DROP COLUMN filed_title; "
                                                  "UPDATE schema_version SET version = 23"
                                                : "DELETE FROM work_meeting_kind; "
                                                  /* as 0018 made it (ALTER TABLE DROP COLUMN
                                                  ** reads the search triggers, whose
                                                  ** tokenizer the sqlite3 shell lacks) */
                                                  "DROP TABLE work_link; "
                                                  "CREATE TABLE work_link (kind TEXT NOT NULL, "
                                                  "ref_id INTEGER NOT NULL, document_id "
                                                  "INTEGER NOT NULL, role TEXT NOT NULL, "
                                                  "created_at INTEGER NOT NULL, PRIMARY KEY "
                                                  "(kind, ref_id, document_id)); "
                                                  "PRAGMA user_version = 23",
                                  NULL),
                     0);
    out = RUN(0, "migrate", "--data", dir);
    assert_non_null(strstr(out, "migrated from 23 to "));
    free(out);
    /* 0025: the links keep the title their record filed the document under */
    assert_int_equal(th_store_sql(dir, store, "SELECT count(filed_title) FROM work_link", NULL),
                     0);
    out = NULL;
    assert_int_equal(th_store_sql(dir, store,
                                  "SELECT k.name || ':' || k.period FROM work_meeting_kind k "
                                  "JOIN org o ON o.id = k.unit_id WHERE o.kind = 'unit' "
                                  "ORDER BY k.position",
                                  &out),
                     0);
    assert_non_null(out);
    assert_string_equal(out, "领导小组会议:quarterly\n工作分析会:monthly\n半年总结会:half-yearly\n");
    free(out);
}

/* The newest rows of the audit log deleted (a shorter, still valid chain): the head anchored
** in DATA/audit-head when the server stopped tells `verify audit`, which exits 1 naming it. */
static void
test_audit_head(void **state)
{
    (void)state;
    struct th_server srv;
    struct th_cred c;
    assert_int_equal(th_server_create(&srv, NULL), 0);
    assert_int_equal(th_server_start(&srv, NULL), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(th_login(&srv, "admin", TH_DEMO_PW, &c), 201); /* session.create */
    }
    assert_int_equal(th_server_stop(&srv), 0);
    /* the anchor names the newest entry, and the log says so */
    char path[PATH_MAX + 40], cmd[2 * PATH_MAX + 200], *out = NULL;
    char *maxid = NULL;
    assert_int_equal(th_store_query(&srv, "SELECT max(id) FROM audit", &maxid), 0);
    long long last = strtoll(maxid, NULL, 10);
    free(maxid);
    assert_true(last > 10);
    snprintf(path, sizeof path, "%s/audit-head", srv.dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long long seq = 0;
    char hash[65] = "";
    assert_int_equal(fscanf(f, "%lld %64s", &seq, hash), 2);
    fclose(f);
    assert_int_equal(seq, last);
    assert_int_equal(strlen(hash), 64);
    snprintf(path, sizeof path, "%s/server.log", srv.dir);
    snprintf(cmd, sizeof cmd, "grep -q 'audit head #%lld %s' '%s'", seq, hash, path);
    assert_int_equal(system(cmd), 0);
    /* unchanged data verifies */
    out = RUN(0, "verify", "audit", "--data", srv.dir);
    assert_non_null(strstr(out, "audit log intact"));
    free(out);
    /* an attacker drops the append-only trigger and deletes the two newest entries */
    snprintf(cmd, sizeof cmd, "%s DELETE FROM audit WHERE id > %lld",
             th_store_pg() ? "ALTER TABLE audit DISABLE TRIGGER USER;"
                           : "DROP TRIGGER audit_no_delete;",
             last - 2);
    assert_int_equal(th_store_exec(&srv, cmd), 0);
    out = RUN(1, "verify", "audit", "--data", srv.dir);
    char want[80];
    snprintf(want, sizeof want, "entries after #%lld were removed", last - 2);
    if (NULL == strstr(out, want)) {
        print_error("verify said: %s\n", out);
    }
    assert_non_null(strstr(out, want));
    free(out);
    /* a restarted server does not cover the gap: new entries chain onto the head the store
    ** kept (the hash of the newest entry removed), so the first of them does not follow the
    ** entry before it, and the anchor is not moved back over the gap */
    assert_int_equal(th_server_start(&srv, NULL), 0);
    assert_int_equal(th_login(&srv, "admin", TH_DEMO_PW, &c), 201);
    assert_int_equal(th_login(&srv, "admin", TH_DEMO_PW, &c), 201);
    assert_int_equal(th_login(&srv, "admin", TH_DEMO_PW, &c), 201);
    assert_int_equal(th_server_stop(&srv), 0);
    /* the first new entry (SQLite gives the removed ids again, PostgreSQL does not) */
    char *first = NULL;
    snprintf(cmd, sizeof cmd, "SELECT min(id) FROM audit WHERE id > %lld", last - 2);
    assert_int_equal(th_store_query(&srv, cmd, &first), 0);
    long long next = strtoll(first, NULL, 10);
    free(first);
    assert_true(next > last - 2);
    out = RUN(1, "verify", "audit", "--data", srv.dir);
    snprintf(want, sizeof want, "entry %lld does not follow the entry before it", next);
    if (NULL == strstr(out, want)) {
        print_error("verify said: %s\n", out);
    }
    assert_non_null(strstr(out, want));
    free(out);
    th_server_destroy(&srv);
}

/* `wenming store copy`: a SQLite data directory into an empty PostgreSQL database, whose
** copy then serves the commands; a second copy into it is refused.  (On the SQLite run,
** with a PostgreSQL server to copy to.) */
static void
test_store_copy(void **state)
{
    (void)state;
    if (th_store_pg() || NULL == getenv("WM_TEST_PG") || '\0' == *getenv("WM_TEST_PG")) {
        print_message("no PostgreSQL server to copy to: skipped\n");
        return;
    }
    setenv("WENMING_ADMIN_PASSWORD", "Admin-Pass-1", 1);
    free(RUN(0, "init", "--data", dir, "--admin", "root"));
    unsetenv("WENMING_ADMIN_PASSWORD");
    free(RUN(0, "org", "add", "--data", dir, "--name", "迁移市文明办", "--parent", "1"));
    free(RUN(0, "unit", "add", "--data", dir, "--name", "迁移图书馆", "--code", "MIG-1", "--type",
             "事业单位", "--office", "2", "--depts", "办公室"));
    char db[64], to[1024];
    assert_int_equal(th_store_new(db, sizeof db, to, sizeof to), 0);
    /* usage errors first */
    free(RUN(2, "store", "copy", "--from", dir));
    char *out = RUN(0, "store", "copy", "--from", dir, "--to", to);
    assert_non_null(strstr(out, "copied org"));
    assert_non_null(strstr(out, "store = "));
    free(out);
    /* the copy serves: a data directory naming it lists what was copied, and verifies */
    char dir2[64], conf[128];
    snprintf(dir2, sizeof dir2, "/tmp/wm-cli2-XXXXXX");
    assert_non_null(mkdtemp(dir2));
    snprintf(conf, sizeof conf, "%s/wenming.conf", dir2);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "pwhash_mem = 8388608\npwhash_ops = 1\nstore = %s\n", to);
    fclose(f);
    out = RUN(0, "unit", "list", "--data", dir2);
    assert_non_null(strstr(out, "迁移图书馆"));
    free(out);
    out = RUN(0, "verify", "audit", "--data", dir2);
    assert_non_null(strstr(out, "audit log intact"));
    free(out);
    /* new rows continue after the copied ids */
    free(RUN(0, "org", "add", "--data", dir2, "--name", "新区文明办", "--parent", "2"));
    out = RUN(0, "org", "list", "--data", dir2);
    assert_non_null(strstr(out, "新区文明办"));
    free(out);
    /* a target that is not empty is refused, and nothing changes */
    out = RUN(1, "store", "copy", "--from", dir, "--to", to);
    assert_non_null(strstr(out, "empty"));
    free(out);
    th_store_drop(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir2);
    assert_int_equal(system(cmd), 0);
}

/* ---------------------------------------------------------------- verify archive (issue 13, dat70) */

/* A one-page PDF unique by tag (the harness's pdf_make has no page, which 可用性 fails). */
static struct bytes
cli_page_pdf(const char *tag)
{
    struct bytes b = {0};
    size_t off[5];
    bytes_addf(&b, "%%PDF-1.4\n%% %s\n", tag);
    off[1] = b.n;
    bytes_addf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = b.n;
    bytes_addf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = b.n;
    bytes_addf(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
                   "/Contents 4 0 R >>\nendobj\n");
    off[4] = b.n;
    bytes_addf(&b, "4 0 obj\n<< /Length 27 >>\nstream\n0 0 1 rg 20 20 100 100 re f\n"
                   "endstream\nendobj\n");
    size_t xref = b.n;
    bytes_addf(&b, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 1; i < 5; i++) {
        bytes_addf(&b, "%010zu 00000 n \n", off[i]);
    }
    bytes_addf(&b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return b;
}

/* A clean archive (a standard of two leaves, a document with every required element in
** each) passes all four (exit 0, the JSON and the PDF written); a tampered blob fails 真实性
** (exit 1, the cause printed); bad usage exits 2. */
static void
test_verify_archive(void **state)
{
    (void)state;
    static const char fw[] =
        "{\"format\": \"wenming-framework/1\", \"name\": \"命令行检测标准\", \"version\": \"1\",\n"
        " \"indicators\": [{\"code\": \"1\", \"title\": \"组织\", \"score\": 10, \"children\": [\n"
        "   {\"code\": \"1.1\", \"title\": \"规划\", \"score\": 6, \"min_documents\": 1},\n"
        "   {\"code\": \"1.2\", \"title\": \"培训\", \"score\": 4, \"min_documents\": 1}]}]}\n";
    struct th_server s;
    assert_int_equal(th_server_create(&s, NULL), 0);
    assert_int_equal(th_server_start(&s, NULL), 0);
    struct th_cred off, ua;
    memset(&off, 0, sizeof off);
    memset(&ua, 0, sizeof ua);
    th_login_full(&s, "office", TH_DEMO_PW, &off);
    th_login_full(&s, "unitadmin", TH_DEMO_PW, &ua);
    struct th_file ff = {.name = "fw.json", .data = fw, .len = strlen(fw)};
    const char *ffields[] = {"name", "命令行检测标准", NULL};
    struct th_resp *r = th_upload(&s, "/api/v1/frameworks", &off, TH_BEARER, &ff, 1, ffields);
    th_assert_status(r, 201);
    long long ed = (long long)th_jint(r->json, "id");
    th_resp_free(r);
    char path[160], body[96], sha[65] = "";
    snprintf(path, sizeof path, "/api/v1/frameworks/%lld/publish", ed);
    r = th_api(&s, "POST", path, &off, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    long long unit = (long long)th_unit_id(&s, &off, "DEMO001");
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", unit);
    snprintf(body, sizeof body, "{\"year\": 2019, \"edition_id\": %lld}", ed);
    r = th_api(&s, "POST", path, &off, TH_BEARER, body);
    th_assert_status(r, 201);
    th_resp_free(r);
    static const char *const leaves[] = {"1.1", "1.2"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2019/indicators/%s/documents",
                 unit, leaves[i]);
        struct bytes pdf = cli_page_pdf(leaves[i]);
        struct th_file f = {.name = "文件.pdf", .data = pdf.p, .len = pdf.n};
        const char *fields[] = {"title", "命令行检测文件", "date_formed", "2019-05-01", "author",
                                "办公室", "retention", "永久", NULL};
        r = th_upload(&s, path, &ua, TH_BEARER, &f, 1, fields);
        th_assert_status(r, 201);
        if (0 == i) {
            snprintf(sha, sizeof sha, "%s",
                     th_jstr(json_array_get(json_object_get(r->json, "items"), 0), "sha"));
        }
        th_resp_free(r);
        free(pdf.p);
    }
    assert_int_equal(strlen(sha), 64);
    assert_int_equal(th_server_stop(&s), 0);

    char *out = RUN(2, "verify", "archive", "--data", s.dir);
    free(out);
    out = RUN(2, "verify", "archive", "--data", s.dir, "--unit", "NO-SUCH", "--year", "2019");
    free(out);
    char jpath[PATH_MAX + 16], ppath[PATH_MAX + 16];
    snprintf(jpath, sizeof jpath, "%s/check.json", s.dir);
    snprintf(ppath, sizeof ppath, "%s/check.pdf", s.dir);
    out = RUN(0, "verify", "archive", "--data", s.dir, "--unit", "DEMO001", "--year", "2019",
              "--json", jpath, "--pdf", ppath);
    assert_non_null(strstr(out, "真实性 通过"));
    assert_non_null(strstr(out, "安全性 通过"));
    free(out);
    json_t *rep = json_load_file(jpath, 0, NULL);
    assert_non_null(rep);
    assert_true(json_is_true(json_object_get(rep, "passed")));
    json_decref(rep);
    FILE *fp = fopen(ppath, "rb");
    assert_non_null(fp);
    char head[5] = "";
    assert_int_equal(fread(head, 1, 4, fp), 4);
    fclose(fp);
    assert_memory_equal(head, "%PDF", 4);

    /* one version's bytes changed behind wenming's back */
    char obj[PATH_MAX + 128];
    snprintf(obj, sizeof obj, "%s/blobs/objects/%.2s/%.2s/%s", s.dir, sha, sha + 2, sha);
    chmod(obj, 0600);
    fp = fopen(obj, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 12, SEEK_SET), 0);
    assert_int_equal(fputc('#', fp), '#');
    fclose(fp);
    out = RUN(1, "verify", "archive", "--data", s.dir, "--unit", "DEMO001", "--year", "2019");
    assert_non_null(strstr(out, "真实性 不通过"));
    assert_non_null(strstr(out, "SHA-256"));
    free(out);
    /* both runs are audited; the chain stays intact */
    out = RUN(0, "verify", "audit", "--data", s.dir);
    free(out);
    th_server_destroy(&s);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test_setup_teardown(test_operator_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_folder_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_meeting_kinds, setup, teardown),
        cmocka_unit_test(test_blob_orphans),
        cmocka_unit_test(test_audit_head),
        cmocka_unit_test_setup_teardown(test_store_copy, setup, teardown),
        /* issue 13, dat70 */
        cmocka_unit_test(test_verify_archive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_cli.c */
