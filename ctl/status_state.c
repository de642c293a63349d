/* drbdsetup role, cstate, dstate (ctl/status_state.h). */
#include "ctl/status_state.h"
#include "core/state.h"

#include <string.h>

static const struct ctl_resource *find(const struct ctl_resource *const *res, size_t n,
				       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(res[i]->name, name))
			return res[i];
	return NULL;
}

int ctl_fmt_role(struct strbuf *out, struct strbuf *err,
		 const struct ctl_resource *const *res, size_t n, const char *name)
{
	const struct ctl_resource *r = find(res, n, name);

	if (!r) {
		strbuf_printf(err, "%s: Unknown resource\n", name);
		return 10;
	}
	strbuf_printf(out, "%s\n", drbd_role_name(r->role));
	return 0;
}

int ctl_fmt_cstate(struct strbuf *out, struct strbuf *err,
		   const struct ctl_resource *const *res, size_t n, const char *name,
		   int peer_node_id)
{
	const struct ctl_resource *r = find(res, n, name);
	bool found = false;

	if (!r)
		strbuf_printf(err, "%s: Failure: (158) Unknown resource\n", name);
	for (size_t i = 0; r && i < r->n_conns; i++) {
		const struct ctl_connection *c = &r->conns[i];

		if (peer_node_id >= 0 && c->peer_node_id != (unsigned)peer_node_id)
			continue;
		strbuf_printf(out, "%s\n", drbd_conn_state_name(c->cstate));
		found = true;
	}
	if (found)
		return 0;
	strbuf_printf(err, "%s: No such connection\n", name);
	return 10;
}

int ctl_fmt_dstate(struct strbuf *out, struct strbuf *err,
		   const struct ctl_resource *const *res, size_t n, unsigned minor)
{
	for (size_t i = 0; i < n; i++) {
		const struct ctl_resource *r = res[i];

		for (size_t v = 0; v < r->n_devices; v++) {
			const struct ctl_device *d = &r->devices[v];

			if (d->minor != minor)
				continue;
			strbuf_printf(out, "%s", drbd_disk_state_name(d->disk));
			for (size_t c = 0; c < r->n_conns; c++) {
				const struct ctl_peer_device *pd =
					ctl_find_peer_device(&r->conns[c], d->volume);

				if (pd)
					strbuf_printf(out, "/%s", drbd_disk_state_name(pd->peer_disk));
			}
			strbuf_putc(out, '\n');
			return 0;
		}
	}
	strbuf_printf(err, "%u: No such device\n", minor);
	return 10;
}
