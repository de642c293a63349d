/* The in-core active set of the activity log: an LRU of al-extents slots,
 * each holding one 4 MiB extent, drbd-metadata-resync.md §3.1-§3.4. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "md/al.h"

static uint32_t al_hash(const struct al_set *s, uint32_t extent)
{
	return (extent * 2654435761u) & (s->hash_size - 1);
}

static void lru_unlink(struct al_set *s, uint32_t i)
{
	struct al_slot *sl = &s->slot[i];

	if (sl->next == i) {
		s->lru_head = AL_LC_FREE;
		return;
	}
	s->slot[sl->prev].next = sl->next;
	s->slot[sl->next].prev = sl->prev;
	if (s->lru_head == i)
		s->lru_head = sl->next;
}

static void lru_push_head(struct al_set *s, uint32_t i)
{
	struct al_slot *sl = &s->slot[i];
	uint32_t h = s->lru_head;

	if (h == AL_LC_FREE) {
		sl->prev = sl->next = i;
	} else {
		sl->next = h;
		sl->prev = s->slot[h].prev;
		s->slot[sl->prev].next = i;
		s->slot[h].prev = i;
	}
	s->lru_head = i;
}

int al_set_init(struct al_set *s, uint32_t nr)
{
	memset(s, 0, sizeof(*s));
	if (nr < 1 || nr > AL_EXTENTS_MAX)
		return -EINVAL;
	s->nr = nr;
	s->hash_size = 1;
	while (s->hash_size < nr * 2)
		s->hash_size <<= 1;
	s->slot = calloc(nr, sizeof(*s->slot));
	s->hash = malloc(s->hash_size * sizeof(*s->hash));
	if (!s->slot || !s->hash) {
		al_set_free(s);
		return -ENOMEM;
	}
	memset(s->hash, 0xff, s->hash_size * sizeof(*s->hash));
	s->lru_head = AL_LC_FREE;
	/* pushing 0..nr-1 to the head leaves slot 0 least recently used,
	 * so free slots fill lowest first */
	for (uint32_t i = 0; i < nr; i++) {
		s->slot[i].extent = AL_LC_FREE;
		s->slot[i].committed = true;
		s->slot[i].hnext = AL_LC_FREE;
		lru_push_head(s, i);
	}
	return 0;
}

void al_set_free(struct al_set *s)
{
	free(s->slot);
	free(s->hash);
	s->slot = NULL;
	s->hash = NULL;
}

uint32_t al_set_find(const struct al_set *s, uint32_t extent)
{
	uint32_t i = s->hash[al_hash(s, extent)];

	while (i != AL_LC_FREE && s->slot[i].extent != extent)
		i = s->slot[i].hnext;
	return i;
}

static void hash_del(struct al_set *s, uint32_t i)
{
	uint32_t *pp = &s->hash[al_hash(s, s->slot[i].extent)];

	while (*pp != AL_LC_FREE && *pp != i)
		pp = &s->slot[*pp].hnext;
	if (*pp == i)
		*pp = s->slot[i].hnext;
	s->slot[i].hnext = AL_LC_FREE;
}

static void hash_add(struct al_set *s, uint32_t i)
{
	uint32_t *h = &s->hash[al_hash(s, s->slot[i].extent)];

	s->slot[i].hnext = *h;
	*h = i;
}

void al_set_touch(struct al_set *s, uint32_t i)
{
	if (s->lru_head == i)
		return;
	lru_unlink(s, i);
	lru_push_head(s, i);
}

uint32_t al_set_place(struct al_set *s, uint32_t extent, uint32_t *old)
{
	uint32_t i, tail;

	if (s->n_pending >= AL_UPDATES_PER_TR || s->lru_head == AL_LC_FREE)
		return AL_LC_FREE;
	/* walk from the least recently used end */
	tail = s->slot[s->lru_head].prev;
	for (i = tail;; i = s->slot[i].prev) {
		if (!s->slot[i].refcnt && s->slot[i].committed)
			break;
		if (i == s->lru_head)
			return AL_LC_FREE;
	}
	*old = s->slot[i].extent;
	if (*old != AL_LC_FREE)
		hash_del(s, i);
	s->slot[i].extent = extent;
	s->slot[i].committed = false;
	hash_add(s, i);
	al_set_touch(s, i);
	s->pend_slot[s->n_pending] = (uint16_t)i;
	s->pend_old[s->n_pending] = *old;
	s->n_pending++;
	return i;
}

void al_set_build_tr(struct al_set *s, struct al_tr *tr, uint32_t *old)
{
	memset(tr, 0, sizeof(*tr));
	tr->tr_number = s->next_tr++;
	tr->type = AL_TR_UPDATE;
	tr->n_updates = s->n_pending;
	tr->context_size = (uint16_t)s->nr;
	tr->context_start = (uint16_t)s->context_start;
	for (int i = 0; i < AL_UPDATES_PER_TR; i++) {
		bool used = i < s->n_pending;

		tr->update_slot[i] = used ? s->pend_slot[i] : AL_SLOT_UNUSED;
		tr->update_extent[i] = used ? s->slot[s->pend_slot[i]].extent : AL_LC_FREE;
		old[i] = used ? s->pend_old[i] : AL_LC_FREE;
	}
	for (uint32_t i = 0; i < AL_CONTEXT_PER_TR; i++) {
		uint32_t slot = s->context_start + i;

		tr->context[i] = slot < s->nr ? s->slot[slot].extent : AL_LC_FREE;
	}
	/* §3.2 context cycling */
	s->context_start += AL_CONTEXT_PER_TR;
	if (s->context_start >= s->nr)
		s->context_start = 0;
	s->n_pending = 0;
}

void al_set_committed(struct al_set *s, const struct al_tr *tr)
{
	for (unsigned i = 0; i < tr->n_updates; i++) {
		struct al_slot *sl = &s->slot[tr->update_slot[i]];

		if (sl->extent == tr->update_extent[i])
			sl->committed = true;
	}
}
