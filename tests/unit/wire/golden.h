/* Loading the reassembled capture streams and Wireshark's expectations
 * that golden_streams.py leaves in the build directory (no TAP here: the
 * checks live in test_golden.c). */
#ifndef UDRBD_TESTS_WIRE_GOLDEN_H
#define UDRBD_TESTS_WIRE_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOLDEN_MAX_DIRS 64
#define GOLDEN_SKIP 1

/* One decoded packet, in the terms Wireshark's table uses. */
struct golden_pdu {
	uint16_t cmd;
	uint32_t length;
	uint64_t sector;
	uint32_t size;
	uint8_t block_id[8];	/* as on the wire */
	uint32_t seq;
	uint32_t dp_flags;
};

/* One direction of one TCP connection. */
struct golden_dir {
	unsigned stream;
	char src[40];
	unsigned sport;
	char file[128];
	uint8_t *buf;
	size_t len;
	struct golden_pdu *pdus;	/* room for len / 8 + 1 */
	size_t npdus;
};

/* One line of expect.tsv: PDU name, then length, sector, size, block_id,
 * seq, dp_flags as Wireshark printed them ("" = not shown). */
enum { GX_LENGTH, GX_SECTOR, GX_SIZE, GX_BLOCK_ID, GX_SEQ, GX_DP_FLAGS, GX_N };

struct golden_exp {
	unsigned stream;
	char src[40];
	unsigned sport;
	char name[40];
	char val[GX_N][24];
};

struct golden {
	bool names_only;	/* expect.tsv is a subsequence of names */
	struct golden_dir dirs[GOLDEN_MAX_DIRS];
	unsigned ndirs;
	struct golden_exp *exp;
	size_t nexp;
};

/* The directory golden_streams.py wrote (its manifest is DIR.tsv). */
void golden_set_dir(const char *dir);

/* 0, GOLDEN_SKIP (data missing, not under CI=true) or -1; the reason of
 * either is in golden_skip_reason(). */
int golden_load(struct golden *g, const char *scenario);
const char *golden_skip_reason(void);
void golden_free(struct golden *g);

#endif
