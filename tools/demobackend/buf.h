/* demobackend: a growable byte buffer, a connection's input and output. */
#ifndef DEMOBACKEND_BUF_H
#define DEMOBACKEND_BUF_H

#include <stddef.h>

#define BUF_INIT (16 * 1024)   /* the first allocation */

struct buf {
	char *p;
	size_t len, cap;
};

/* Room for extra more bytes after len; out of memory is fatal (xalloc.h). */
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_str(struct buf *b, const char *s);
void buf_fmt(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees the bytes and leaves b empty, ready for use again. */
void buf_free(struct buf *b);

#endif
