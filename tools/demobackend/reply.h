/*
 * demobackend: the heads and bodies of the answers. Every head has
 * Server: smokekit-fixture and the Connection the request asks for;
 * under -N, X-Replica: NAME-K too. Every answer to HEAD has no body.
 * An error body is {"error": "Reason Phrase"} unless said.
 */
#ifndef DEMOBACKEND_REPLY_H
#define DEMOBACKEND_REPLY_H

#include <stddef.h>

#include "conn.h"
#include "request.h"

/*
 * Who answers: -R name, and -N n replicas (0: one). With n > 0 every head
 * carries X-Replica: NAME-K, K = 1..n round-robin.
 */
void reply_setup(const char *name, long long replicas);

/* "X-Replica: NAME\r\n" for an answer that names its replica; "" under -N. */
const char *reply_replica_line(void);

/* The status line and the common headers, then extra (whole lines, or NULL). */
void reply_head(struct conn *c, const struct req *r, int status, const char *extra);

/* A whole answer; 204 and 304 without Content-Type, length or body. */
void reply_body(struct conn *c, const struct req *r, int status, const char *extra,
    const char *type, const char *body, size_t len);

#define OK_BODY "{\"ok\": true}"

void reply_json(struct conn *c, const struct req *r, int status, const char *extra,
    const char *body);

/* {"error": "Reason Phrase"} */
void reply_error(struct conn *c, const struct req *r, int status, const char *extra);

/* 400 {"error": "bad parameter NAME"} */
void reply_bad_param(struct conn *c, const struct req *r, const char *name);

#endif
