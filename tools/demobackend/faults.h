/*
 * demobackend: the misbehaving endpoints, each the fault a client must
 * survive and name:
 *   /fault/close          closes at once, nothing sent
 *   /fault/reset-headers  part of a response head, then a TCP reset
 *   /fault/reset-body     Content-Length 1000, 100 bytes, then a TCP reset
 *   /fault/slow-headers   "HTTP/1.1 200 OK\r\n", then one header byte per
 *                         second for 60 s, then close
 *   /fault/slow-body      Content-Length 100, one body byte every 500 ms
 *   /fault/bad-chunk      chunked: one good chunk, then the size line "zz"
 *   /fault/truncated-chunked  chunked, closed in the middle of a chunk
 *   /fault/short-body     Content-Length 100, 50 bytes, then close
 *   /fault/huge-header    a 1 MiB header value (then a 3-byte body, close)
 *   /fault/garbage        "GARBAGE\r\n\r\n", then close
 *   /fault/http10         "HTTP/1.0 200 OK", no length, body
 *                         "close-delimited body\n", then close
 *   /fault/continue       "HTTP/1.1 100 Continue", then 200 {"ok": true}
 *   /fault/retry-after    503 with Retry-After: 1
 *   /fault/429-once?key=K the first request for K is 429 (Retry-After: 1),
 *                         later ones 200 {"ok": true}
 *   /fault/500-once?key=K the same with 500, no Retry-After
 *   /fault/flaky?every=N  every Nth request (default 2) is 500, others 200;
 *                         &key=K counts separately per key
 */
#ifndef DEMOBACKEND_FAULTS_H
#define DEMOBACKEND_FAULTS_H

#include "conn.h"
#include "request.h"

void fault_slow_headers(struct conn *c, const struct req *r);
void fault_slow_body(struct conn *c, const struct req *r);
void fault_huge_header(struct conn *c, const struct req *r);
void fault_continue(struct conn *c, const struct req *r);
void fault_retry_after(struct conn *c, const struct req *r);
void fault_429_once(struct conn *c, const struct req *r);
void fault_500_once(struct conn *c, const struct req *r);
void fault_flaky(struct conn *c, const struct req *r);

/* The faults that are fixed bytes: 1 when r's path is one (answered), else 0. */
int fault_canned(struct conn *c, const struct req *r);

#endif
