/*
 * The simulator's VK photos, spoken to over HTTP the way the bot speaks to
 * it: photos.getMessagesUploadServer, the multipart upload (part "photo")
 * to the URL it gives, photos.saveMessagesPhoto, messages.send with
 * photo<owner_id>_<id>_<access_key>, the bytes served back, what is not a
 * picture VK takes refused as VK refuses it, faults and limits as for
 * documents, and a reset forgetting them.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/e2e/sim_vk_script.h"

#define OWNER (-229000001LL)

/* The first bytes of a PNG of width x height pixels, then filler: the
 * simulator reads the size from the header, as VK would. */
static size_t png(unsigned width, unsigned height, char *out, size_t size)
{
    static const unsigned char HEAD[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    if (size < 300) return 0;
    memcpy(out, HEAD, sizeof HEAD);
    for (int i = 0; i < 4; i++) {
        out[16 + i] = (char)(unsigned char)(width >> (24 - 8 * i));
        out[20 + i] = (char)(unsigned char)(height >> (24 - 8 * i));
    }
    for (size_t i = 24; i < 300; i++) out[i] = (char)(i * 13 % 256);   /* NULs and CRLFs among them */
    return 300;
}

/* photos.getMessagesUploadServer for peer; the upload URL into url ("" when
 * none). Returns the answer's error_code. */
static long long photo_url(long long peer, char *url, size_t size)
{
    char p[32];
    snprintf(p, sizeof p, "%lld", peer);
    cJSON *r = vk_api(&sim, "photos.getMessagesUploadServer", NULL, "peer_id", p, NULL);
    long long code = error_of(r);
    snprintf(url, size, "%s", str(r, "response.upload_url") ? str(r, "response.upload_url") : "");
    cJSON_Delete(r);
    return code;
}

/* photos.saveMessagesPhoto with what an upload answered. */
static cJSON *save(const cJSON *up)
{
    char server[32];
    snprintf(server, sizeof server, "%lld", num(up, "server"));
    return vk_api(&sim, "photos.saveMessagesPhoto", NULL, "server", server, "photo", str(up, "photo"), "hash",
                  str(up, "hash"), NULL);
}

/* Uploads len bytes of data as a photo for USER and saves it; the
 * attachment it makes into attachment. 0 when all went. */
static int upload_and_save(const char *data, size_t len, char *attachment, size_t size)
{
    char url[256];
    long status;
    if (photo_url(USER, url, sizeof url)) return -1;
    cJSON *up = upload(url, "photo", "chart.png", data, len, &status);
    cJSON *saved = save(up);
    snprintf(attachment, size, "photo%lld_%lld_%s", num(saved, "response.0.owner_id"), num(saved, "response.0.id"),
             str(saved, "response.0.access_key") ? str(saved, "response.0.access_key") : "");
    int rc = error_of(saved) || !str(saved, "response.0.access_key") ? -1 : 0;
    cJSON_Delete(up);
    cJSON_Delete(saved);
    return rc;
}

static cJSON *send_attachment(long long random_id, const char *attachment)
{
    char r[32];
    snprintf(r, sizeof r, "%lld", random_id);
    return vk_api(&sim, "messages.send", NULL, "peer_ids", "7001", "random_id", r, "message", "Диаграмма.",
                  "attachment", attachment, NULL);
}

TEST(photo_goes_from_upload_to_attachment)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "digest please");
    cJSON *r = vk_api(&sim, "photos.getMessagesUploadServer", NULL, "peer_id", "7001", NULL);
    char url[256], prefix[128];
    snprintf(url, sizeof url, "%s", str(r, "response.upload_url") ? str(r, "response.upload_url") : "");
    snprintf(prefix, sizeof prefix, "%s/vk-upload/", sim.base);
    CHECK(strncmp(url, prefix, strlen(prefix)) == 0 && strlen(url) > strlen(prefix));
    CHECK_INT(num(r, "response.album_id"), -3);
    CHECK_INT(num(r, "response.group_id"), -OWNER);
    cJSON_Delete(r);

    char bytes[400];
    size_t len = png(1080, 1350, bytes, sizeof bytes);
    long status = 0;
    cJSON *up = upload(url, "photo", "digest.png", bytes, len, &status);
    CHECK_INT(status, 200);
    CHECK(num(up, "server") > 0);
    CHECK(str(up, "photo") && strcmp(str(up, "photo"), "[]") != 0 && str(up, "photo")[0]);
    CHECK(str(up, "hash") && str(up, "hash")[0]);
    cJSON *again = upload(url, "photo", "digest.png", bytes, len, &status);   /* an upload URL works once */
    CHECK(str(again, "error") && strncmp(str(again, "error"), "invalid upload url", 18) == 0);
    cJSON_Delete(again);

    cJSON *saved = save(up);
    long long id = num(saved, "response.0.id");
    CHECK(id > 0);
    CHECK_INT(num(saved, "response.0.owner_id"), OWNER);
    CHECK_INT(num(saved, "response.0.album_id"), -3);
    const char *key = str(saved, "response.0.access_key");
    CHECK(key && strlen(key) > 0);
    CHECK_INT(num(saved, "response.0.sizes.0.width"), 1080);
    CHECK_INT(num(saved, "response.0.sizes.0.height"), 1350);
    char photo_url_seen[256];
    snprintf(photo_url_seen, sizeof photo_url_seen, "%s/sim/vk/photo/%lld_%lld", sim.base, OWNER, id);
    CHECK_STR(str(saved, "response.0.sizes.0.url"), photo_url_seen);
    /* the upload is saved once */
    r = save(up);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    cJSON_Delete(up);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.method"), "photos.getMessagesUploadServer");
    CHECK_STR(str(calls, "1.method"), "photos.saveMessagesPhoto");   /* filed under the upload's peer */
    CHECK_INT(num(calls, "1.result.0.id"), id);
    cJSON_Delete(calls);

    /* the message carries the photo: the log shows it and serves its bytes */
    char attachment[128];
    snprintf(attachment, sizeof attachment, "photo%lld_%lld_%s", OWNER, id, key ? key : "");
    cJSON_Delete(saved);
    r = send_attachment(1, attachment);
    CHECK_INT(error_of(r), 0);
    cJSON_Delete(r);
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(str(call, "params.attachment"), attachment);
    CHECK_STR(vk_call_text(call), "Диаграмма.");
    CHECK(get(call, "docs") == NULL);
    CHECK_INT(cJSON_GetArraySize(get(call, "photos")), 1);
    CHECK_INT(num(call, "photos.0.id"), id);
    CHECK_INT(num(call, "photos.0.owner_id"), OWNER);
    CHECK_INT(num(call, "photos.0.width"), 1080);
    CHECK_INT(num(call, "photos.0.height"), 1350);
    CHECK_INT(num(call, "photos.0.size"), (long long)len);
    CHECK_STR(str(call, "photos.0.url"), photo_url_seen);
    size_t got_len = 0;
    char *got = sim_fetch(&sim, photo_url_seen, &got_len);
    CHECK(got && got_len == len && memcmp(got, bytes, len) == 0);
    free(got);
    cJSON_Delete(call);

    /* without the key too, as the owner may; a wrong key is refused */
    char bare[96], wrong[128];
    snprintf(bare, sizeof bare, "photo%lld_%lld", OWNER, id);
    r = send_attachment(2, bare);
    CHECK_INT(error_of(r), 0);
    cJSON_Delete(r);
    snprintf(wrong, sizeof wrong, "photo%lld_%lld_ffff", OWNER, id);
    r = send_attachment(3, wrong);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);

    /* a JPEG and a GIF are photos too */
    const char jpeg[] = "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                        "\xFF\xC0\x00\x11\x08\x02\x58\x03\x20\x03";
    CHECK_INT(upload_and_save(jpeg, sizeof jpeg - 1, attachment, sizeof attachment), 0);
    const char gif[] = "GIF89a\x40\x01\xF0\x00\x00\x00";
    CHECK_INT(upload_and_save(gif, sizeof gif - 1, attachment, sizeof attachment), 0);
}

TEST(photo_refusals_faults_and_limits)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    char url[256], bytes[400];
    size_t len = png(640, 480, bytes, sizeof bytes);
    long status = 0;
    /* only for a conversation the community may write to, and a named one */
    CHECK_INT(photo_url(OTHER_USER, url, sizeof url), 901);
    cJSON *r = vk_api(&sim, "photos.getMessagesUploadServer", NULL, NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);

    CHECK_INT(photo_url(USER, url, sizeof url), 0);
    /* not a picture: refused as VK refuses it */
    cJSON *up = upload(url, "photo", "notes.txt", "просто текст", strlen("просто текст"), &status);
    CHECK_INT(status, 200);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "ERR_UPLOAD_INVALID_IMAGE", 24) == 0);
    cJSON_Delete(up);
    /* too many pixels, or too narrow */
    char big[400];
    size_t big_len = png(9000, 5001, big, sizeof big);
    up = upload(url, "photo", "big.png", big, big_len, &status);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "ERR_UPLOAD_BAD_IMAGE_SIZE", 25) == 0);
    cJSON_Delete(up);
    big_len = png(2100, 100, big, sizeof big);
    up = upload(url, "photo", "strip.png", big, big_len, &status);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "ERR_UPLOAD_BAD_IMAGE_SIZE", 25) == 0);
    cJSON_Delete(up);
    /* the file in another part: nothing kept, which VK says with "[]" */
    up = upload(url, "file", "chart.png", bytes, len, &status);
    CHECK_STR(str(up, "photo"), "[]");
    r = save(up);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    cJSON_Delete(up);

    /* refusals leave the URL usable; a wrong hash or server is refused at saving */
    up = upload(url, "photo", "chart.png", bytes, len, &status);
    CHECK(str(up, "photo") && strcmp(str(up, "photo"), "[]") != 0);
    r = vk_api(&sim, "photos.saveMessagesPhoto", NULL, "server", "836421", "photo", str(up, "photo"), "hash", "00",
               NULL);
    CHECK_INT(error_of(r), 121);
    cJSON_Delete(r);
    r = vk_api(&sim, "photos.saveMessagesPhoto", NULL, "server", "1", "photo", str(up, "photo"), "hash",
               str(up, "hash"), NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = save(up);   /* still there after the refusals */
    CHECK(num(r, "response.0.id") > 0);
    cJSON_Delete(r);
    cJSON_Delete(up);

    /* faults by method name, and on the upload server as "vk-upload" */
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"photos.getMessagesUploadServer\",\"status\":200,"
                                               "\"body\":{\"error\":{\"error_code\":10,\"error_msg\":\"Internal server error\"}}}"));
    CHECK_INT(photo_url(USER, url, sizeof url), 10);
    CHECK_INT(photo_url(USER, url, sizeof url), 0);
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"vk-upload\",\"status\":502,\"body\":\"<html>Bad Gateway</html>\"}"));
    const char *path = strstr(url, "/vk-upload/");
    char *answer = sim_request_raw(&sim, "POST", path ? path : "/vk-upload/none", "multipart/form-data; boundary=b",
                                   "--b--\r\n", 7, &status);
    CHECK_INT(status, 502);
    free(answer);
    up = upload(url, "photo", "chart.png", bytes, len, &status);
    CHECK_INT(status, 200);
    CHECK(str(up, "hash") != NULL);
    cJSON_Delete(up);
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"photos.saveMessagesPhoto\",\"status\":200,"
                                               "\"body\":{\"error\":{\"error_code\":10,\"error_msg\":\"Internal server error\"}}}"));
    r = vk_api(&sim, "photos.saveMessagesPhoto", NULL, "server", "1", "photo", "x", "hash", "y", NULL);
    CHECK_INT(error_of(r), 10);
    cJSON_Delete(r);

    /* an upload server URL counts against the limits like a send */
    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":1}"));
    CHECK_INT(photo_url(USER, url, sizeof url), 0);
    CHECK_INT(photo_url(USER, url, sizeof url), 6);
    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":0}"));
}

TEST(reset_forgets_photos)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    char bytes[400], attachment[128], url[256];
    size_t len = png(100, 100, bytes, sizeof bytes);
    CHECK_INT(upload_and_save(bytes, len, attachment, sizeof attachment), 0);
    CHECK_INT(photo_url(USER, url, sizeof url), 0);
    char served[256];
    long long owner = 0, id = 0;
    sscanf(attachment, "photo%lld_%lld", &owner, &id);
    snprintf(served, sizeof served, "/sim/vk/photo/%lld_%lld", owner, id);
    size_t got_len = 0;
    char *got = sim_fetch(&sim, served, &got_len);
    CHECK(got && got_len == len);
    free(got);
    CHECK(sim_reset(&sim) == 0);
    CHECK(sim_fetch(&sim, served, &got_len) == NULL);
    vk_say(&sim, USER, NULL, "again");
    cJSON *r = send_attachment(1, attachment);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    long status = 0;
    cJSON *up = upload(url, "photo", "a.png", bytes, len, &status);
    CHECK(str(up, "error") && strncmp(str(up, "error"), "invalid upload url", 18) == 0);
    cJSON_Delete(up);
    r = sim_getf(&sim, "/sim/vk/photo/nonsense");
    CHECK_STR(str(r, "error"), "no such photo");
    cJSON_Delete(r);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    sim_up = sim_start(&sim) == 0;
    RUN(photo_goes_from_upload_to_attachment);
    RUN(photo_refusals_faults_and_limits);
    RUN(reset_forgets_photos);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}
