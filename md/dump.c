/* dump-md text output in drbd-utils 9.22's format. */
#include <inttypes.h>

#include "md/dump.h"
#include "md/endian.h"

static void peer_flag_names(FILE *f, uint32_t flags)
{
	static const char *const name[32] = {
		[0] = "connected", [1] = "<=outdated", [2] = "fencing",
		[3] = "full-sync", [4] = "seen", [16] = "exists",
	};
	const char *sep = " # ";

	for (int i = 0; i < 32; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (name[i])
			fprintf(f, "%s%s", sep, name[i]);
		else
			fprintf(f, "%s0x%x=?", sep, 1u << i);
		sep = " | ";
	}
}

static void dump_v09_ids(FILE *f, const struct md_sb *sb)
{
	fprintf(f, "node-id %d;\ncurrent-uuid 0x%016" PRIX64 ";\nflags 0x%08X;\n",
		sb->node_id, sb->current_uuid, sb->flags);
	for (int i = 0; i < MD_MAX_PEERS; i++) {
		const struct md_peer_md *p = &sb->peers[i];

		fprintf(f, "peer[%d] {\n    bitmap-index %d;\n"
			"    bitmap-uuid 0x%016" PRIX64 ";\n"
			"    bitmap-dagtag 0x%016" PRIX64 ";\n    flags 0x%08X;",
			i, p->bitmap_index, p->bitmap_uuid, p->bitmap_dagtag, p->flags);
		peer_flag_names(f, p->flags);
		fprintf(f, "\n}\n");
	}
	fprintf(f, "history-uuids {");
	for (int i = 0; i < MD_HISTORY_UUIDS; i++)
		fprintf(f, "%s0x%016" PRIX64 ";", i % 4 ? " " : "\n        ",
			sb->history_uuids[i]);
	fprintf(f, "\n}\n");
}

void md_dump_fields(FILE *f, const struct md_sb *sb)
{
	if (sb->version == 9) {
		dump_v09_ids(f, sb);
	} else {
		/* drbd-utils 9.22 prints the (always zero) per-peer flags
		 * here instead of the device flags; so do we. */
		fprintf(f, "uuid {\n    0x%016" PRIX64 "; 0x%016" PRIX64 "; 0x%016"
			PRIX64 "; 0x%016" PRIX64 ";\n    flags 0x%08X;\n}\n",
			sb->current_uuid, sb->peers[0].bitmap_uuid,
			sb->history_uuids[0], sb->history_uuids[1], 0u);
	}
	fprintf(f, "# al-extents %u;\nla-size-sect %" PRIu64 ";\n"
		"bm-byte-per-bit %u;\ndevice-uuid 0x%016" PRIX64 ";\n"
		"la-peer-max-bio-size %d;\nal-stripes %u;\nal-stripe-size-4k %u;\n",
		sb->al_nr_extents, sb->effective_size, sb->bm_bytes_per_bit,
		sb->device_uuid, (int)sb->la_peer_max_bio_size, sb->al_stripes,
		sb->al_stripe_size_4k);
}

/* Run of equal words of one slot starting at interleaved index r. */
static uint64_t run_len(const uint8_t *a, uint64_t n, uint32_t peers, uint64_t r)
{
	uint32_t cw = get_le32(a + r * 4);
	uint64_t k = 0;

	while (r < n && get_le32(a + r * 4) == cw) {
		k++;
		r += peers;
	}
	return k;
}

/* Lines of 4 64-bit values; 16+ equal words collapse into "N times"
 * (counted in whole lines); "# at" marks every 64 interleaved words. */
uint64_t md_dump_bitmap(FILE *f, const uint8_t *a, uint64_t n, uint32_t peers,
			uint32_t slot)
{
	uint64_t r = slot, bits = 0;
	uint32_t lw = 0;

	fprintf(f, "{");
	while (r < n) {
		uint64_t w = (r - slot) / peers;
		uint32_t v;

		if (w % 8 == 0) {
			uint64_t k = run_len(a, n, peers, r) / 8 * 8;

			if (((r - slot) & 63) == 0)
				fprintf(f, "\n   # at %" PRIu64 "kB\n   ", 128 * (r - slot));
			else
				fprintf(f, "\n   ");
			if (k > 8) {
				v = get_le32(a + r * 4);
				fprintf(f, " %" PRIu64 " times 0x%08X%08X;", k / 2, v, v);
				bits += k * (uint64_t)__builtin_popcount(v);
				r += k * peers;
				continue;
			}
		}
		v = get_le32(a + r * 4);
		if (w % 2 == 0)
			lw = v;
		else
			fprintf(f, " 0x%08X%08X;", v, lw);
		bits += (uint64_t)__builtin_popcount(v);
		r += peers;
	}
	fprintf(f, "\n}\n");
	return bits;
}
