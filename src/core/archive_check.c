/*
** archive_check.c — DA/T 70-2018 四性检测 of one archive (a unit's year): 真实性
** (authenticity), 完整性 (integrity), 可用性 (usability) and 安全性 (security), one function
** per rule, each failing item naming the document, version or leaf and the reason in
** Chinese (issue 13, dat70).
**
** What is checked: the documents of the archive that are not in the trash (the archive
** record; a trashed document is no part of it until restored, and the report says so) —
** every version of each for 真实性, the current version of each for the rest.
**
** The decoders (可用性) and the content scan (安全性: macros, scripts, encryption) run on
** hostile bytes, so they run in the `wenming-extract --probe` helper under its CPU-time and
** memory limits (env->probe); a helper that times out or crashes fails that file only.
**
** Runs as the job "archive.check" (started from the archive page or the API: a row of
** archive_check in state running, then done with the four results and the report as a JSON
** and a PDF blob) or synchronously from `wenming verify archive` (the same function).
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_media.h"

/* ---------------------------------------------------------------- the tables of the rules */

/* The metadata every document must carry (DA/T 22-2015 归档文件整理规则 §6 and DA/T 70's
** 完整性 items), as wenming keeps it: field (a column of document; "author|dept": either),
** the element's name. */
static const struct {
    const char *field;
    const char *name;
} required_meta[] = {
    {"title", N_("题名")},
    {"author|dept", N_("责任者")},
    {"date_formed", N_("日期")},
    {"retention", N_("保管期限")},
    {"media", N_("门类（载体）")},
};

/* Types whose content is a program or a script (libmagic's names). */
static const char *const exec_types[] = {
    "application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
    "application/x-dosexec",    "application/x-msdownload",     "application/x-mach-binary",
    "application/x-elf",        "application/x-object",         "application/java-archive",
    "application/x-java-applet", "text/x-shellscript",          "text/x-python",
    "text/x-perl",              "text/x-php",                   "text/x-ruby",
    "application/javascript",   "text/javascript",              "text/x-msdos-batch",
    "application/x-bat",        "application/x-hta",            "application/hta",
    NULL};

static const char *const prop_keys[4] = {"authenticity", "integrity", "usability", "security"};
static const char *const prop_names[4] = {N_("真实性"), N_("完整性"), N_("可用性"), N_("安全性")};

/* ---------------------------------------------------------------- one property */

struct prop {
    json_t *items; /* the failing items, at most WM_CHECK_ITEMS_MAX */
    json_int_t total;   /* failing items in all */
    json_int_t checked; /* things checked */
    json_t *rules;      /* what was checked, in words */
    json_t *notes;
};

struct check {
    struct wm_db *db;
    const struct wm_check_env *env;
    const json_t *archive;
    json_t *docs;   /* the live documents (current version) */
    json_t *probes; /* sha -> {usable, why, risks: [{kind, detail}], mime, desc} */
    struct prop p[4];
    int64_t done, total;
};

/* One failing item: the document (may be NULL), its version (0: none), the reason. */
static void
fail_item(struct prop *p, const json_t *doc, int64_t version, const char *rule, const char *why)
{
    p->total++;
    if (json_array_size(p->items) >= WM_CHECK_ITEMS_MAX) {
        return;
    }
    json_t *it = json_pack("{s:s, s:s}", "rule", rule, "reason", why);
    if (doc) {
        json_object_set_new(it, "document_id", json_integer(jsi(doc, "id")));
        json_object_set_new(it, "code", json_string(jss(doc, "indicator_code")));
        json_object_set_new(it, "serial", json_integer(jsi(doc, "serial")));
        json_object_set_new(it, "title", json_string(jss(doc, "title")));
    }
    if (version > 0) {
        json_object_set_new(it, "version", json_integer(version));
    }
    json_array_append_new(p->items, it);
}

static void
progress(struct check *c, const char *phase)
{
    if (c->env->progress) {
        c->env->progress(c->env->cls, phase, c->done, c->total);
    }
}

/* ---------------------------------------------------------------- 真实性 */

/* Every version of every document re-hashed against its recorded SHA-256. */
static enum wm_err
rule_fixity(struct check *c, struct wm_fail *f)
{
    struct prop *p = &c->p[0];
    size_t i;
    json_t *d;
    json_array_foreach(c->docs, i, d)
    {
        json_t *vs = c->db->ops->version_list(c->db, jsi(d, "id"));
        if (NULL == vs) {
            return wm_read_fail(c->db, f, NULL, _("无法读取文件版本"));
        }
        size_t k;
        json_t *v;
        json_array_foreach(vs, k, v)
        {
            char err[256] = "";
            enum wm_blob_status st = wm_blob_verify_one(c->env->blobs, jss(v, "sha"), err,
                                                        sizeof err);
            p->checked++;
            if (WM_BLOB_MISSING == st) {
                fail_item(p, d, jsi(v, "version"), "fixity", _("文件内容在存储中缺失"));
            } else if (WM_BLOB_CORRUPT == st) {
                fail_item(p, d, jsi(v, "version"), "fixity",
                          _("文件内容与登记的 SHA-256 不符（已被篡改或损坏）"));
            } else if (WM_BLOB_OK != st) {
                char *why = wm_asprintf(_("文件内容无法读取：%s"), err);
                fail_item(p, d, jsi(v, "version"), "fixity", why);
                free(why);
            }
        }
        json_decref(vs);
        c->done++;
        progress(c, "authenticity");
    }
    return WM_OK;
}

/* The ids of the archive's documents (trashed ones too: their entries are the archive's),
** and how many log entries are about the archive or one of them. */
struct chain_mine {
    json_t *ids;
    int64_t archive_id, n;
};

static void
chain_count(void *cls, const json_t *row)
{
    struct chain_mine *m = cls;
    const char *ot = jss(row, "object_type");
    char k[32];
    snprintf(k, sizeof k, "%lld", (long long)jsi(row, "object_id"));
    m->n += (wm_streq(ot, "archive") && jsi(row, "object_id") == m->archive_id) ||
            (wm_streq(ot, "document") && json_object_get(m->ids, k));
}

static void
chain_ids(json_t *ids, const json_t *docs)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)jsi(d, "id"));
        json_object_set_new(ids, k, json_true());
    }
}

/* One failing item of the audit chain, naming the entry (0: none). */
static void
chain_fail(struct prop *p, int64_t id, const char *why)
{
    fail_item(p, NULL, 0, "audit", why);
    if (id > 0) {
        json_object_set_new(json_array_get(p->items, json_array_size(p->items) - 1), "audit_id",
                            json_integer(id));
    }
}

/* The audit log's hash chain, entry by entry (wm_audit_verify_each, as `verify audit`), and
** its newest entries against the data directory's audit-head anchor (entries removed from the
** end leave a valid, shorter chain). */
static enum wm_err
rule_audit_chain(struct check *c, struct wm_fail *f)
{
    struct prop *p = &c->p[0];
    struct chain_mine m = {.ids = json_object(), .archive_id = jsi(c->archive, "id")};
    chain_ids(m.ids, c->docs);
    json_t *trash = c->db->ops->doc_list(c->db, m.archive_id, NULL, true);
    chain_ids(m.ids, trash);
    json_decref(trash);
    char why[512];
    int64_t n = 0, bad = wm_audit_verify_each(c->db, &n, why, sizeof why, chain_count, &m);
    json_decref(m.ids);
    if (bad < 0) {
        return wm_read_fail(c->db, f, NULL, _("无法读取审计日志"));
    }
    if (bad > 0) {
        char *text = wm_asprintf(_("审计日志第 %lld 条与哈希链不符（有记录被删除或在写入后被修改）"),
                                 (long long)bad);
        chain_fail(p, bad, text);
        free(text);
    }
    int anchored = 0 == bad && c->env->data_dir
                       ? wm_audit_anchor_check(c->db, c->env->data_dir, why, sizeof why)
                       : 0;
    if (anchored > 0) {
        chain_fail(p, 0, _("审计日志与数据目录中锚定的最新记录（audit-head）不符：有最新的记录被删除或修改"));
    } else if (anchored < 0) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, _("无法核对审计日志的锚点：%s"), why);
    }
    p->checked++;
    char *text = bad ? wm_asprintf(_("审计日志的哈希链在第 %lld 条断裂"), (long long)bad)
                     : wm_asprintf(_("审计日志共 %lld 条，其中与本档案及其文件有关的 %lld 条；哈希链%s"),
                                   (long long)n, (long long)m.n,
                                   anchored ? _("与锚点不符") : _("完整"));
    json_array_append_new(p->notes, json_string(text));
    free(text);
    return WM_OK;
}

/* ---------------------------------------------------------------- 完整性 */

static bool
day_ok(const char *s)
{
    int64_t day;
    return s && wm_day_parse(s, &day);
}

/* The metadata of the required set present on each document. */
static void
rule_metadata(struct check *c)
{
    struct prop *p = &c->p[1];
    size_t i;
    json_t *d;
    json_array_foreach(c->docs, i, d)
    {
        struct wm_buf miss = {0};
        for (size_t k = 0; k < WM_ARRAY_LEN(required_meta); k++) {
            const char *fld = required_meta[k].field;
            bool ok;
            if (wm_streq(fld, "author|dept")) {
                ok = *jss(d, "author") || *jss(d, "dept");
            } else if (wm_streq(fld, "date_formed")) {
                ok = day_ok(jss(d, "date_formed"));
            } else {
                ok = '\0' != *jss(d, fld);
            }
            if (!ok) {
                wm_buf_printf(&miss, "%s%s", miss.len ? "、" : "", _(required_meta[k].name));
            }
        }
        p->checked++;
        if (miss.len) {
            char *why = wm_asprintf(_("缺少必备元数据：%s"), wm_buf_str(&miss));
            fail_item(p, d, jsi(d, "version"), "metadata", why);
            free(why);
        }
        wm_buf_free(&miss);
    }
}

/* No leaf below its minimum count of documents (the standard's 最少件数). */
static enum wm_err
rule_leaf_minimum(struct check *c, struct wm_fail *f)
{
    struct prop *p = &c->p[1];
    json_t *tree = wm_archive_tree(c->db, c->archive, f);
    if (NULL == tree) {
        return f->err ? f->err : WM_E_INTERNAL;
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(tree, "indicators"), i, x)
    {
        if (!jsi(x, "leaf") || !json_is_true(json_object_get(x, "requires"))) {
            continue;
        }
        p->checked++;
        int64_t have = jsi(x, "documents"), need = jsi(x, "required");
        if (have < need) {
            char *why = wm_asprintf(_("末级指标 %s %s 只有 %lld 件，至少需要 %lld 件"), jss(x, "code"),
                                    jss(x, "title"), (long long)have, (long long)need);
            fail_item(p, NULL, 0, "leaf_minimum", why);
            json_t *it = json_array_get(p->items, json_array_size(p->items) - 1);
            if (it && !json_object_get(it, "code")) {
                json_object_set_new(it, "code", json_string(jss(x, "code")));
                json_object_set_new(it, "title", json_string(jss(x, "title")));
            }
            free(why);
        }
    }
    json_decref(tree);
    return WM_OK;
}

/* The export plan of the archive lists every current version, and every blob it lists is
** stored. */
static enum wm_err
rule_manifest(struct check *c, struct wm_fail *f)
{
    struct prop *p = &c->p[1];
    int64_t year = jsi(c->archive, "year");
    json_t *plan = wm_export_plan(c->db, c->env->actor, jsi(c->archive, "unit_id"), &year, 1,
                                  false, f);
    if (NULL == plan) {
        return f->err ? f->err : WM_E_INTERNAL;
    }
    json_t *listed = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(plan, "files"), i, x)
    {
        json_object_set_new(listed, jss(x, "sha"), json_true());
        p->checked++;
        if (!wm_blob_exists(c->env->blobs, jss(x, "sha"))) {
            char *why = wm_asprintf(_("档案包清单中的文件 %s 在存储中缺失"), jss(x, "path"));
            fail_item(p, NULL, 0, "manifest", why);
            free(why);
        }
    }
    json_array_foreach(c->docs, i, x)
    {
        if (!json_object_get(listed, jss(x, "sha"))) {
            fail_item(p, x, jsi(x, "version"), "manifest", _("档案包清单没有列出该文件的当前版本"));
        }
    }
    char *text = wm_asprintf(_("档案包清单列出 %lld 个文件"),
                             (long long)json_array_size(json_object_get(plan, "files")));
    json_array_append_new(p->notes, json_string(text));
    free(text);
    json_decref(listed);
    json_decref(plan);
    return WM_OK;
}

/* ---------------------------------------------------------------- 可用性 and 安全性 */

/* Types no decoder of the probe reads: their type and allow-list are still checked. */
static bool
not_decoded(const char *mime)
{
    return wm_startswith(mime, "audio/") || wm_startswith(mime, "video/") ||
           wm_streq(mime, "image/heic") || wm_streq(mime, "image/heif");
}

/* Parse the probe's lines into {usable, why, risks}. */
static json_t *
probe_parse(const char *text)
{
    json_t *o = json_pack("{s:b, s:s, s:[]}", "usable", false, "why", _("检测结果无法读取"),
                          "risks");
    char *copy = wm_strdup(text ? text : "");
    for (char *line = copy; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t1) {
            *t1++ = '\0';
        }
        if (t2) {
            *t2++ = '\0';
        }
        if (t1 && wm_streq(line, "usable")) {
            json_object_set_new(o, "usable", json_boolean(wm_streq(t1, "1")));
            json_object_set_new(o, "why", json_string(t2 ? t2 : ""));
        } else if (t1 && t2 && wm_streq(line, "risk")) {
            json_array_append_new(json_object_get(o, "risks"),
                                  json_pack("{s:s, s:s}", "kind", t1, "detail", t2));
        }
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    return o;
}

/* Run the probe on one blob (once per content). */
static json_t *
probe_blob(struct check *c, const char *sha, const char *path, const char *mime)
{
    json_t *have = json_object_get(c->probes, sha);
    if (have) {
        return have;
    }
    json_t *o;
    if (NULL == c->env->probe) {
        o = json_pack("{s:b, s:s, s:[]}", "usable", false, "why",
                      _("本机没有检测程序 wenming-extract，无法检测"), "risks");
    } else {
        char dir[4096], err[512] = "";
        if (0 != wm_scratch_dir("wenming-check", dir, sizeof dir)) {
            o = json_pack("{s:b, s:s, s:[]}", "usable", false, "why", _("无法建立临时目录"),
                          "risks");
        } else {
            char *out = wm_asprintf("%s/probe.txt", dir);
            enum wm_err e = c->env->probe(path, mime, out, err, sizeof err);
            if (WM_OK == e) {
                size_t n = 0;
                char *text = wm_read_file(out, &n);
                o = probe_parse(text);
                free(text);
            } else {
                char *why = wm_asprintf(_("检测未完成：%s"), err);
                o = json_pack("{s:b, s:s, s:[]}", "usable", false, "why", why, "risks");
                free(why);
            }
            unlink(out);
            free(out);
            rmdir(dir);
        }
    }
    json_object_set_new(c->probes, sha, o);
    return o;
}

static bool
exec_type(const char *mime)
{
    for (int i = 0; exec_types[i]; i++) {
        if (wm_streq(mime, exec_types[i])) {
            return true;
        }
    }
    return false;
}

static const char *
risk_label(const char *kind)
{
    return wm_streq(kind, "encrypted") ? _("加密或设有密码")
           : wm_streq(kind, "macro")   ? _("含有宏")
           : wm_streq(kind, "script")  ? _("含有脚本")
                                       : _("含有可执行内容");
}

/* The current version of each document: opens with a decoder for its detected type
** (可用性); no executable content, no macros or scripts, not encrypted, a type on the
** allowed list (安全性). */
static void
rule_files(struct check *c)
{
    struct prop *u = &c->p[2], *s = &c->p[3];
    size_t i;
    json_t *d;
    json_array_foreach(c->docs, i, d)
    {
        const char *sha = jss(d, "sha");
        int64_t ver = jsi(d, "version");
        char path[4096];
        int fd = wm_blob_open_fd(c->env->blobs, sha);
        struct wm_media_info mi;
        u->checked++;
        s->checked++;
        if (fd < 0 || !wm_blob_path(c->env->blobs, sha, path, sizeof path)) {
            fail_item(u, d, ver, "decode", _("文件内容在存储中缺失，无法打开"));
            fail_item(s, d, ver, "type", _("文件内容在存储中缺失，无法检查"));
        } else if (WM_OK != wm_media_sniff_fd(fd, &mi)) {
            fail_item(u, d, ver, "decode", _("无法识别文件类型"));
            fail_item(s, d, ver, "type", _("无法识别文件类型"));
        } else {
            /* 安全性: the type, from the bytes */
            if (exec_type(mi.mime)) {
                char *why = wm_asprintf(_("文件内容是可执行程序或脚本（%s）"),
                                        wm_media_info_label(&mi));
                fail_item(s, d, ver, "executable", why);
                free(why);
            }
            if (!wm_media_allowed(&mi, c->env->allowed)) {
                char refusal[400];
                wm_media_refusal(&mi, jss(d, "filename"), refusal, sizeof refusal);
                char *why = wm_asprintf(_("文件类型不在允许的范围内：%s"), refusal);
                fail_item(s, d, ver, "allowed", why);
                free(why);
            }
            if (not_decoded(mi.mime)) {
                u->checked--; /* counted as not decoded, in the note */
                json_object_set_new(d, "not_decoded", json_true());
            } else if (exec_type(mi.mime)) {
                fail_item(u, d, ver, "decode", _("可执行程序不是可阅读的文件"));
            } else {
                json_t *pr = probe_blob(c, sha, path, mi.mime);
                if (!json_is_true(json_object_get(pr, "usable"))) {
                    char *why = wm_asprintf(_("无法打开：%s"), jss(pr, "why"));
                    fail_item(u, d, ver, "decode", why);
                    free(why);
                }
                size_t k;
                json_t *r;
                json_array_foreach(json_object_get(pr, "risks"), k, r)
                {
                    char *why = wm_asprintf("%s：%s", risk_label(jss(r, "kind")), jss(r, "detail"));
                    fail_item(s, d, ver, jss(r, "kind"), why);
                    free(why);
                }
            }
        }
        if (fd >= 0) {
            close(fd);
        }
        c->done++;
        progress(c, "usability");
    }
}

/* ---------------------------------------------------------------- the report */

static json_t *
prop_json(struct prop *p, int k)
{
    json_t *o = json_pack("{s:s, s:s, s:b, s:I, s:I, s:O, s:O, s:O}", "key", prop_keys[k], "name",
                          _(prop_names[k]), "passed", 0 == p->total, "checked", p->checked,
                          "failed", p->total, "items", p->items, "rules", p->rules, "notes",
                          p->notes);
    json_object_set_new(o, "items_listed", json_integer((json_int_t)json_array_size(p->items)));
    return o;
}

json_t *
wm_archive_check_run(struct wm_db *db, const json_t *archive, const struct wm_check_env *env,
                     struct wm_fail *f)
{
    struct check c = {.db = db, .env = env, .archive = archive, .probes = json_object()};
    json_t *report = NULL; /* stays NULL on failure */
    for (int k = 0; k < 4; k++) {
        c.p[k] = (struct prop){.items = json_array(), .rules = json_array(), .notes = json_array()};
    }
    json_array_append_new(c.p[0].rules, json_string(_("每件文件的每个版本按登记的 SHA-256 重新计算校验（内容缺失或不符即不通过）")));
    json_array_append_new(c.p[0].rules, json_string(_("审计日志哈希链逐条校验（任何一环断裂即不通过，指明记录编号）")));
    json_array_append_new(c.p[1].rules, json_string(_("每件文件具备必备元数据：题名、责任者（责任者或部门）、日期（YYYY-MM-DD）、保管期限、门类")));
    json_array_append_new(c.p[1].rules, json_string(_("每个末级指标的文件数不少于测评标准规定的最少件数")));
    json_array_append_new(c.p[1].rules, json_string(_("档案包清单列出每件文件的当前版本，清单中的每个文件均在存储中")));
    json_array_append_new(c.p[2].rules, json_string(_("每件文件的当前版本能按其实际类型打开：PDF 每页可读取且第 1 页可显示，图片可解码，OFD/Office 容器可解析且主体 XML 格式正确，文本为有效的 UTF-8 或 GBK")));
    json_array_append_new(c.p[3].rules, json_string(_("不含可执行程序或脚本、宏（vbaProject.bin 等）、PDF 中的 JavaScript 或启动动作、压缩包内的可执行文件")));
    json_array_append_new(c.p[3].rules, json_string(_("不含加密或设有密码的文件（PDF /Encrypt、加密的 Office 文件、加密的压缩条目）")));
    json_array_append_new(c.p[3].rules, json_string(_("文件的实际类型在允许的文件类型范围内（wenming.conf 的 allowed_types）")));
    int64_t started = wm_now();
    c.docs = db->ops->doc_list(db, jsi(archive, "id"), NULL, false);
    if (NULL == c.docs) {
        wm_read_fail(db, f, NULL, _("无法读取档案文件"));
        goto fail;
    }
    c.total = 2 * (int64_t)json_array_size(c.docs);
    progress(&c, "start");
    if (WM_OK != rule_fixity(&c, f) || WM_OK != rule_audit_chain(&c, f)) {
        goto fail;
    }
    rule_metadata(&c);
    if (WM_OK != rule_leaf_minimum(&c, f) || WM_OK != rule_manifest(&c, f)) {
        goto fail;
    }
    rule_files(&c);
    json_int_t skipped = 0;
    size_t i;
    json_t *d;
    json_array_foreach(c.docs, i, d)
    {
        skipped += json_is_true(json_object_get(d, "not_decoded"));
    }
    if (skipped) {
        char *text = wm_asprintf(_("%lld 件音视频或 HEIC 图片未逐帧解码，仅检查了类型"),
                                 (long long)skipped);
        json_array_append_new(c.p[2].notes, json_string(text));
        free(text);
    }
    json_t *meta = json_array();
    for (size_t k = 0; k < WM_ARRAY_LEN(required_meta); k++) {
        json_array_append_new(meta, json_pack("{s:s, s:s}", "field", required_meta[k].field,
                                              "name", _(required_meta[k].name)));
    }
    char t0[32], t1[32];
    wm_time_rfc3339(started, t0);
    wm_time_rfc3339(wm_now(), t1);
    bool all = true;
    json_t *props = json_array();
    for (int k = 0; k < 4; k++) {
        all = all && 0 == c.p[k].total;
        json_array_append_new(props, prop_json(&c.p[k], k));
    }
    report = json_pack(
        "{s:s, s:s, s:s, s:{s:I, s:I, s:s, s:s, s:I}, s:s, s:s, s:I, s:s, s:b, s:o, s:o}",
        "kind", "archive.check", "standard", WM_CHECK_STANDARD, "metadata_standard",
        WM_CHECK_META_STANDARD, "archive", "id", (json_int_t)jsi(archive, "id"), "unit_id",
        (json_int_t)jsi(archive, "unit_id"), "unit_name", jss(archive, "unit_name"), "unit_code",
        jss(archive, "unit_code"), "year", (json_int_t)jsi(archive, "year"), "started_at", t0,
        "finished_at", t1, "documents", (json_int_t)json_array_size(c.docs), "scope",
        _("本年度档案中未删除的文件：真实性检测每个版本，其余各项检测当前版本；回收站中的文件不属于档案记录，不检测"),
        "passed", all, "required_metadata", meta, "properties", props);
fail:
    json_decref(c.docs);
    json_decref(c.probes);
    for (int k = 0; k < 4; k++) {
        json_decref(c.p[k].items);
        json_decref(c.p[k].rules);
        json_decref(c.p[k].notes);
    }
    return report;
}

void
wm_archive_check_results(const json_t *report, int results[4])
{
    for (int k = 0; k < 4; k++) {
        results[k] = -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(report, "properties"), i, p)
    {
        for (int k = 0; k < 4; k++) {
            if (wm_streq(jss(p, "key"), prop_keys[k])) {
                results[k] = json_is_true(json_object_get(p, "passed")) ? 1 : 0;
            }
        }
    }
}

/* ---------------------------------------------------------------- storing a run */

/* Store a file the server made as a blob (and its row): its sha into sha. */
static enum wm_err
store_file(struct wm_db *db, struct wm_blobstore *bs, const char *path, const char *mime,
           char sha[65], struct wm_fail *f)
{
    char err[256] = "";
    uint64_t size = 0;
    size_t headlen = 0;
    if (WM_OK != wm_blob_store_path(bs, path, NULL, &headlen, sha, &size, err, sizeof err)) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, _("无法保存检测报告：%s"), err);
    }
    if (WM_QS_ONE != db->ops->blob_upsert(db, sha, (int64_t)size, mime, wm_now())) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存检测报告"));
    }
    return WM_OK;
}

struct finish {
    const struct wm_actor *a;
    const json_t *archive;
    int64_t check_id; /* 0: a new row (the command line) */
    const char *state;
    const json_t *report;
    const char *json_path, *pdf_path;
    const char *error;
    struct wm_blobstore *bs;
    int64_t *out_id;
};

static enum wm_err
finish_once(struct wm_db *db, struct finish *x, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    char jsha[65] = "", psha[65] = "";
    int64_t id = x->check_id;
    int results[4] = {-1, -1, -1, -1};
    if (x->report) {
        wm_archive_check_results(x->report, results);
    }
    if (0 == id && WM_QS_ONE != db->ops->archive_check_insert(db, jsi(x->archive, "id"), 0,
                                                             x->a->p ? x->a->p->user_id : 0,
                                                             wm_now(), &id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检测记录"));
    }
    if (WM_OK == e && x->json_path) {
        e = store_file(db, x->bs, x->json_path, "application/json", jsha, f);
    }
    if (WM_OK == e && x->pdf_path) {
        e = store_file(db, x->bs, x->pdf_path, "application/pdf", psha, f);
    }
    if (WM_OK == e &&
        WM_QS_ONE != db->ops->archive_check_finish(db, id, x->state, results,
                                                   jsha[0] ? jsha : NULL, psha[0] ? psha : NULL,
                                                   x->error, wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检测记录"));
    }
    if (WM_OK == e) {
        json_t *sum = json_pack("{s:I, s:I, s:I, s:s, s:b, s:i, s:i, s:i, s:i}", "check_id",
                                (json_int_t)id, "unit_id", (json_int_t)jsi(x->archive, "unit_id"),
                                "year", (json_int_t)jsi(x->archive, "year"), "state", x->state,
                                "passed", x->report && json_is_true(json_object_get(x->report, "passed")),
                                "authenticity", results[0], "integrity", results[1], "usability",
                                results[2], "security", results[3]);
        e = wm_audit(db, x->a, "archive.check", "archive", jsi(x->archive, "id"),
                     jss(x->archive, "unit_path"), NULL, sum);
        json_decref(sum);
    }
    if (WM_OK == e && x->out_id) {
        *x->out_id = id;
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_archive_check_finish(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                        int64_t check_id, const json_t *report, const char *error,
                        const struct wm_check_env *env, int64_t *id, struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    struct finish x = {.a = a, .archive = archive, .check_id = check_id, .report = report,
                       .state = report ? "done" : "failed", .error = error, .bs = env->blobs,
                       .out_id = id};
    if (report) {
        /* the spec is the report itself, kept as the stored JSON (indented, keys sorted) */
        struct wm_compile c;
        if (WM_OK != (e = wm_compile_begin(&c, "wenming-check", f))) {
            return e;
        }
        char pdf_err[256] = "";
        if (WM_OK == wm_compile_run(&c, env->compile, report, JSON_INDENT(1) | JSON_SORT_KEYS,
                                    _("检测报告 PDF"), f)) {
            x.pdf_path = c.pdf;
        } else {
            /* the report stands without its PDF; the page says why */
            snprintf(pdf_err, sizeof pdf_err, "%s", f->msg);
            x.error = pdf_err;
            memset(f, 0, sizeof *f);
        }
        x.json_path = c.spec;
        TX_RETRY(e, finish_once(db, &x, f));
        wm_compile_end(&c);
        return e;
    }
    TX_RETRY(e, finish_once(db, &x, f));
    return e;
}

/* ---------------------------------------------------------------- starting one, the job */

static struct wm_check_env job_env;

static bool
may_run(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
}

bool
wm_archive_check_may_run(const struct wm_actor *a)
{
    return may_run(a);
}

struct start {
    const struct wm_actor *a;
    const json_t *archive;
    int64_t *check_id, *job_id;
};

static enum wm_err
start_once(struct wm_db *db, struct start *s, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *last = db->ops->archive_check_last(db, jsi(s->archive, "id"), false);
    if (last && wm_streq(jss(last, "state"), "running")) {
        /* one run at a time: the one running is the answer */
        *s->check_id = jsi(last, "id");
        *s->job_id = jsi(last, "job_id");
        json_decref(last);
        return tx_end(db, WM_OK, f);
    }
    json_decref(last);
    json_t *payload = json_pack("{s:I, s:I}", "unit_id", (json_int_t)jsi(s->archive, "unit_id"),
                                "year", (json_int_t)jsi(s->archive, "year"));
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    char key[64];
    snprintf(key, sizeof key, "archive.check:%lld", (long long)jsi(s->archive, "id"));
    struct wm_job_in in = {.kind = "archive.check", .payload = text, .dedupe_key = key,
                           .org_path = jss(s->archive, "unit_path"), .max_attempts = 2};
    e = wm_job_submit_in(db, s->a, &in, s->job_id, f);
    free(text);
    if (WM_OK == e && 0 == *s->job_id) {
        /* the job of the last run is still ending (its row already finished): a moment */
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("上一次检测正在结束，请稍后再试"));
    }
    if (WM_OK == e &&
        WM_QS_ONE != db->ops->archive_check_insert(db, jsi(s->archive, "id"), *s->job_id,
                                                   s->a->p ? s->a->p->user_id : 0, wm_now(),
                                                   s->check_id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检测记录"));
    }
    if (WM_OK == e) {
        json_t *sum = json_pack("{s:I, s:I, s:I, s:I}", "check_id", (json_int_t)*s->check_id,
                                "job_id", (json_int_t)*s->job_id, "unit_id",
                                (json_int_t)jsi(s->archive, "unit_id"), "year",
                                (json_int_t)jsi(s->archive, "year"));
        e = wm_audit(db, s->a, "archive.check.start", "archive", jsi(s->archive, "id"),
                     jss(s->archive, "unit_path"), NULL, sum);
        json_decref(sum);
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_archive_check_start(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                       int64_t *check_id, int64_t *job_id, struct wm_fail *f)
{
    if (!may_run(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限进行四性检测"));
    }
    *check_id = *job_id = 0;
    struct start s = {.a = a, .archive = archive, .check_id = check_id, .job_id = job_id};
    enum wm_err e;
    TX_RETRY(e, start_once(db, &s, f));
    return e;
}

json_t *
wm_archive_check_last(struct wm_db *db, const json_t *archive, bool done_only,
                      struct wm_fail *f)
{
    json_t *row = db->ops->archive_check_last(db, jsi(archive, "id"), done_only);
    if (NULL == row && wm_db_failed(db)) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return row;
}

json_t *
wm_archive_check_view(struct wm_db *db, struct wm_blobstore *bs, const json_t *archive,
                      struct wm_fail *f)
{
    json_t *row = db->ops->archive_check_last(db, jsi(archive, "id"), false);
    if (NULL == row) {
        wm_read_fail(db, f, NULL, _("该档案尚未进行四性检测"));
        return NULL;
    }
    if (wm_streq(jss(row, "state"), "running") && jsi(row, "job_id")) {
        json_t *job = db->ops->job_get(db, jsi(row, "job_id"));
        json_t *pr = job ? json_loads(jss(job, "progress"), 0, NULL) : NULL;
        if (pr) {
            json_object_set_new(row, "progress", pr);
        }
        if (job && (wm_streq(jss(job, "state"), "failed") || wm_streq(jss(job, "state"), "done"))) {
            /* the job ended without recording the run (a crash between): say so */
            json_object_set_new(row, "state", json_string("failed"));
            json_object_set_new(row, "error", json_string(*jss(job, "last_error") ? jss(job, "last_error")
                                                                             : _("检测任务已结束但未保存结果")));
        }
        json_decref(job);
    }
    char path[4096];
    if (*jss(row, "json_sha") && wm_blob_path(bs, jss(row, "json_sha"), path, sizeof path)) {
        json_t *rep = json_load_file(path, 0, NULL);
        if (rep) {
            json_object_del(rep, "kind");
            json_object_set_new(row, "report", rep);
        }
    }
    return row;
}

struct job_progress {
    struct wm_job *job;
};

static void
job_progress(void *cls, const char *phase, int64_t done, int64_t total)
{
    struct job_progress *p = cls;
    (void)wm_job_progress(p->job, json_pack("{s:s, s:I, s:I}", "phase", phase, "done",
                                            (json_int_t)done, "total", (json_int_t)total),
                          false);
}

static enum wm_err
run_check(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
          struct wm_fail *f)
{
    int64_t uid = jsi(wm_job_row(job), "created_by");
    struct wm_principal *p = uid ? wm_principal_load(db, uid) : NULL;
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor a = {.p = p, .request_id = rid, .addr = "job"};
    enum wm_err e = WM_OK;
    json_t *ar = NULL, *row = NULL, *report = NULL;
    if (NULL == p) {
        e = wm_fail_set(f, wm_db_failed(db) ? WM_E_UNAVAILABLE : WM_E_FORBIDDEN, NULL, "%s",
                        _("发起检测的账号已不存在或已停用"));
    } else if (NULL == (ar = wm_archive_open(db, &a, jsi(payload, "unit_id"),
                                             jsi(payload, "year"), f))) {
        e = f->err;
    } else if (NULL == (row = db->ops->archive_check_last(db, jsi(ar, "id"), false)) ||
               jsi(row, "job_id") != wm_job_id(job) || !wm_streq(jss(row, "state"), "running")) {
        /* already finished (a takeover after the end) or superseded: nothing to do */
        *result = json_pack("{s:b}", "skipped", true);
        json_decref(row);
        json_decref(ar);
        wm_principal_free(p);
        return WM_OK;
    }
    struct job_progress jp = {.job = job};
    struct wm_check_env env = job_env;
    env.actor = &a;
    env.progress = job_progress;
    env.cls = &jp;
    if (WM_OK == e) {
        report = wm_archive_check_run(db, ar, &env, f);
        if (NULL == report) {
            e = f->err ? f->err : WM_E_INTERNAL;
        }
    }
    if (row) {
        struct wm_fail f2 = {0};
        int64_t id = 0;
        char why[256];
        snprintf(why, sizeof why, "%s", f->msg);
        enum wm_err e2 = wm_archive_check_finish(db, &a, ar, jsi(row, "id"), report,
                                                 report ? NULL : why, &env, &id, &f2);
        if (WM_OK == e && WM_OK != e2) {
            e = e2;
            *f = f2;
        }
        if (WM_OK == e) {
            *result = json_pack("{s:I, s:b}", "check_id", (json_int_t)id, "passed",
                                json_is_true(json_object_get(report, "passed")));
        } else if (NULL == report && WM_OK == e2) {
            e = WM_OK; /* recorded as failed, with the cause: not tried again */
            *result = json_pack("{s:I, s:s}", "check_id", (json_int_t)id, "error", why);
        }
    }
    json_decref(report);
    json_decref(row);
    json_decref(ar);
    wm_principal_free(p);
    return e;
}

void
wm_archive_check_register_jobs(const struct wm_check_env *env)
{
    job_env = *env;
    const struct wm_job_kind k = {.kind = "archive.check", .run = run_check, .max_attempts = 2,
                                  .backoff = 30, .audit_submit = false};
    wm_jobs_register(&k);
}

/* end of archive_check.c */
