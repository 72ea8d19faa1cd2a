/* Unit tests: tools/lib/uuid.c (UUIDv4 from the kernel's random source). */
#include <string.h>

#include "tap.h"
#include "uuid.h"

/* xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex. */
static int
well_formed(const char *u)
{
	size_t i;

	if (strlen(u) != UUID_LEN)
		return 0;
	for (i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return 0;
		} else if (strchr("0123456789abcdef", u[i]) == NULL || u[i] == '\0') {
			return 0;
		}
	}
	return u[14] == '4' && strchr("89ab", u[19]) != NULL;
}

int
main(void)
{
	static const unsigned char ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	static const unsigned char zeros[16];
	static const unsigned char seq[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	char u[UUID_LEN + 1], prev[UUID_LEN + 1];
	int i, good = 1, distinct = 1, v89ab[4] = { 0 };

	uuid_v4_format(zeros, u);
	is_str(u, "00000000-0000-4000-8000-000000000000", "all-zero bytes: version 4, variant 10");
	uuid_v4_format(ones, u);
	is_str(u, "ffffffff-ffff-4fff-bfff-ffffffffffff",
	    "all-one bytes: version and variant bits cleared");
	uuid_v4_format(seq, u);
	is_str(u, "00112233-4455-4677-8899-aabbccddeeff", "bytes in order, dashes at 8-4-4-4-12");
	prev[0] = '\0';
	for (i = 0; i < 1000; i++) {
		if (uuid_v4(u) != 0) {
			good = 0;
			break;
		}
		if (!well_formed(u)) {
			printf("# not a UUIDv4: %s\n", u);
			good = 0;
		}
		if (strcmp(u, prev) == 0)
			distinct = 0;
		v89ab[strchr("89ab", u[19]) != NULL ? strchr("89ab", u[19]) - "89ab" : 0]++;
		memcpy(prev, u, sizeof u);
	}
	ok(good, "1000 from the kernel: each xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx");
	ok(distinct, "no two in a row are equal");
	ok(v89ab[0] > 0 && v89ab[1] > 0 && v89ab[2] > 0 && v89ab[3] > 0,
	    "the variant character takes each of 8, 9, a, b");
	return tap_done();
}
