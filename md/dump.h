/* md/dump: drbdmeta's dump-md text (writer and parser), byte-compatible
 * with drbd-utils 9.22 so dumps can move between the two tools. */
#ifndef UDRBD_MD_DUMP_H
#define UDRBD_MD_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "md/sb.h"

/* The bitmap section of one slot: `words` is the interleaved area as
 * little-endian 32-bit words, n_words of them. Returns the bits counted. */
uint64_t md_dump_bitmap(FILE *f, const uint8_t *area, uint64_t n_words,
			uint32_t peers, uint32_t slot);
/* Everything after the "# bm_offset" comment up to the bitmap sections. */
void md_dump_fields(FILE *f, const struct md_sb *sb);

struct md_dump_parsed {
	struct md_sb sb;	/* fields the dump carries */
	uint8_t *bm;		/* interleaved words, as restore-md writes them */
	uint64_t bm_len;	/* bytes parsed (last slot's words x peers x 4) */
	uint64_t bm_cap;
};

/* Parses a dump of `version` (8 or 9). bm_limit caps the bitmap bytes
 * kept (NULL bm: parse only). 0, or -EINVAL with "line N: ..." in err. */
int md_dump_parse(const char *text, size_t len, int version,
		  struct md_dump_parsed *out, char *err, size_t errlen);

#endif
