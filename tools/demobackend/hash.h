/* demobackend: FNV-1a, the hash of its tables (keys, plans, nonces). */
#ifndef DEMOBACKEND_HASH_H
#define DEMOBACKEND_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV_OFFSET 14695981039346656037ULL   /* the hash of nothing */

/* h, the hash so far, carried on over p[0, n). */
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

#endif
