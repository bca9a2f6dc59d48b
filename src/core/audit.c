/*
** audit.c — the append-only, hash-chained audit log.
**
** Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
** JSON (sorted keys, compact), so editing or removing any row breaks every later link;
** `wenming verify audit` walks the chain and names the first entry that does not match.
** Removing the newest entries leaves a valid shorter chain, so the head is also anchored
** outside the table (audit-head in the data directory, and the log) and verify compares.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "wm_core.h"

static char *
canonical(int64_t at, json_int_t user_id, const char *username, const char *action,
          const char *object_type, json_int_t object_id, const char *org_path,
          const char *summary, const char *request_id, const char *addr, const char *prev)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "at",
                          (json_int_t)at, "user_id", user_id, "username", username, "action",
                          action, "object_type", object_type, "object_id", object_id,
                          "org_path", org_path, "summary", summary, "request_id", request_id,
                          "addr", addr, "prev_hash", prev);
    if (NULL == o) {
        wm_panic("audit entry is not valid UTF-8");
    }
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(o);
    return s;
}

enum wm_err
wm_audit_new(struct wm_db *db, const struct wm_actor *a, const char *action,
             const char *object_type, int64_t object_id, const char *org_path, json_t *before,
             json_t *after)
{
    enum wm_err e = wm_audit(db, a, action, object_type, object_id, org_path, before, after);
    json_decref(before);
    json_decref(after);
    return e;
}

enum wm_err
wm_audit(struct wm_db *db, const struct wm_actor *a, const char *action,
         const char *object_type, int64_t object_id, const char *org_path, json_t *before,
         json_t *after)
{
    json_t *sum = json_object();
    if (before) {
        json_object_set(sum, "before", before);
    }
    if (after) {
        json_object_set(sum, "after", after);
    }
    char *summary = json_dumps(sum, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(sum);
    char prev[65];
    enum wm_err e = WM_OK;
    if (WM_QS_ONE != db->ops->audit_last_hash(db, prev)) {
        free(summary);
        return WM_E_INTERNAL;
    }
    struct wm_audit_entry ent = {
        .at = wm_now(),
        .user_id = a->p ? a->p->user_id : 0,
        .username = a->p ? a->p->username : "(cli)",
        .action = action,
        .object_type = object_type,
        .object_id = object_id,
        .org_path = org_path ? org_path : "/",
        .summary = summary,
        .request_id = a->request_id ? a->request_id : "-",
        .addr = a->addr ? a->addr : "-",
    };
    char *canon = canonical(ent.at, ent.user_id, ent.username, ent.action, ent.object_type,
                            ent.object_id, ent.org_path, ent.summary, ent.request_id, ent.addr,
                            prev);
    struct wm_buf b = {0};
    wm_buf_adds(&b, prev);
    wm_buf_addc(&b, '\n');
    wm_buf_adds(&b, canon);
    char hash[65];
    wm_sha256_hex(b.data, b.len, hash);
    int64_t id;
    if (WM_QS_ONE != db->ops->audit_insert(db, &ent, prev, hash, &id)) {
        e = WM_E_INTERNAL;
    }
    wm_buf_free(&b);
    free(canon);
    free(summary);
    return e;
}

static const char *
js(const json_t *row, const char *k)
{
    const char *s = json_string_value(json_object_get(row, k));
    return s ? s : "";
}

void
wm_audit_row_hash(const json_t *row, char out[65])
{
    char *canon = canonical(json_integer_value(json_object_get(row, "at")),
                            json_integer_value(json_object_get(row, "user_id")),
                            js(row, "username"), js(row, "action"), js(row, "object_type"),
                            json_integer_value(json_object_get(row, "object_id")),
                            js(row, "org_path"), js(row, "summary"), js(row, "request_id"),
                            js(row, "addr"), js(row, "prev_hash"));
    struct wm_buf b = {0};
    wm_buf_adds(&b, js(row, "prev_hash"));
    wm_buf_addc(&b, '\n');
    wm_buf_adds(&b, canon);
    wm_sha256_hex(b.data, b.len, out);
    wm_buf_free(&b);
    free(canon);
}

int64_t
wm_audit_verify(struct wm_db *db, int64_t *count, char *why, size_t whylen)
{
    return wm_audit_verify_each(db, count, why, whylen, NULL, NULL);
}

int64_t
wm_audit_verify_each(struct wm_db *db, int64_t *count, char *why, size_t whylen,
                     void (*each)(void *cls, const json_t *row), void *cls)
{
    char prev[65] = "";
    int64_t after = 0, n = 0;
    for (;;) {
        json_t *rows = db->ops->audit_scan(db, after, 1000);
        if (NULL == rows) {
            snprintf(why, whylen, "cannot read the audit log");
            return -1;
        }
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            int64_t id = json_integer_value(json_object_get(row, "id"));
            char h[65];
            n++;
            if (!wm_streq(js(row, "prev_hash"), prev)) {
                snprintf(why, whylen,
                         "entry %lld does not follow the entry before it (an entry was removed "
                         "or edited)",
                         (long long)id);
                json_decref(rows);
                return id;
            }
            wm_audit_row_hash(row, h);
            if (!wm_streq(h, js(row, "hash"))) {
                snprintf(why, whylen, "entry %lld was changed after it was written",
                         (long long)id);
                json_decref(rows);
                return id;
            }
            snprintf(prev, sizeof prev, "%s", h);
            after = id;
            if (each) {
                each(cls, row);
            }
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (got < 1000) {
            break;
        }
    }
    if (count) {
        *count = n;
    }
    return 0;
}

/* end of audit.c */

/* ---------------------------------------------------------------- names */

/* Every action code wenming writes, with its Chinese name (tests/unit/test_audit_names.c
** finds every code in the sources and fails when one is missing here). */
static const struct {
    const char *code;
    const char *label;
} action_names[] = {
    {"session.create", N_("登录")},
    {"session.delete", N_("退出登录")},
    {"user.create", N_("新建账号")},
    {"user.update", N_("修改账号")},
    {"user.disable", N_("停用账号")},
    {"user.enable", N_("启用账号")},
    {"user.password", N_("修改或重置密码")},
    {"token.create", N_("创建 API 令牌")},
    {"token.revoke", N_("吊销 API 令牌")},
    {"token.revoke_all", N_("撤销账号的全部 API 令牌")},
    {"org.create", N_("新建机构")},
    {"org.update", N_("修改机构")},
    {"unit.create", N_("新建单位")},
    {"unit.update", N_("修改单位")},
    {"unit.import", N_("批量导入单位")},
    {"dept.create", N_("新增科室")},
    {"dept.delete", N_("删除科室")},
    {"framework.import", N_("导入测评体系")},
    {"framework.replace", N_("重新导入测评体系草稿")},
    {"framework.publish", N_("发布测评体系")},
    {"framework.delete", N_("删除测评体系")},
    {"archive.create", N_("创建年度档案")},
    {"archive.delete", N_("删除年度档案")},
    {"archive.default", N_("设定年度默认测评体系")},
    {"archive.export", N_("导出档案包")},
    {"archive.import", N_("导入档案包")},
    {"document.create", N_("上传文件")},
    {"document.version", N_("上传新版本")},
    {"document.update", N_("修改文件信息")},
    {"document.move", N_("移动文件")},
    {"document.reorder", N_("调整文件顺序")},
    {"document.delete", N_("删除文件（移入回收站）")},
    {"document.restore", N_("从回收站恢复文件")},
    {"document.purge", N_("彻底删除文件")},
    {"document.download", N_("下载文件")},
    {"document.submit", N_("提交审核")},
    {"document.approve", N_("审核通过")},
    {"document.return", N_("退回修改")},
    {"guidance.post", N_("发表指导意见或留言")},
    {"guidance.close", N_("关闭指导对话")},
    {"guidance.reopen", N_("重新打开指导对话")},
    {"practice.feature", N_("设为经验做法")},
    {"practice.update", N_("修改经验做法")},
    {"practice.withdraw", N_("撤下经验做法")},
    {"practice.compile", N_("编制经验交流汇编")},
    {"job.create", N_("创建后台任务")},
    {"job.retry", N_("重试后台任务")},
    {"user.notify_prefs", N_("修改消息与邮件设置")},
    {"office.settings", N_("修改审核设置")},
    {"round.create", N_("创建测评")},
    {"round.update", N_("修改测评")},
    {"round.state", N_("改变测评状态")},
    {"round.recheck", N_("加入复查单位")},
    {"round.entry.save", N_("保存申报材料")},
    {"round.entry.declare", N_("提交申报")},
    {"round.entry.withdraw", N_("撤回申报")},
    {"round.entry.recommend", N_("推荐申报单位")},
    {"round.entry.accept", N_("受理申报")},
    {"round.entry.reject", N_("不予受理申报")},
    {"title.create", N_("登记文明称号")},
    {"title.update", N_("修改文明称号")},
    {"title.state", N_("变更文明称号状态")},
    {"title.expire", N_("文明称号到期")},
    {"title.import", N_("批量导入文明称号")},
    {"title.decide", N_("测评决定文明称号（授予、保留、撤销）")},
    {"score.set", N_("评分")},
    {"sheet.submit", N_("提交评分表")},
    {"sheet.reopen", N_("退回评分表")},
    {"entry.reconcile", N_("组长裁定得分")},
    {"entry.lock", N_("锁定单位评分")},
    {"entry.unlock", N_("解除评分锁定")},
    {"objection.create", N_("提出异议")},
    {"objection.answer", N_("答复异议")},
    {"round.titles", N_("测评写入称号")},
    {"rectification.open", N_("开具整改项")},
    {"round.group.create", N_("建立测评组")},
    {"round.group.delete", N_("删除测评组")},
    {"round.group.update", N_("修改测评组")},
    {"round.group.member_add", N_("加入测评组成员")},
    {"round.group.member_remove", N_("移出测评组成员")},
    {"round.entry.assign", N_("分配测评组")},
    {"round.visit.schedule", N_("安排测评走访")},
    {"round.visit.reschedule", N_("调整测评走访")},
    {"round.visit.cancel", N_("取消测评走访")},
    /* issue 12, work_plan.c */
    {"work.settings", N_("修改创建工作设置")},
    {"work.member.add", N_("加入领导小组或办公室")},
    {"work.member.end", N_("结束领导小组或办公室任职")},
    {"work.duty.set", N_("修改领导小组或办公室职责")},
    {"work.plan.save", N_("保存年度创建计划")},
    {"work.task.create", N_("布置创建任务")},
    {"work.task.update", N_("修改创建任务")},
    {"work.task.done", N_("完成创建任务")},
    {"work.task.reopen", N_("重新打开创建任务")},
    /* issue 12, work_meet.c */
    {"work.meeting_kind.defaults", N_("建立默认会议类型")},
    {"work.meeting_kind.create", N_("新建会议类型")},
    {"work.meeting_kind.update", N_("修改会议类型")},
    {"work.meeting.create", N_("登记会议")},
    {"work.meeting.update", N_("修改会议")},
    {"work.meeting.file", N_("会议文件归档")},
    /* issue 12, work_inspect.c */
    {"work.area.create", N_("新增责任区")},
    {"work.area.update", N_("修改责任区")},
    {"work.inspection.create", N_("记录责任区检查")},
    {"work.bulletin.build", N_("生成一周一通报")},
    /* issue 12, work_rect.c */
    {"rectification.update", N_("修改整改项")},
    {"rectification.evidence", N_("添加整改佐证")},
    {"rectification.done", N_("整改完成")},
    {"rectification.verify", N_("整改验收通过")},
    {"rectification.reject", N_("整改退回重改")},
    {"rectification.close", N_("关闭整改项")},
    /* issue 12, work_overview.c */
    /* issue 13, totp: failed logins, the second factor */
    {"login.fail", N_("登录失败")},
    {"totp.start", N_("开始设置两步验证")},
    {"totp.enable", N_("启用两步验证")},
    {"totp.recovery_new", N_("重新生成恢复码")},
    {"totp.disable", N_("关闭两步验证")},
    {"totp.reset", N_("重置两步验证")},
    /* issue 13, dat70 */
    {"archive.check.start", N_("开始四性检测")},
    {"archive.check", N_("四性检测")},
};

const char *const wm_audit_actions[] = {
    "session.create",   "session.delete",    "user.create",      "user.update",
    "user.disable",     "user.enable",       "user.password",    "token.create",
    "token.revoke",     "token.revoke_all",  "org.create",       "org.update",
    "unit.create",      "unit.update",       "unit.import",      "dept.create",
    "dept.delete",      "framework.import",  "framework.replace", "framework.publish",
    "framework.delete", "archive.create",    "archive.delete",   "archive.default",
    "archive.export",   "archive.import",    "document.create",  "document.version",
    "document.update",  "document.move",     "document.reorder", "document.delete",
    "document.restore", "document.purge",    "document.download", "document.submit", "document.approve", "document.return",
    "guidance.post",    "guidance.close",    "guidance.reopen",
    "practice.feature", "practice.update",  "practice.withdraw", "practice.compile",
    "job.create",       "job.retry",         "user.notify_prefs", "office.settings",
    "round.create",     "round.update",      "round.state",      "round.recheck",
    "round.entry.save", "round.entry.declare", "round.entry.withdraw", "round.entry.recommend",
    "round.entry.accept", "round.entry.reject",
    "title.create",     "title.update",      "title.state",      "title.expire",
    "title.import",     "title.decide",      "score.set", "sheet.submit", "sheet.reopen",
    "entry.reconcile",  "entry.lock",        "entry.unlock",     "objection.create", "objection.answer", "round.titles",
    "rectification.open",
    "round.group.create", "round.group.delete", "round.group.update", "round.group.member_add",
    "round.group.member_remove", "round.entry.assign", "round.visit.schedule",
    "round.visit.reschedule", "round.visit.cancel",
    /* issue 12, work_plan.c */
    "work.settings", "work.member.add", "work.member.end", "work.duty.set", "work.plan.save",
    "work.task.create", "work.task.update", "work.task.done", "work.task.reopen",
    /* issue 12, work_meet.c */
    "work.meeting_kind.defaults", "work.meeting_kind.create", "work.meeting_kind.update",
    "work.meeting.create", "work.meeting.update", "work.meeting.file",
    /* issue 12, work_inspect.c */
    "work.area.create", "work.area.update", "work.inspection.create", "work.bulletin.build",
    /* issue 12, work_rect.c */
    "rectification.update", "rectification.evidence", "rectification.done",
    "rectification.verify", "rectification.reject", "rectification.close",
    /* issue 12, work_overview.c */
    /* issue 13, totp */
    "login.fail", "totp.start", "totp.enable", "totp.recovery_new", "totp.disable", "totp.reset",
    /* issue 13, dat70 */
    "archive.check.start", "archive.check",
    NULL,
};

const char *
wm_audit_action_label(const char *code)
{
    for (size_t i = 0; code && i < WM_ARRAY_LEN(action_names); i++) {
        if (wm_streq(action_names[i].code, code)) {
            return _(action_names[i].label);
        }
    }
    return NULL;
}

const char *
wm_audit_object_label(const char *type)
{
    static const char *const names[][2] = {
        {"user", N_("账号")},         {"token", N_("API 令牌")},  {"org", N_("机构或单位")},
        {"dept", N_("科室")},         {"edition", N_("测评体系")}, {"archive", N_("年度档案")},
        {"document", N_("文件")},     {"job", N_("后台任务")},    {"guidance", N_("指导对话")},
        {"featured", N_("经验做法")}, {"compilation", N_("经验交流汇编")},
        {"round", N_("测评")},        {"round_entry", N_("测评申报")},
        {"title", N_("文明称号")},
        {"score_sheet", N_("评分表")},
        {"objection", N_("异议")},   {"rectification", N_("整改项")},
        /* issue 12, work_plan.c */
        {"work_member", N_("领导小组成员")}, {"work_duty", N_("工作职责")},
        {"work_plan", N_("年度创建计划")}, {"work_task", N_("创建任务")},
        /* issue 12, wmeet */
        {"work_meeting_kind", N_("会议类型")}, {"work_meeting", N_("会议")},
        /* issue 12, work_inspect.c */
        {"work_area", N_("责任区")}, {"work_inspection", N_("责任区检查")},
        {"work_bulletin", N_("一周一通报")},
    };
    for (size_t i = 0; type && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(names[i][0], type)) {
            return _(names[i][1]);
        }
    }
    return type ? type : "";
}

/* ---------------------------------------------------------------- the anchor */

struct head {
    int64_t seq;
    char hash[65];
};

/* The anchor file's content; seq 0 when there is none.  -1 when it is unreadable. */
static int
head_read(const char *path, struct head *h)
{
    h->seq = 0;
    h->hash[0] = '\0';
    size_t len;
    char *s = wm_read_file(path, &len);
    if (NULL == s) {
        return ENOENT == errno ? 0 : -1;
    }
    long long seq;
    char hash[65];
    int rc = -1;
    if (2 == sscanf(s, "%lld %64[0-9a-f]", &seq, hash) && seq > 0 && 64 == strlen(hash)) {
        h->seq = seq;
        memcpy(h->hash, hash, sizeof hash);
        rc = 0;
    }
    free(s);
    return rc;
}

/* The table's newest entry (seq 0 when empty). */
static int
table_head(struct wm_db *db, struct head *h)
{
    struct wm_page pg = {.scope = "/", .limit = 1};
    struct wm_audit_filter flt = {0};
    json_t *rows = db->ops->audit_list(db, &pg, &flt);
    if (NULL == rows) {
        return -1;
    }
    json_t *row = json_array_get(rows, 0);
    h->seq = row ? json_integer_value(json_object_get(row, "id")) : 0;
    snprintf(h->hash, sizeof h->hash, "%s", row ? js(row, "hash") : "");
    json_decref(rows);
    return 0;
}

/* The stored hash of entry seq ("" when there is no such entry). */
static int
hash_at(struct wm_db *db, int64_t seq, char out[65])
{
    json_t *rows = db->ops->audit_scan(db, seq - 1, 1);
    if (NULL == rows) {
        return -1;
    }
    json_t *row = json_array_get(rows, 0);
    bool there = row && json_integer_value(json_object_get(row, "id")) == seq;
    snprintf(out, 65, "%s", there ? js(row, "hash") : "");
    json_decref(rows);
    return 0;
}

static char *
head_path(const char *dir)
{
    return wm_asprintf("%s/audit-head", dir);
}

int
wm_audit_anchor_check(struct wm_db *db, const char *data_dir, char *why, size_t whylen)
{
    char *path = head_path(data_dir);
    struct head f, t;
    int rc = head_read(path, &f);
    if (rc) {
        snprintf(why, whylen, "%s is unreadable or malformed", path);
    } else if (0 == f.seq) {
        rc = 0; /* nothing anchored yet */
    } else if (table_head(db, &t)) {
        snprintf(why, whylen, "cannot read the audit log");
        rc = -1;
    } else if (t.seq < f.seq) {
        snprintf(why, whylen,
                 "the log ends at entry #%lld but %s names entry #%lld: entries after #%lld "
                 "were removed",
                 (long long)t.seq, path, (long long)f.seq, (long long)t.seq);
        rc = 1;
    } else {
        char h[65];
        if (hash_at(db, f.seq, h)) {
            snprintf(why, whylen, "cannot read the audit log");
            rc = -1;
        } else if (!wm_streq(h, f.hash)) {
            snprintf(why, whylen,
                     "entry #%lld does not match %s (hash %.12s…, anchored %.12s…): entries up "
                     "to #%lld were removed or altered",
                     (long long)f.seq, path, h[0] ? h : "none", f.hash, (long long)f.seq);
            rc = 1;
        }
    }
    free(path);
    return rc;
}

int
wm_audit_anchor(struct wm_db *db, const char *data_dir)
{
    char *path = head_path(data_dir), *lockp = wm_asprintf("%s/audit-head.lock", data_dir);
    int rc = -1, fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    struct head f, t;
    if (fd < 0 || flock(fd, LOCK_EX)) {
        wm_log(WM_LOG_ERROR, "audit anchor: %s: %s", lockp, strerror(errno));
        goto out;
    }
    if (head_read(path, &f)) {
        wm_log(WM_LOG_ERROR, "audit anchor: %s is unreadable or malformed; not moved", path);
        goto out;
    }
    if (table_head(db, &t)) {
        goto out;
    }
    rc = 0;
    if (t.seq <= f.seq) {
        if (t.seq < f.seq) {
            wm_log(WM_LOG_ERROR,
                   "audit anchor: the log ends at entry #%lld but the anchor names #%lld: "
                   "entries were removed",
                   (long long)t.seq, (long long)f.seq);
        }
        goto out;
    }
    if (f.seq > 0) {
        char h[65];
        if (hash_at(db, f.seq, h) || !wm_streq(h, f.hash)) {
            wm_log(WM_LOG_ERROR,
                   "audit anchor: entry #%lld no longer matches the anchor: not moved (run "
                   "'wenming verify audit')",
                   (long long)f.seq);
            rc = -1;
            goto out;
        }
    }
    char line[128];
    int n = snprintf(line, sizeof line, "%lld %s\n", (long long)t.seq, t.hash);
    int w = wm_write_atomic(path, line, (size_t)n, 0640);
    if (w) {
        wm_log(WM_LOG_ERROR, "audit anchor: %s: %s", path, strerror(-w));
        rc = -1;
        goto out;
    }
    wm_log(WM_LOG_INFO, "audit head #%lld %s", (long long)t.seq, t.hash);
out:
    if (fd >= 0) {
        close(fd); /* releases the lock */
    }
    free(lockp);
    free(path);
    return rc;
}

static pthread_mutex_t anchor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t anchor_cond = PTHREAD_COND_INITIALIZER;
static bool anchor_stop, anchor_running;
static pthread_t anchor_thread;
static char *anchor_dir;

static void *
anchor_main(void *arg)
{
    (void)arg;
    int64_t seen = -1;
    for (;;) {
        struct wm_db *db = wm_db_thread();
        int64_t gen = -1;
        /* Only when something was committed since the last look. */
        if (db && (!db->ops->generation(db, &gen) || gen != seen)) {
            (void)wm_audit_anchor(db, anchor_dir); /* a refusal is logged; retried on change */
            seen = gen;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&anchor_lock);
        while (!anchor_stop && 0 == pthread_cond_timedwait(&anchor_cond, &anchor_lock, &until)) {
        }
        bool stop = anchor_stop;
        pthread_mutex_unlock(&anchor_lock);
        if (stop) {
            if (db) {
                (void)wm_audit_anchor(db, anchor_dir); /* the last word at shutdown */
            }
            return NULL;
        }
    }
}

void
wm_audit_anchor_start(const char *data_dir)
{
    anchor_dir = wm_strdup(data_dir);
    anchor_stop = false;
    anchor_running = 0 == pthread_create(&anchor_thread, NULL, anchor_main, NULL);
    if (!anchor_running) {
        wm_log(WM_LOG_ERROR, "audit anchor: cannot start its thread");
    }
}

void
wm_audit_anchor_stop(void)
{
    if (anchor_running) {
        pthread_mutex_lock(&anchor_lock);
        anchor_stop = true;
        pthread_cond_signal(&anchor_cond);
        pthread_mutex_unlock(&anchor_lock);
        pthread_join(anchor_thread, NULL);
        anchor_running = false;
    }
    free(anchor_dir);
    anchor_dir = NULL;
}
