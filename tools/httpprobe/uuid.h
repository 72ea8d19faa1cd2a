/* UUID version 4 (RFC 9562 section 5.4) from the kernel's random source. */
#ifndef SMOKEKIT_UUID_H
#define SMOKEKIT_UUID_H

#define UUID_LEN 36   /* xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V one of 89ab */

/*
 * A fresh UUIDv4 into out (UUID_LEN + 1 bytes), from getrandom(2), or
 * /dev/urandom where the system call is missing. Returns 0, or -1 with
 * errno set.
 */
int uuid_v4(char out[UUID_LEN + 1]);

/* The UUIDv4 text for 16 random bytes: version and variant bits set. */
void uuid_v4_format(const unsigned char rnd[16], char out[UUID_LEN + 1]);

#endif
