/*
 * The simulator's VK documents, spoken to over HTTP the way the bot speaks
 * to it: docs.getMessagesUploadServer, the multipart upload to the URL it
 * gives, docs.save, messages.send with the document as an attachment, the
 * bytes served back, every refusal on the way, and a reset forgetting them.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/e2e/sim_vk_script.h"

/* docs.getMessagesUploadServer for peer; the upload URL copied into url
 * ("" when there was none). Returns the answer's error_code. */
static long long upload_url(long long peer, char *url, size_t size)
{
    char p[32];
    snprintf(p, sizeof p, "%lld", peer);
    cJSON *r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "peer_id", p, "type", "doc", NULL);
    long long code = error_of(r);
    snprintf(url, size, "%s", str(r, "response.upload_url") ? str(r, "response.upload_url") : "");
    cJSON_Delete(r);
    return code;
}

/* Uploads data as file_name and saves it with title (NULL: none); the
 * docs.save answer, or NULL when the upload failed. */
static cJSON *upload_and_save(const char *data, size_t len, const char *file_name, const char *title)
{
    char url[256];
    long status;
    if (upload_url(USER, url, sizeof url)) return NULL;
    cJSON *up = upload(url, "file", file_name, data, len, &status);
    char file[128];
    snprintf(file, sizeof file, "%s", str(up, "file") ? str(up, "file") : "");
    cJSON_Delete(up);
    if (!file[0]) return NULL;
    if (title) return vk_api(&sim, "docs.save", NULL, "file", file, "title", title, NULL);
    return vk_api(&sim, "docs.save", NULL, "file", file, NULL);
}

/* "doc<owner_id>_<id>" of a docs.save answer. */
static void attachment_of(const cJSON *saved, char *out, size_t size)
{
    snprintf(out, size, "doc%lld_%lld", num(saved, "response.doc.owner_id"), num(saved, "response.doc.id"));
}

static cJSON *send_attachment(const char *peer_ids, long long random_id, const char *attachment)
{
    char r[32];
    snprintf(r, sizeof r, "%lld", random_id);
    return vk_api(&sim, "messages.send", NULL, "peer_ids", peer_ids, "random_id", r, "attachment", attachment, NULL);
}

TEST(document_goes_from_upload_to_attachment)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "report please");
    char url[256], prefix[128];
    CHECK_INT(upload_url(USER, url, sizeof url), 0);
    snprintf(prefix, sizeof prefix, "%s/vk-upload/", sim.base);
    CHECK(strncmp(url, prefix, strlen(prefix)) == 0 && strlen(url) > strlen(prefix));
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.method"), "docs.getMessagesUploadServer");
    CHECK_STR(str(calls, "0.result.upload_url"), url);
    cJSON_Delete(calls);

    /* Every byte value, NULs and CRLFs included, must come back as sent. */
    char bytes[3000];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (char)(i * 7 % 256);
    long status = 0;
    cJSON *up = upload(url, "file", "report.csv", bytes, sizeof bytes, &status);
    CHECK_INT(status, 200);
    char file[128];
    snprintf(file, sizeof file, "%s", str(up, "file") ? str(up, "file") : "");
    CHECK(file[0] != 0);
    cJSON_Delete(up);
    up = upload(url, "file", "report.csv", bytes, sizeof bytes, &status); /* an upload URL works once */
    CHECK_INT(status, 200);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "invalid upload url", 18) == 0);
    CHECK(get(up, "file") == NULL);
    cJSON_Delete(up);

    cJSON *saved = vk_api(&sim, "docs.save", NULL, "file", file, "title", "Отчёт.csv", NULL);
    CHECK_STR(str(saved, "response.type"), "doc");
    long long id = num(saved, "response.doc.id");
    CHECK(id > 0);
    CHECK_INT(num(saved, "response.doc.owner_id"), -229000001LL);
    CHECK_STR(str(saved, "response.doc.title"), "Отчёт.csv");
    CHECK_INT(num(saved, "response.doc.size"), (long long)sizeof bytes);
    CHECK_STR(str(saved, "response.doc.ext"), "csv");
    CHECK_INT(num(saved, "response.doc.type"), 1);
    CHECK(num(saved, "response.doc.date") > 1600000000LL);
    char doc_url[256];
    snprintf(doc_url, sizeof doc_url, "%s/sim/vk/doc/-229000001_%lld", sim.base, id);
    CHECK_STR(str(saved, "response.doc.url"), doc_url);
    calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 2); /* docs.save is filed under the upload's peer */
    CHECK_STR(str(calls, "1.method"), "docs.save");
    CHECK_INT(num(calls, "1.result.doc.id"), id);
    cJSON_Delete(calls);
    /* A file string is saved once. */
    cJSON *r = vk_api(&sim, "docs.save", NULL, "file", file, NULL);
    CHECK_INT(error_of(r), 100);
    CHECK_STR(str(r, "error.error_msg"), "One of the parameters specified was missing or invalid: file is invalid");
    cJSON_Delete(r);

    /* An attachment alone is a message; the log shows the document. */
    char attachment[96];
    attachment_of(saved, attachment, sizeof attachment);
    cJSON_Delete(saved);
    r = send_attachment("7001", 1, attachment);
    CHECK_INT(error_of(r), 0);
    CHECK_INT(num(r, "response.0.conversation_message_id"), 2);
    cJSON_Delete(r);
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(str(call, "params.attachment"), attachment);
    CHECK_INT(cJSON_GetArraySize(get(call, "docs")), 1);
    CHECK_INT(num(call, "docs.0.id"), id);
    CHECK_INT(num(call, "docs.0.owner_id"), -229000001LL);
    CHECK_STR(str(call, "docs.0.title"), "Отчёт.csv");
    CHECK_INT(num(call, "docs.0.size"), (long long)sizeof bytes);
    CHECK_STR(str(call, "docs.0.ext"), "csv");
    CHECK_STR(str(call, "docs.0.url"), doc_url);
    size_t len = 0;
    char *got = sim_fetch(&sim, str(call, "docs.0.url") ? str(call, "docs.0.url") : "", &len);
    CHECK(got && len == sizeof bytes && memcmp(got, bytes, len) == 0);
    free(got);
    cJSON_Delete(call);

    /* With an access key and beside text, and the same document twice. */
    char with_key[256];
    snprintf(with_key, sizeof with_key, "%s_ab12cd,%s", attachment, attachment);
    char rid[16];
    snprintf(rid, sizeof rid, "%d", 2);
    r = vk_api(&sim, "messages.send", NULL, "peer_id", "7001", "random_id", rid, "message", "Ваш отчёт",
               "attachment", with_key, NULL);
    CHECK(num(r, "response") > 0);
    cJSON_Delete(r);
    call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "Ваш отчёт");
    CHECK_INT(cJSON_GetArraySize(get(call, "docs")), 2);
    cJSON_Delete(call);
    /* The title defaults to the uploaded file's name. */
    saved = upload_and_save("a;b\n", 4, "answers.txt", NULL);
    CHECK_STR(str(saved, "response.doc.title"), "answers.txt");
    CHECK_STR(str(saved, "response.doc.ext"), "txt");
    CHECK_INT(num(saved, "response.doc.size"), 4);
    CHECK(num(saved, "response.doc.id") > id);
    cJSON_Delete(saved);
}

TEST(document_errors)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    char url[256];
    /* Upload URLs only for a conversation the community may write to. */
    CHECK_INT(upload_url(OTHER_USER, url, sizeof url), 901);
    CHECK_STR(url, "");
    cJSON *r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "type", "doc", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "peer_id", "7001", "type", "photo", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "peer_id", "7001", "type", "audio_message", NULL);
    CHECK(str(r, "response.upload_url") != NULL);
    cJSON_Delete(r);
    r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "peer_id", "7001", NULL); /* type doc */
    CHECK(str(r, "response.upload_url") != NULL);
    cJSON_Delete(r);

    CHECK_INT(upload_url(USER, url, sizeof url), 0);
    long status = 0;
    cJSON *up = upload(url, "document", "x.csv", "a", 1, &status);
    CHECK_INT(status, 200);
    CHECK_STR(str(up, "error"), "no file");
    cJSON_Delete(up);
    up = upload(url, "file", NULL, "not a file part", 15, &status);
    CHECK_STR(str(up, "error"), "no file");
    cJSON_Delete(up);
    up = upload(url, "file", "empty.csv", "", 0, &status);
    CHECK_STR(str(up, "error"), "empty file");
    cJSON_Delete(up);
    /* Failed uploads leave the URL usable. */
    up = upload(url, "file", "x.csv", "a", 1, &status);
    CHECK(str(up, "file") != NULL);
    cJSON_Delete(up);
    char unknown[300];
    snprintf(unknown, sizeof unknown, "%s/vk-upload/0123456789abcdef", sim.base);
    up = upload(unknown, "file", "x.csv", "a", 1, &status);
    CHECK_INT(status, 200);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "invalid upload url", 18) == 0);
    cJSON_Delete(up);

    r = vk_api(&sim, "docs.save", NULL, "file", "nonsense", NULL);
    CHECK_INT(error_of(r), 100);
    CHECK_STR(str(r, "error.error_msg"), "One of the parameters specified was missing or invalid: file is invalid");
    cJSON_Delete(r);
    r = vk_api(&sim, "docs.save", NULL, NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);

    cJSON *saved = upload_and_save("x", 1, "x.csv", NULL);
    char good[96], bad[200];
    attachment_of(saved, good, sizeof good);
    cJSON_Delete(saved);
    static const char *const invalid[] = {"doc-229000001_999", "photo-229000001_1", "doc-229000001", "doc_1",
                                          "doc-229000001_1_", NULL};
    for (int i = 0; i <= 5; i++) {
        if (invalid[i]) snprintf(bad, sizeof bad, "%s", invalid[i]);
        else snprintf(bad, sizeof bad, "%s,doc1_2", good); /* one bad item spoils the list */
        if (i == 5) snprintf(bad, sizeof bad, "%s,", good);
        r = send_attachment("7001", 10 + i, bad);
        CHECK_INT(error_of(r), 100);
        CHECK_STR(str(r, "error.error_msg"), "One of the parameters specified was missing or invalid: attachment is invalid");
        cJSON_Delete(r);
    }
    r = send_attachment("7001", 20, good);
    CHECK_INT(error_of(r), 0);
    cJSON_Delete(r);
    /* Failed sends show no documents in the log. */
    cJSON *calls = vk_calls(&sim, USER, 0);
    const cJSON *call;
    int with_docs = 0;
    cJSON_ArrayForEach(call, calls) with_docs += get(call, "docs") != NULL;
    CHECK_INT(with_docs, 1);
    cJSON_Delete(calls);
    size_t len = 1;
    CHECK(sim_fetch(&sim, "/sim/vk/doc/-229000001_1", &len) == NULL);
    CHECK_INT(len, 0);
    r = sim_getf(&sim, "/sim/vk/doc/nonsense");
    CHECK_STR(str(r, "error"), "no such document");
    cJSON_Delete(r);
}

TEST(reset_forgets_documents)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    cJSON *saved = upload_and_save("bytes", 5, "a.csv", "A");
    char doc_url[256], attachment[96], url[256];
    snprintf(doc_url, sizeof doc_url, "%s", str(saved, "response.doc.url") ? str(saved, "response.doc.url") : "");
    attachment_of(saved, attachment, sizeof attachment);
    cJSON_Delete(saved);
    CHECK_INT(upload_url(USER, url, sizeof url), 0);
    size_t len = 0;
    char *got = sim_fetch(&sim, doc_url, &len);
    CHECK(got && len == 5 && memcmp(got, "bytes", 5) == 0);
    free(got);
    CHECK(sim_reset(&sim) == 0);
    CHECK(sim_fetch(&sim, doc_url, &len) == NULL);
    vk_say(&sim, USER, NULL, "again");
    cJSON *r = send_attachment("7001", 1, attachment);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    long status = 0;
    cJSON *up = upload(url, "file", "a.csv", "bytes", 5, &status);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "invalid upload url", 18) == 0);
    cJSON_Delete(up);
}

/* A photo a user sent may be sent on by its reference with the access key,
 * and only so; a reset forgets it. */
TEST(a_users_photo_is_sent_on_by_reference)
{
    if (sim_fresh(&sim)) return;
    cJSON *list = cJSON_Parse("[{\"type\":\"photo\",\"photo\":{\"id\":457239017,\"owner_id\":7002,"
                              "\"access_key\":\"ab12\"}},{\"type\":\"sticker\",\"sticker\":{\"sticker_id\":9}}]");
    CHECK(vk_say_media(&sim, OTHER_USER, NULL, NULL, list) >= 0);
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = send_attachment("7001", 11, "photo7002_457239017_ab12");
    CHECK_INT(error_of(r), 0);
    cJSON_Delete(r);
    r = send_attachment("7001", 12, "photo7002_457239017");
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = send_attachment("7001", 13, "photo7002_457239017_other");
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    CHECK(sim_reset(&sim) == 0);
    vk_say(&sim, USER, NULL, "again");
    r = send_attachment("7001", 14, "photo7002_457239017_ab12");
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    sim_up = sim_start(&sim) == 0;
    RUN(document_goes_from_upload_to_attachment);
    RUN(document_errors);
    RUN(reset_forgets_documents);
    RUN(a_users_photo_is_sent_on_by_reference);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}
