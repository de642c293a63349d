/* events2 lines that are not state diffs, the timestamp prefix, and the
 * object order of drbdsetup's lists (ctl/fmt.h). */
#include "ctl/fmt_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ctl_ev2_timestamp(char out[CTL_EV2_TS_LEN], const struct ctl_ev2_time *t)
{
	long off = t->gmtoff < 0 ? -t->gmtoff : t->gmtoff;

	/* drbdsetup prints the hours of the offset with their sign but takes
	 * the minutes from the absolute value, so -00:30 shows as +00:30. */
	snprintf(out, CTL_EV2_TS_LEN,
		 "%04u-%02u-%02uT%02u:%02u:%02u.%06u%+03d:%02u ",
		 (unsigned)t->year, (unsigned)t->mon, (unsigned)t->mday,
		 (unsigned)t->hour, (unsigned)t->min, (unsigned)t->sec,
		 (unsigned)t->usec, (int)(t->gmtoff / 3600),
		 (unsigned)((off / 60) % 60));
}

void ctl_ev2_exists_done(struct strbuf *out, const char *prefix)
{
	strbuf_printf(out, "%sexists -\n", prefix ? prefix : "");
}

void ctl_ev2_rename(struct strbuf *out, const char *prefix,
		    const char *name, const char *new_name)
{
	strbuf_printf(out, "%srename resource name:%s new_name:%s\n",
		      prefix ? prefix : "", name, new_name);
}

void ctl_ev2_helper(struct strbuf *out, const char *prefix,
		    const struct ctl_ev2_helper *h)
{
	strbuf_printf(out, "%s%s helper", prefix ? prefix : "",
		      h->response ? "response" : "call");
	if (h->resource)
		strbuf_printf(out, " name:%s", h->resource);
	if (h->peer_node_id >= 0)
		strbuf_printf(out, " peer-node-id:%d", h->peer_node_id);
	if (h->conn_name && h->conn_name[0])
		strbuf_printf(out, " conn-name:%s", h->conn_name);
	if (h->path) {
		char local[CTL_ADDR_STR_LEN], peer[CTL_ADDR_STR_LEN];

		ctl_addr_str(local, &h->path->local);
		ctl_addr_str(peer, &h->path->peer);
		strbuf_printf(out, " local:%s peer:%s", local, peer);
	}
	if (h->volume >= 0)
		strbuf_printf(out, " volume:%d", h->volume);
	if (h->minor >= 0)
		strbuf_printf(out, " minor:%d", h->minor);
	strbuf_printf(out, " helper:%s", h->helper);
	if (h->response)
		strbuf_printf(out, " status:%u", h->status);
	strbuf_putc(out, '\n');
}

typedef bool (*same_fn)(const void *a, const void *b);

static bool same_device(const void *a, const void *b)
{
	return ((const struct ctl_device *)a)->volume ==
	       ((const struct ctl_device *)b)->volume;
}

static bool same_conn(const void *a, const void *b)
{
	return !strcmp(((const struct ctl_connection *)a)->name,
		       ((const struct ctl_connection *)b)->name);
}

static bool same_pd(const void *a, const void *b)
{
	return ((const struct ctl_peer_device *)a)->volume ==
	       ((const struct ctl_peer_device *)b)->volume;
}

static bool same_path(const void *a, const void *b)
{
	const struct ctl_path *p = b;
	struct ctl_connection c = { .paths = (struct ctl_path *)p, .n_paths = 1 };

	return ctl_find_path(&c, a) != NULL;
}

static const void *find_in(const void *arr, size_t n, size_t elem,
			   const void *key, same_fn same)
{
	for (size_t i = 0; i < n; i++)
		if (same((const char *)arr + i * elem, key))
			return (const char *)arr + i * elem;
	return NULL;
}

/* New elements first (reverse order), then the known ones in the reverse
 * of their previous order: prepend-on-create plus reverse-on-copy. */
static void reorder(void *arr, size_t n, size_t elem, const void *prev,
		    size_t pn, same_fn same)
{
	char *tmp, *base = arr;
	size_t k = 0;

	if (n < 2 || !(tmp = malloc(n * elem)))
		return;
	for (size_t i = n; i-- > 0;)
		if (!find_in(prev, pn, elem, base + i * elem, same))
			memcpy(tmp + k++ * elem, base + i * elem, elem);
	for (size_t i = pn; i-- > 0;) {
		const void *e = find_in(arr, n, elem,
					(const char *)prev + i * elem, same);

		if (e)
			memcpy(tmp + k++ * elem, e, elem);
	}
	if (k == n)
		memcpy(arr, tmp, n * elem);
	free(tmp);
}

void ctl_ev2_reorder(struct ctl_resource *snap, const struct ctl_resource *prev)
{
	reorder(snap->devices, snap->n_devices, sizeof(*snap->devices),
		prev ? prev->devices : NULL, prev ? prev->n_devices : 0,
		same_device);
	reorder(snap->conns, snap->n_conns, sizeof(*snap->conns),
		prev ? prev->conns : NULL, prev ? prev->n_conns : 0, same_conn);
	for (size_t i = 0; i < snap->n_conns; i++) {
		struct ctl_connection *c = &snap->conns[i];
		const struct ctl_connection *pc =
			prev ? ctl_find_connection(prev, c->name) : NULL;

		reorder(c->peer_devices, c->n_peer_devices,
			sizeof(*c->peer_devices), pc ? pc->peer_devices : NULL,
			pc ? pc->n_peer_devices : 0, same_pd);
		reorder(c->paths, c->n_paths, sizeof(*c->paths),
			pc ? pc->paths : NULL, pc ? pc->n_paths : 0, same_path);
	}
}
