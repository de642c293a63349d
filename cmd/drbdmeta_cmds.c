/* drbdmeta: dump-md, restore-md, apply-al, get-gi, show-gi, set-gi,
 * dstate, check-resize (drbd-metadata-resync.md §1.9, §3.6, §8.5). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/drbdmeta.h"
#include "md/al.h"
#include "md/apply_al.h"
#include "md/dump.h"
#include "plat/plat.h"

static uint8_t *read_bitmap(struct dm *d, uint64_t bytes)
{
	uint8_t *bm = plat_alloc_aligned(bytes ? bytes : 4096);

	if (bytes && plat_bdev_pread(d->b, bm, bytes, d->bm_byte)) {
		fprintf(stderr, "reading the bitmap of %s failed\n", d->path);
		exit(10);
	}
	return bm;
}

static void dump_header(struct dm *d)
{
	char ts[64], host[256] = "";
	time_t t = time(NULL);

	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	plat_hostname(host, sizeof(host));
	printf("# DRBD meta data dump\n# %s [%lld]\n# %s>", ts, (long long)t, host);
	for (int i = 0; i < d->argc; i++)
		printf(" %s", d->argv[i]);
	printf("\n#\n\n");
}

int dm_dump_md(struct dm *d, int argc, char **argv)
{
	bool clean;
	uint64_t bits = 0;
	uint8_t *bm;

	(void)argv;
	dm_extra_args(argc, 0);
	dm_open(d);
	if (!d->valid) {
		fprintf(stderr, "No valid meta data found\n");
		return -1;
	}
	clean = d->sb.magic != MD_MAGIC_84_UNCLEAN && (d->sb.flags & MDF_AL_CLEAN);
	if (!clean) {
		fprintf(stderr, "Found meta data is \"unclean\", please apply-al first\n");
		if (!d->force)
			return -1;
	}
	dump_header(d);
	printf("version \"v0%d\";\n\n", d->version);
	if (!clean)
		printf("This_is_an_unclean_meta_data_dump._Don't_trust_the_bitmap.\n"
		       "# You should \"apply-al\" first, if you plan to restore this.\n\n");
	if (d->version == 9)
		printf("max-peers %u;\n", d->sb.bm_max_peers);
	printf("# md_size_sect %u\n# md_offset %" PRIu64 "\n# al_offset %" PRIu64
	       "\n# bm_offset %" PRIu64 "\n\n", d->sb.md_size_sect, d->sb_byte,
	       d->al_byte, d->bm_byte);
	md_dump_fields(stdout, &d->sb);
	printf("# bm-bytes %" PRIu64 ";\n", d->bm_bytes);
	bm = read_bitmap(d, d->bm_bytes);
	for (uint32_t s = 0; s < d->sb.bm_max_peers; s++) {
		if (d->version == 9)
			printf("bitmap[%u] ", s);
		else
			printf("bm ");
		/* drbd-utils prints the count of the last slot only */
		bits = md_dump_bitmap(stdout, bm, d->bm_bytes / 4, d->sb.bm_max_peers, s);
	}
	plat_free_aligned(bm);
	printf("# bits-set %" PRIu64 ";\n", bits);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "r") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	if (!f) {
		fprintf(stderr, "open of '%s' failed.\n", path);
		exit(20);
	}
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static int restore_bitmap(struct dm *d, struct md_dump_parsed *p)
{
	uint64_t limit = (d->bm_bytes + 4095) / 4096 * 4096;
	uint64_t len = (p->bm_len + 511) / 512 * 512;
	uint8_t *buf;
	int r;

	if (!len)
		return 0;
	if (len > limit) {
		fprintf(stderr, "Bitmap info too large, truncated!\n");
		len = limit;
	}
	buf = plat_alloc_aligned(len);
	memset(buf, 0, len);
	memcpy(buf, p->bm, p->bm_len < len ? p->bm_len : len);
	r = plat_bdev_pwrite(d->b, buf, len, d->bm_byte);
	plat_free_aligned(buf);
	return r;
}

static void parse_dump(const struct dm *d, const char *text, size_t len,
		       struct md_dump_parsed *p)
{
	char err[256];

	if (md_dump_parse(text, len, d->version, p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		exit(10);
	}
}

int dm_restore_md(struct dm *d, int argc, char **argv)
{
	struct md_dump_parsed p = { 0 };
	char err[256];
	size_t len;
	char *text = slurp(argc > 0 ? argv[0] : NULL, &len);
	int r;

	dm_open(d);
	if (d->valid && !dm_confirm(d, "Valid meta-data in place, overwrite?"))
		return -1;
	p.bm_cap = 64ull << 20;
	p.bm = calloc(1, p.bm_cap);
	parse_dump(d, text, len, &p);
	if (d->al_used) {
		fprintf(stderr, "override activity log striping from commandline\n");
		p.sb.al_stripes = d->al_stripes;
		p.sb.al_stripe_size_4k = d->al_stripe_4k;
	}
	r = md_layout_create(d->size, d->idx, p.sb.bm_max_peers, p.sb.al_stripes,
			     p.sb.al_stripe_size_4k, &d->lo, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", d->path, err);
		exit(10);
	}
	fprintf(stderr, "reinitializing\n");
	dm_check_existing_data(d, &d->lo);
	md_sb_init(&d->sb, d->version, &d->lo);
	d->sb.node_id = p.sb.node_id;
	d->sb.current_uuid = p.sb.current_uuid;
	d->sb.flags = p.sb.flags;
	memcpy(d->sb.peers, p.sb.peers, sizeof(d->sb.peers));
	memcpy(d->sb.history_uuids, p.sb.history_uuids, sizeof(d->sb.history_uuids));
	d->sb.effective_size = p.sb.effective_size;
	d->sb.bm_bytes_per_bit = p.sb.bm_bytes_per_bit;
	d->sb.device_uuid = p.sb.device_uuid;
	d->sb.la_peer_max_bio_size = p.sb.la_peer_max_bio_size;
	if (d->sb.effective_size > d->lo.usable_sectors) {
		printf("# la-size-sect was too big (%" PRIu64 "), truncated (%" PRIu64 ")!\n",
		       d->sb.effective_size, d->lo.usable_sectors);
		d->sb.effective_size = d->lo.usable_sectors;
	}
	d->bm_bytes = md_bm_bytes(d->sb.effective_size, d->sb.bm_max_peers,
				  d->sb.bm_bytes_per_bit);
	d->bm_byte = d->sb_byte + (uint64_t)((int64_t)d->sb.bm_offset * 512);
	r = restore_bitmap(d, &p);
	if (!r)
		r = dm_write_sb(d);
	free(p.bm);
	free(text);
	if (r) {
		fprintf(stderr, "Writing failed\n");
		return -1;
	}
	printf("Successfully restored meta data\n");
	return 0;
}

/* What verify-dump holds la-size-sect against: drbd-utils lays out meta
 * data for a device it never opens (size 0), so internal meta data allow
 * nothing, an indexed slot its 128 MiB and flex-external the bitmap of a
 * negative size taken as 32-bit unsigned (§1.7 for the formula). */
static uint64_t verify_max_usable(int idx, const struct md_sb *sb)
{
	uint32_t bm_offset = 8 + (uint32_t)md_al_sectors(sb->al_stripes, sb->al_stripe_size_4k);
	uint32_t md_size = idx == MD_IDX_FLEX_EXT ? 0 : MD_INDEXED_SECT;

	if (md_idx_is_internal(idx))
		return 0;
	return (uint64_t)(uint32_t)(md_size - bm_offset) * 512 * 8 / 64 /
	       sb->bm_max_peers * 64 * 4096 / 512;
}

int dm_verify_dump(struct dm *d, int argc, char **argv)
{
	struct md_dump_parsed p = { 0 };
	size_t len;
	char *text = slurp(argc > 0 ? argv[0] : NULL, &len);
	uint64_t max;

	parse_dump(d, text, len, &p);
	free(text);
	max = verify_max_usable(d->idx, &p.sb);
	if (p.sb.effective_size > max) {
		printf("# la-size-sect was too big (%" PRIu64 "), truncated (%" PRIu64 ")!\n",
		       p.sb.effective_size, max);
		p.sb.effective_size = max;
	}
	/* drbd-utils dies on a failed assertion here (1 PiB) */
	if (p.sb.effective_size > 1ull << 41) {
		fprintf(stderr, "la-size-sect %" PRIu64 " is more than 1 PiB\n",
			p.sb.effective_size);
		exit(10);
	}
	printf("input file parsed ok\n");
	return 0;
}

/* The diagnostics drbd-utils prints while replaying (§3.6 step 3). */
static void print_replay(const struct md_apply_result *res)
{
	if (res->replay == -ENOENT)
		fprintf(stderr, "No usable activity log found. Do you need to create-md?\n");
	else if (res->al_valid != res->al_blocks)
		fprintf(stderr, "%u corrupt AL transactions found\n",
			res->al_blocks - res->al_valid);
	if (res->replay == -EINVAL)
		fprintf(stderr, "No valid AL update transaction found.\n");
	if (res->replay < 0 && !res->needed)
		fprintf(stderr, "Error ignored, no need to apply the AL\n");
}

static void print_applied(const struct md_apply_result *res)
{
	char pp[16];

	if (!res->n_extents) {
		fprintf(stderr, "Nothing to do.\n");
		return;
	}
	for (uint32_t i = res->n_extents - res->n_beyond; i < res->n_extents; i++)
		fprintf(stderr, "extent %u beyond end of bitmap! (%" PRIu64 " >= %" PRIu64
			")\n", res->extents[i], res->extents[i] * res->extent_bytes,
			res->bm_bytes);
	fprintf(stderr, "Marked additional %s as out-of-sync based on AL.\n",
		dm_ppsize(pp, res->bits_marked * 4));
}

int dm_apply_al(struct dm *d, int argc, char **argv)
{
	struct md_apply_result res = { 0 };
	char err[256];
	int r;

	(void)argv;
	dm_extra_args(argc, 0);
	dm_open(d);
	if (!d->valid) {
		fprintf(stderr, "No valid meta data found\n");
		return -1;
	}
	res.extents = malloc(AL_EXTENTS_MAX * sizeof(*res.extents));
	if (!res.extents) {
		fprintf(stderr, "out of memory\n");
		return -1;
	}
	r = md_apply_al(d->b, d->idx, d->version, &res, err, sizeof(err));
	if (res.replayed)
		print_replay(&res);
	if (res.applied)
		print_applied(&res);
	free(res.extents);
	if (r == -EBADMSG)
		return res.replay == -ENOENT ? 1 : 2;
	if (r)
		fprintf(stderr, "%s\n", err);
	/* errors reading the AL or the bitmap exit as drbd-utils' do */
	if (r && (!res.replayed || (res.needed && res.replay > 0 && !res.applied)))
		exit(10);
	return r ? -1 : 0;
}
