/*
 * Documents in the simulated VK community: upload URLs handed out by
 * docs.getMessagesUploadServer, files sent to the upload server, documents
 * docs.save made of them. The methods and the attachment check are declared
 * in vk_methods.h, the upload server in vk.h. All of it lives under the
 * core lock; the bytes are kept in the core's file store (files.h).
 */
#ifndef MB_SIM_VK_DOCS_H
#define MB_SIM_VK_DOCS_H

#include "sim/server.h"

#define VK_UPLOADS_MAX 1000          /* upload URLs not used yet; the oldest half goes */
#define VK_UPLOADED_MAX 1000         /* uploaded files not saved yet; the oldest half goes */
#define VK_DOCS_MAX 10000            /* saved documents; the oldest half goes */
#define VK_DOC_TITLE_MAX 255         /* bytes of a document title */
#define VK_DOC_ID_FIRST 700000001LL  /* the id of the first document */

/* Forgets upload URLs, uploaded files and documents (not the document id
 * counter, so an old id never names a new document). */
void vk_docs_reset(void);
void vk_docs_free(void);

/* A photo or doc attachment of a user's message (other types are left
 * alone): from now on messages.send may attach it by
 * <type><owner_id>_<id>_<access_key>. 0, or -1 when it names no media or
 * memory ran out. Lock held. */
int vk_docs_share(const cJSON *attachment);

/* GET /sim/vk/doc/<owner_id>_<id>: the document's bytes, or a 404. Lock held. */
void vk_docs_serve(const char *name, sim_reply *reply);

#endif
