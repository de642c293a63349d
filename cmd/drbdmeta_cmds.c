/* drbdmeta: dump-md, restore-md, apply-al, get-gi, show-gi, set-gi,
 * dstate, check-resize (drbd-metadata-resync.md §1.9, §3.6, §8.5). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/drbdmeta.h"
#include "md/al.h"
#include "md/dump.h"
#include "plat/plat.h"

static void extra_args(int argc)
{
	if (argc > 0)
		fprintf(stderr, "Ignoring additional arguments\n");
}

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
	extra_args(argc);
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
	if (md_dump_parse(text, len, d->version, &p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		exit(10);
	}
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

/* §3.6 step 5: whole extents set in every slot, bytes 128 x P per extent. */
static void apply_extents(struct dm *d, const uint32_t *ext, uint32_t n)
{
	uint64_t per = 128ull * d->sb.bm_max_peers, bytes = (d->bm_bytes + 511) / 512 * 512;
	uint64_t added = 0;
	uint8_t *bm;
	char pp[16];

	if (!n) {
		fprintf(stderr, "Nothing to do.\n");
		return;
	}
	bm = read_bitmap(d, bytes);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pos = ext[i] * per, len = per, set = 0;

		if (pos >= bytes) {
			fprintf(stderr, "extent %u beyond end of bitmap! (%" PRIu64 " >= %"
				PRIu64 ")\n", ext[i], pos, bytes);
			continue;
		}
		if (len > bytes - pos)
			len = bytes - pos;
		for (uint64_t j = 0; j < len; j++)
			set += (uint64_t)__builtin_popcount(bm[pos + j]);
		added += len * 8 - set;
		memset(bm + pos, 0xff, len);
	}
	if (bytes && plat_bdev_pwrite(d->b, bm, bytes, d->bm_byte)) {
		fprintf(stderr, "writing the bitmap of %s failed\n", d->path);
		exit(10);
	}
	plat_free_aligned(bm);
	fprintf(stderr, "Marked additional %s as out-of-sync based on AL.\n",
		dm_ppsize(pp, added * 4));
}

static int replay(struct dm *d, bool *reinit)
{
	uint32_t nb = d->sb.al_stripes * d->sb.al_stripe_size_4k, n, valid;
	uint8_t *al = plat_alloc_aligned((size_t)nb * 4096);
	uint32_t *ext = malloc(AL_EXTENTS_MAX * sizeof(*ext));
	bool need = d->sb.flags & MDF_PRIMARY_IND;
	int r;

	if (plat_bdev_pread(d->b, al, (size_t)nb * 4096, d->al_byte)) {
		fprintf(stderr, "reading the activity log of %s failed\n", d->path);
		exit(10);
	}
	r = al_replay(al, nb, d->sb.al_stripes, d->sb.al_stripe_size_4k, ext, &n, &valid);
	if (r == -ENOENT)
		fprintf(stderr, "No usable activity log found. Do you need to create-md?\n");
	else if (valid != nb)
		fprintf(stderr, "%u corrupt AL transactions found\n", nb - valid);
	if (r == -EINVAL)
		fprintf(stderr, "No valid AL update transaction found.\n");
	if (r < 0 && !need) {
		fprintf(stderr, "Error ignored, no need to apply the AL\n");
		*reinit = true;
	}
	if (r > 0 && need)
		apply_extents(d, ext, n);
	if (r > 0)
		*reinit = true;
	plat_free_aligned(al);
	free(ext);
	return r < 0 && need ? (r == -ENOENT ? 1 : 2) : 0;
}

int dm_apply_al(struct dm *d, int argc, char **argv)
{
	bool reinit = false;
	int r;

	(void)argv;
	extra_args(argc);
	dm_open(d);
	if (!d->valid) {
		fprintf(stderr, "No valid meta data found\n");
		return -1;
	}
	r = replay(d, &reinit);
	if (r)
		return r;
	if (reinit && dm_init_al(d, &d->lo)) {
		fprintf(stderr, "initializing the activity log failed\n");
		return -1;
	}
	if ((d->sb.flags & MDF_AL_CLEAN) && d->sb.magic == MD_MAGIC_08)
		return 0;
	d->sb.flags |= MDF_AL_CLEAN;
	if (d->version == 8)
		d->sb.magic = MD_MAGIC_08;
	if (dm_write_sb(d)) {
		fprintf(stderr, "update of super block flags failed\n");
		return -1;
	}
	return 0;
}

