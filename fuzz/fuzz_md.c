/* libFuzzer target for the md/ decoders: the first byte picks super block,
 * AL block (+ replay) or dump-md text. Without libFuzzer (-Dfuzz=false or
 * gcc) main() runs the files given on the command line once each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md/al.h"
#include "md/dump.h"
#include "md/sb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_sb(const uint8_t *blk)
{
	struct md_sb sb;
	struct md_layout lo;
	uint8_t out[4096];
	char err[200];

	if (md_sb_decode(blk, &sb))
		return;
	md_layout_from_sb(&sb, 1ull << 30, MD_IDX_FLEX_INT, &lo, err, sizeof(err));
	md_layout_from_sb(&sb, 1ull << 30, MD_IDX_FLEX_EXT, &lo, err, sizeof(err));
	md_sb_encode(&sb, out);
}

static void fuzz_al(const uint8_t *data, size_t size)
{
	static uint32_t ext[AL_EXTENTS_MAX];
	uint32_t n, valid, nb = (uint32_t)(size / 4096);
	struct al_tr tr;

	if (!nb)
		return;
	al_tr_decode(data, &tr);
	al_replay(data, nb, 1, nb, ext, &n, &valid);
}

static void fuzz_dump(const uint8_t *data, size_t size, int version)
{
	struct md_dump_parsed p = { .bm_cap = 1 << 20 };
	char err[256];

	p.bm = malloc(p.bm_cap);
	md_dump_parse((const char *)data, size, version, &p, err, sizeof(err));
	free(p.bm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t blk[4096] = { 0 };

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		memcpy(blk, data + 1, size - 1 < 4096 ? size - 1 : 4096);
		fuzz_sb(blk);
		break;
	case 1:
		fuzz_al(data + 1, size - 1 > 8 * 4096 ? 8 * 4096 : size - 1);
		break;
	default:
		fuzz_dump(data + 1, size - 1, data[0] % 4 == 2 ? 9 : 8);
	}
	return 0;
}

#ifndef UDRBD_LIBFUZZER
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t buf[1 << 20];
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
