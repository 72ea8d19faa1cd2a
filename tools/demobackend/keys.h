/*
 * demobackend: requests counted by their key= parameter, in namespaces
 * ("429", "500", "flaky", "ask"), so that each test can use keys of its
 * own: the once faults, /fault/flaky and /ask?key=K.
 */
#ifndef DEMOBACKEND_KEYS_H
#define DEMOBACKEND_KEYS_H

#include "conn.h"
#include "request.h"

/*
 * The count of this request for its key= (absent: the empty key) in
 * namespace ns, the first being 1; 0 when it could not be counted, the
 * request then answered (400 for a key over 128 bytes, 503 when the table
 * is full).
 */
unsigned long long keyed_count(struct conn *c, const struct req *r, const char *ns);

#endif
