/* Activity-log transaction codec and replay, drbd-metadata-resync.md
 * §3.2, §3.5, §3.6. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "md/al.h"
#include "md/sb.h"
#include "md/endian.h"
#include "plat/plat.h"

#define AL_OFF_UPD_SLOT 36
#define AL_OFF_UPD_EXT 164
#define AL_OFF_CONTEXT 420

uint32_t al_crc(const uint8_t *blk)
{
	uint8_t zero[4] = { 0 };
	uint32_t crc = plat_crc32c(0, blk, 8);

	/* §3.5: the CRC field itself counts as zero */
	crc = plat_crc32c(crc, zero, 4);
	return plat_crc32c(crc, blk + 12, 4096 - 12);
}

void al_tr_encode(const struct al_tr *tr, uint8_t *b)
{
	memset(b, 0, 4096);
	put_be32(b, AL_MAGIC);
	put_be32(b + 4, tr->tr_number);
	put_be16(b + 12, tr->type);
	put_be16(b + 14, tr->n_updates);
	put_be16(b + 16, tr->context_size);
	put_be16(b + 18, tr->context_start);
	for (int i = 0; i < AL_UPDATES_PER_TR; i++) {
		put_be16(b + AL_OFF_UPD_SLOT + 2 * i, tr->update_slot[i]);
		put_be32(b + AL_OFF_UPD_EXT + 4 * i, tr->update_extent[i]);
	}
	for (int i = 0; i < AL_CONTEXT_PER_TR; i++)
		put_be32(b + AL_OFF_CONTEXT + 4 * i, tr->context[i]);
	put_be32(b + 8, al_crc(b));
}

int al_tr_decode(const uint8_t *b, struct al_tr *tr)
{
	memset(tr, 0, sizeof(*tr));
	if (get_be32(b) != AL_MAGIC)
		return -EINVAL;
	tr->tr_number = get_be32(b + 4);
	tr->type = get_be16(b + 12);
	tr->n_updates = get_be16(b + 14);
	tr->context_size = get_be16(b + 16);
	tr->context_start = get_be16(b + 18);
	for (int i = 0; i < AL_UPDATES_PER_TR; i++) {
		tr->update_slot[i] = get_be16(b + AL_OFF_UPD_SLOT + 2 * i);
		tr->update_extent[i] = get_be32(b + AL_OFF_UPD_EXT + 4 * i);
	}
	for (int i = 0; i < AL_CONTEXT_PER_TR; i++)
		tr->context[i] = get_be32(b + AL_OFF_CONTEXT + 4 * i);
	return get_be32(b + 8) == al_crc(b) ? 0 : -EBADMSG;
}

void al_tr_init_block(uint8_t *b)
{
	memset(b, 0, 4096);
	put_be32(b, AL_MAGIC);
	put_be16(b + 12, AL_TR_INITIALIZED);
	put_be32(b + 8, al_crc(b));
}

/* Applies one update transaction to the slot -> extent map (§3.6 step 4). */
static void al_apply_tr(const struct al_tr *t, uint32_t *hot)
{
	for (unsigned i = 0; i < AL_CONTEXT_PER_TR; i++) {
		unsigned slot = t->context_start + i;

		if (t->context[i] == AL_LC_FREE && slot >= t->context_size)
			continue;
		if (slot < AL_EXTENTS_MAX)
			hot[slot] = t->context[i];
	}
	for (unsigned i = 0; i < AL_UPDATES_PER_TR; i++) {
		unsigned slot = t->update_slot[i];

		if (i >= t->n_updates && slot == AL_SLOT_UNUSED)
			continue;
		if (slot < AL_EXTENTS_MAX)
			hot[slot] = t->update_extent[i];
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void al_collect(uint32_t *hot, uint32_t *extents, uint32_t *n_out)
{
	uint32_t n = 0;

	qsort(hot, AL_EXTENTS_MAX, sizeof(*hot), cmp_u32);
	for (uint32_t i = 0; i < AL_EXTENTS_MAX && hot[i] != AL_LC_FREE; i++)
		if (!n || extents[n - 1] != hot[i])
			extents[n++] = hot[i];
	*n_out = n;
}

int al_replay(const uint8_t *area, uint32_t nblocks, uint32_t stripes,
	      uint32_t stripe_4k, uint32_t *extents, uint32_t *n_out,
	      uint32_t *valid)
{
	struct al_tr *tr = calloc(nblocks, sizeof(*tr));
	uint8_t *ok = calloc(nblocks, 1);
	uint32_t *hot = malloc(AL_EXTENTS_MAX * sizeof(*hot));
	uint32_t nvalid = 0, nupd = 0, oldest = 0, newest = 0;
	int r;

	*n_out = 0;
	if (!tr || !ok || !hot) {
		r = -ENOMEM;
		goto out;
	}
	/* b is the ring position, §3.3; compare tr numbers wrap-safe */
	for (uint32_t b = 0; b < nblocks; b++) {
		const uint8_t *blk = area + (size_t)al_tr_block(b, stripes, stripe_4k) * 4096;

		if (al_tr_decode(blk, &tr[b]))
			continue;
		ok[b] = 1;
		nvalid++;
		if (tr[b].type == AL_TR_INITIALIZED)
			continue;
		if (++nupd == 1) {
			oldest = newest = b;
			continue;
		}
		if ((int32_t)(tr[b].tr_number - tr[oldest].tr_number) < 0)
			oldest = b;
		if ((int32_t)(tr[b].tr_number - tr[newest].tr_number) > 0)
			newest = b;
	}
	*valid = nvalid;
	if (!nvalid) {
		r = -ENOENT;
		goto out;
	}
	if (!nupd) {
		r = nvalid == nblocks || (!ok[0] && nvalid == nblocks - 1) ? 0 : -EINVAL;
		goto out;
	}
	memset(hot, 0xff, AL_EXTENTS_MAX * sizeof(*hot));
	if (newest < oldest)
		newest += nblocks;
	for (uint32_t b = oldest; b <= newest; b++) {
		uint32_t i = b % nblocks;

		if (ok[i] && tr[i].type != AL_TR_INITIALIZED)
			al_apply_tr(&tr[i], hot);
	}
	al_collect(hot, extents, n_out);
	r = (int)nupd;
out:
	free(tr);
	free(ok);
	free(hot);
	return r;
}
