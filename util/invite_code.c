#include "util/invite_code.h"

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

static int code_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

/* The value of start= or ref= in a link's query; NULL when it has neither. */
static const char *query_code(const char *link, size_t *len)
{
    const char *q = strchr(link, '?');
    static const char *const keys[] = {"start=", "ref=", "startapp="};
    while (q) {
        q++;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            size_t kl = strlen(keys[k]);
            if (strncasecmp(q, keys[k], kl) == 0) {
                const char *v = q + kl;
                size_t n = strcspn(v, "&#");
                *len = n;
                return v;
            }
        }
        q = strchr(q, '&');
    }
    return NULL;
}

int invite_code_from_text(const char *text, char *out, size_t size)
{
    if (size) out[0] = 0;
    if (!text || !size) return 0;
    size_t total = strlen(text);
    if (total > INVITE_CODE_TEXT_MAX) return 0;
    while (isspace((unsigned char)*text)) text++;
    size_t n = strlen(text);
    while (n > 0 && (isspace((unsigned char)text[n - 1]) || strchr(".,;!)»\"'", text[n - 1]))) n--;
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (isspace((unsigned char)text[i])) return 0;   /* one word only */
    char word[INVITE_CODE_TEXT_MAX + 1];
    memcpy(word, text, n);
    word[n] = 0;
    const char *code = word;
    size_t len = n;
    if (strchr(word, '?') || strstr(word, "://")) {
        if (!(code = query_code(word, &len))) return 0;
    }
    if (len == 0 || len + 1 > size) return 0;
    for (size_t i = 0; i < len; i++) {
        if (!code_char(code[i])) {
            out[0] = 0;
            return 0;
        }
        out[i] = (char)tolower((unsigned char)code[i]);
    }
    out[len] = 0;
    return 1;
}
