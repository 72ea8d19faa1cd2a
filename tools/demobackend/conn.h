/*
 * demobackend: a client connection as the answers see it: the bytes
 * queued for it, how long the answer is held, and what the connection
 * does once they are written (the next request, a streamed body, a
 * dripped one, a close or a reset). The server (server.c) drives it.
 */
#ifndef DEMOBACKEND_CONN_H
#define DEMOBACKEND_CONN_H

#include <stddef.h>

#include "buf.h"
#include "request.h"

#define DELAY_MAX 600000   /* ms: the longest an answer is held */

/* What a connection does once its output is written. */
enum after {
	AFTER_NEXT,     /* answer the next request */
	AFTER_STREAM,   /* queue the next block of a stream (conn_stream) */
	AFTER_DRIP,     /* wait, then queue the next dripped byte (conn_drip) */
	AFTER_CLOSE,    /* close gracefully */
	AFTER_RESET,    /* close with a TCP reset */
	AFTER_LINGER    /* closing: discard what the client still sends */
};

enum timer { T_NONE, T_RELEASE, T_DRIP, T_RESET, T_CLOSE };

struct conn {
	int fd;
	int dead;                /* closed; the loop removes it */
	int eof;                 /* the client sent FIN */
	int blocked;             /* the last write would have blocked */
	int held;                /* output from held_at on waits for the timer */
	size_t held_at;
	long long hold_ms;       /* set by a handler: delay this answer */
	struct buf in, out;
	size_t out_off;          /* out bytes before this are written */
	struct req_scan scan;    /* the next request's parse so far */
	enum after after, then;  /* then: what follows a stream or a drip */
	enum timer timer;
	long long deadline;      /* monotonic microseconds */
	unsigned long long left; /* stream bytes not queued yet */
	int chunked;
	const char *drip;
	size_t drip_len, drip_pos;
	int drip_ms;
};

/* The bytes streams and faults send: lowercase letters, a newline every 64. */
const char *conn_filler(void);

/* After the head queued now, bytes of filler, chunked or not. */
void conn_stream(struct conn *c, unsigned long long bytes, int chunked);

/* Queues the next block of the stream. */
void conn_stream_next(struct conn *c);

/* Sends text[0, len) one byte every ms milliseconds, then does then. */
void conn_drip(struct conn *c, const char *text, size_t len, int ms, enum after then);

/* Queues the next dripped byte. */
void conn_drip_next(struct conn *c);

#endif
