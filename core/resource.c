/* Resources and their devices (volumes): creation and deletion. */
#include "core/conn.h"
#include "core/ops.h"

#include <stdlib.h>
#include <string.h>

static bool valid_res_name(const char *name)
{
	size_t n = strlen(name);

	/* Names become file names, export names and log prefixes. */
	if (n == 0 || n >= RES_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\' || *p <= ' ' || *p == ':')
			return false;
	return true;
}

int resource_new(struct engine *eng, const char *name, int node_id,
		 struct cmd_reply *r)
{
	struct resource *res, **pp;

	if (!valid_res_name(name))
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "invalid resource name");
	if (node_id < 0 || node_id > DRBD_NODE_ID_MAX)
		return cmd_reply_set(r, ERR_INVALID_REQUEST,
				     "node-id %d out of range 0..%d", node_id,
				     DRBD_NODE_ID_MAX);
	if (engine_find_resource(eng, name))
		/* The kernel answers a second new-resource of the same name
		 * with "already exists"; refusing keeps scripts honest. */
		return cmd_reply_set(r, ERR_INVALID_REQUEST,
				     "resource %s already exists", name);
	res = calloc(1, sizeof(*res));
	if (!res)
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	res->eng = eng;
	strcpy(res->name, name);
	plat_mutex_init(&res->peers_lock);
	res->node_id = node_id;
	res->role = R_SECONDARY;
	for (pp = &eng->resources; *pp; pp = &(*pp)->next)
		;
	*pp = res;
	plat_notice("%s: created, node-id %d", name, node_id);
	engine_state_changed(eng);
	return DRBD_NO_ERROR;
}

int resource_del(struct engine *eng, const char *name, struct cmd_reply *r)
{
	struct resource *res = engine_find_resource(eng, name), **pp;

	if (!res)
		return cmd_reply_set(r, ERR_RES_NOT_KNOWN, "unknown resource");
	if (res->devices || res->connections)
		return cmd_reply_set(r, ERR_RES_IN_USE, NULL);
	if (res->role == R_PRIMARY)
		return cmd_reply_set(r, ERR_RES_IN_USE, "resource is Primary");
	for (pp = &eng->resources; *pp != res; pp = &(*pp)->next)
		;
	*pp = res->next;
	plat_notice("%s: deleted", res->name);
	plat_mutex_destroy(&res->peers_lock);
	free(res);
	engine_state_changed(eng);
	return DRBD_NO_ERROR;
}

int device_new(struct resource *res, unsigned minor, unsigned volume,
	       struct cmd_reply *r)
{
	struct device *dev, **pp;

	if (minor > DRBD_MINOR_MAX || volume > DRBD_VOLUME_MAX)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "minor or volume out of range");
	if (engine_find_minor(res->eng, minor) || resource_find_volume(res, volume))
		return cmd_reply_set(r, ERR_MINOR_OR_VOLUME_EXISTS, NULL);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	dev->res = res;
	dev->minor = minor;
	dev->volume = volume;
	dev->disk = D_DISKLESS;
	disk_conf_default(&dev->conf);
	plat_mutex_init(&dev->io_lock);
	plat_cond_init(&dev->io_idle);
	plat_mutex_init(&dev->rs_lock);
	/* Volumes stay sorted: status and events2 list them in order. */
	for (pp = &res->devices; *pp && (*pp)->volume < volume; pp = &(*pp)->next)
		;
	dev->next = *pp;
	*pp = dev;
	if (peer_devices_sync(res))
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	plat_notice("%s/%u: minor %u created", res->name, volume, minor);
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

int device_del(struct device *dev, struct cmd_reply *r)
{
	struct resource *res = dev->res;
	struct device **pp;

	if (dev->disk != D_DISKLESS)
		return cmd_reply_set(r, ERR_MINOR_CONFIGURED, NULL);
	if (res->role == R_PRIMARY)
		return cmd_reply_set(r, ERR_MINOR_CONFIGURED, "resource is Primary");
	device_export_remove(dev);
	for (pp = &res->devices; *pp != dev; pp = &(*pp)->next)
		;
	*pp = dev->next;
	peer_devices_sync(res);
	plat_notice("%s/%u: minor %u deleted", res->name, dev->volume, dev->minor);
	plat_cond_destroy(&dev->io_idle);
	plat_mutex_destroy(&dev->io_lock);
	plat_mutex_destroy(&dev->rs_lock);
	free(dev);
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

int resource_down(struct resource *res, bool force, struct cmd_reply *r)
{
	struct engine *eng = res->eng;
	char name[RES_NAME_MAX];
	int rc;

	if (res->role == R_PRIMARY) {
		rc = resource_secondary(res, force, r);
		if (rc != DRBD_NO_ERROR)
			return rc;
	}
	/* DRBD's down: disconnect and delete the peers, then the volumes. */
	while (res->connections) {
		conn_disconnect(res->connections, true, r);
		rc = conn_del(res->connections, r);
		if (rc != DRBD_NO_ERROR)
			return rc;
	}
	while (res->devices) {
		struct device *d = res->devices;
		rc = device_detach(d, force, r);
		if (rc != DRBD_NO_ERROR && rc != SS_SUCCESS)
			return rc;
		rc = device_del(d, r);
		if (rc != DRBD_NO_ERROR)
			return rc;
	}
	strcpy(name, res->name);
	return resource_del(eng, name, r);
}
