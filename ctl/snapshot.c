/* Engine state -> view snapshot. The view keeps DRBD's units: sizes and
 * I/O counters in sectors. */
#include "ctl/snapshot.h"
#include "core/ops.h"
#include "md/md.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

static void snap_disk_opts(const struct device *d, struct ctl_disk_opts *o)
{
	ctl_disk_opts_default(o);
	o->disk_size = d->conf.size_sect;
	o->on_io_error = d->conf.on_io_error == EP_DETACH ? CTL_EP_DETACH
			 : d->conf.on_io_error == EP_PASS_ON ? CTL_EP_PASS_ON
							     : CTL_EP_CALL_HELPER;
	o->al_extents = d->conf.al_extents;
	o->al_updates = d->conf.al_updates;
	o->md_flushes = d->conf.md_flushes;
	o->disk_flushes = d->conf.disk_flushes;
}

static void snap_device(struct device *d, struct ctl_device *v)
{
	memset(v, 0, sizeof(*v));
	v->volume = d->volume;
	v->minor = d->minor;
	v->disk = d->disk;
	v->client = CTL_CLIENT_NO;
	v->has_quorum = true;
	v->open = device_open_count(d) > 0;
	if (d->backing_path) {
		snprintf(v->backing_dev, sizeof(v->backing_dev), "%s", d->backing_path);
		snprintf(v->meta_dev, sizeof(v->meta_dev), "%s", d->meta_path);
	}
	v->meta_dev_idx = d->meta_index;
	plat_mutex_lock(&d->io_lock);
	v->stats.read = d->stats.read_sect;
	v->stats.written = d->stats.written_sect;
	v->stats.upper_pending = d->in_flight;
	v->stats.lower_pending = d->in_flight;
	plat_mutex_unlock(&d->io_lock);
	if (d->md) {
		struct md_sb *sb = md_sb(d->md);
		v->stats.size = d->size_sect;
		v->stats.al_writes = md_al_writes(d->md);
		v->stats.current_uuid = sb->current_uuid;
		v->stats.exposed_data_uuid = sb->current_uuid;
		v->stats.disk_flags = sb->flags;
	}
	snap_disk_opts(d, &v->opts);
}

static struct ctl_resource *snap_resource(struct resource *r)
{
	struct ctl_resource *v = calloc(1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	snprintf(v->name, sizeof(v->name), "%s", r->name);
	v->node_id = r->node_id;
	v->role = r->role;
	v->stats.write_ordering = CTL_WO_BDEV_FLUSH;
	ctl_res_opts_default(&v->opts);
	for (struct device *d = r->devices; d; d = d->next)
		n++;
	v->devices = n ? calloc(n, sizeof(*v->devices)) : NULL;
	if (n && !v->devices) {
		free(v);
		return NULL;
	}
	n = 0;
	for (struct device *d = r->devices; d; d = d->next)
		snap_device(d, &v->devices[n++]);
	v->n_devices = n;
	return v;
}

void ctl_snapshot_free(struct ctl_resource **res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ctl_resource_free(res[i]);
	free(res);
}

static int by_name(const void *a, const void *b)
{
	const struct ctl_resource *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int ctl_snapshot(struct engine *eng, struct ctl_resource ***out, size_t *nout)
{
	struct ctl_resource **res;
	size_t n = 0;

	for (struct resource *r = eng->resources; r; r = r->next)
		n++;
	res = calloc(n ? n : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	n = 0;
	for (struct resource *r = eng->resources; r; r = r->next) {
		res[n] = snap_resource(r);
		if (!res[n]) {
			ctl_snapshot_free(res, n);
			return -ENOMEM;
		}
		n++;
	}
	qsort(res, n, sizeof(*res), by_name);
	*out = res;
	*nout = n;
	return 0;
}
