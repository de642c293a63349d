/* NBD exports: what is served, and whether it may be served right now. */
#include "front/nbd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int check_config(const struct nbd_export_config *cfg, uint32_t min,
			uint32_t pref, uint32_t max)
{
	if (!cfg->name || !cfg->ops || !cfg->ops->pread)
		return -EINVAL;
	if (strlen(cfg->name) > NBD_NAME_MAX ||
	    (cfg->description && strlen(cfg->description) > NBD_DESC_MAX))
		return -ENAMETOOLONG;
	if (!pow2(min) || !pow2(pref) || !pow2(max) || min > pref || pref > max)
		return -EINVAL;
	if (cfg->size % min)
		return -EINVAL;
	return 0;
}

int nbd_export_new(const struct nbd_export_config *cfg, struct nbd_export **out)
{
	uint32_t min = cfg->min_block ? cfg->min_block : 512;
	uint32_t pref = cfg->pref_block ? cfg->pref_block : 4096;
	uint32_t max = cfg->max_block ? cfg->max_block : 2u << 20;
	struct nbd_export *exp;
	int err;

	err = check_config(cfg, min, pref, max);
	if (err) {
		plat_err("nbd: export %s: invalid configuration: %s",
			 cfg->name ? cfg->name : "(null)", plat_strerror(err));
		return err;
	}
	exp = calloc(1, sizeof(*exp));
	if (!exp)
		return -ENOMEM;
	snprintf(exp->name, sizeof(exp->name), "%s", cfg->name);
	snprintf(exp->description, sizeof(exp->description), "%s",
		 cfg->description ? cfg->description : "");
	exp->min_block = min;
	exp->pref_block = pref;
	exp->max_block = max;
	exp->multi_conn = cfg->multi_conn;
	exp->ops = cfg->ops;
	exp->ctx = cfg->ctx;
	exp->size = cfg->size;
	atomic_init(&exp->available, cfg->available);
	atomic_init(&exp->inflight, 0);
	snprintf(exp->msg_fmt, sizeof(exp->msg_fmt), "%s",
		 cfg->unavailable_msg ? cfg->unavailable_msg : "export %s is not available");
	plat_mutex_init(&exp->lock);
	plat_cond_init(&exp->idle);
	*out = exp;
	return 0;
}

void nbd_export_free(struct nbd_export *exp)
{
	if (!exp)
		return;
	plat_cond_destroy(&exp->idle);
	plat_mutex_destroy(&exp->lock);
	free(exp);
}

const char *nbd_export_name(const struct nbd_export *exp)
{
	return exp->name;
}

static uint16_t export_tflags(const struct nbd_export *exp)
{
	const struct nbd_export_ops *o = exp->ops;
	uint16_t f = NBD_FLAG_HAS_FLAGS;

	if (!o->pwrite)
		f |= NBD_FLAG_READ_ONLY;
	else
		f |= NBD_FLAG_SEND_FUA | NBD_FLAG_SEND_WRITE_ZEROES;
	if (o->flush)
		f |= NBD_FLAG_SEND_FLUSH;
	if (o->trim && o->pwrite)
		f |= NBD_FLAG_SEND_TRIM;
	if (exp->multi_conn)
		f |= NBD_FLAG_CAN_MULTI_CONN;
	return f;
}

/* The message is a template from the engine: only "%s" (the name) is
 * expanded, so a stray '%' cannot become a format directive. */
static void expand_msg(const char *fmt, const char *name, char *out, size_t cap)
{
	const char *p = strstr(fmt, "%s");

	if (!p)
		snprintf(out, cap, "%s", fmt);
	else
		snprintf(out, cap, "%.*s%s%s", (int)(p - fmt), fmt, name, p + 2);
}

void nbd_export_unavailable_text(struct nbd_export *exp, char *out, size_t cap)
{
	plat_mutex_lock(&exp->lock);
	expand_msg(exp->msg_fmt, exp->name, out, cap);
	plat_mutex_unlock(&exp->lock);
}

void nbd_export_fill_info(struct nbd_export *exp, struct nbd_export_info *info)
{
	memcpy(info->name, exp->name, sizeof(info->name));
	memcpy(info->description, exp->description, sizeof(info->description));
	info->tflags = export_tflags(exp);
	info->min_block = exp->min_block;
	info->pref_block = exp->pref_block;
	info->max_block = exp->max_block;
	plat_mutex_lock(&exp->lock);
	info->size = exp->size;
	if (!atomic_load(&exp->available))
		expand_msg(exp->msg_fmt, exp->name, info->message, sizeof(info->message));
	plat_mutex_unlock(&exp->lock);
}

void nbd_export_set_unavailable_msg(struct nbd_export *exp, const char *fmt)
{
	plat_mutex_lock(&exp->lock);
	snprintf(exp->msg_fmt, sizeof(exp->msg_fmt), "%s", fmt);
	plat_mutex_unlock(&exp->lock);
}

void nbd_export_set_size(struct nbd_export *exp, uint64_t size)
{
	plat_mutex_lock(&exp->lock);
	exp->size = size;
	plat_mutex_unlock(&exp->lock);
}

bool nbd_export_available(struct nbd_export *exp)
{
	return atomic_load(&exp->available);
}

/* Caller holds exp->lock and has cleared available; returns early if
 * someone makes the export available again meanwhile. */
static void drain_inflight(struct nbd_export *exp)
{
	while (atomic_load(&exp->inflight) && !atomic_load(&exp->available))
		plat_cond_wait(&exp->idle, &exp->lock);
}

void nbd_export_set_available(struct nbd_export *exp, bool available)
{
	bool was;

	plat_mutex_lock(&exp->lock);
	was = atomic_exchange(&exp->available, available);
	if (!available)
		drain_inflight(exp);
	else
		plat_cond_broadcast(&exp->idle);	/* a drain in progress ends */
	plat_mutex_unlock(&exp->lock);
	if (was != available)
		plat_info("nbd: export %s is now %s", exp->name,
			  available ? "available" : "unavailable");
}

int nbd_export_set_unavailable_if_idle(struct nbd_export *exp)
{
	int err = 0;

	plat_mutex_lock(&exp->lock);
	if (exp->open_count) {
		err = -EBUSY;
	} else {
		atomic_store(&exp->available, false);
		drain_inflight(exp);
	}
	plat_mutex_unlock(&exp->lock);
	if (!err)
		plat_info("nbd: export %s is now unavailable", exp->name);
	return err;
}

unsigned nbd_export_open_count(struct nbd_export *exp)
{
	unsigned n;

	plat_mutex_lock(&exp->lock);
	n = exp->open_count;
	plat_mutex_unlock(&exp->lock);
	return n;
}

void nbd_export_pin(struct nbd_export *exp)
{
	plat_mutex_lock(&exp->lock);
	exp->open_count++;
	plat_mutex_unlock(&exp->lock);
}

static void unpin(struct nbd_export *exp)
{
	plat_mutex_lock(&exp->lock);
	exp->open_count--;
	plat_cond_broadcast(&exp->idle);
	plat_mutex_unlock(&exp->lock);
}

int nbd_export_open(struct nbd_export *exp, struct nbd_export_info *info)
{
	int err = 0;

	if (exp->ops->attach) {
		err = exp->ops->attach(exp->ctx);
		if (err) {
			snprintf(info->message, sizeof(info->message),
				 "%.64s cannot be opened: %.128s", exp->name, plat_strerror(err));
			unpin(exp);
			return err;
		}
	}
	nbd_export_fill_info(exp, info);
	if (info->message[0]) {
		if (exp->ops->detach)
			exp->ops->detach(exp->ctx);
		unpin(exp);
		err = -ESHUTDOWN;
	}
	return err;
}

void nbd_export_close(struct nbd_export *exp)
{
	/* detach before unpin: once the count reaches zero the export may
	 * be removed and its ctx freed. */
	if (exp->ops->detach)
		exp->ops->detach(exp->ctx);
	unpin(exp);
}

void nbd_export_wait_closed(struct nbd_export *exp)
{
	plat_mutex_lock(&exp->lock);
	while (exp->open_count)
		plat_cond_wait(&exp->idle, &exp->lock);
	plat_mutex_unlock(&exp->lock);
}

bool nbd_export_io_begin(struct nbd_export *exp)
{
	atomic_fetch_add(&exp->inflight, 1);
	if (atomic_load(&exp->available))
		return true;
	nbd_export_io_end(exp);
	return false;
}

void nbd_export_io_end(struct nbd_export *exp)
{
	/* Only a drain waits for the count; it cleared available first. */
	if (atomic_fetch_sub(&exp->inflight, 1) == 1 && !atomic_load(&exp->available)) {
		plat_mutex_lock(&exp->lock);
		plat_cond_broadcast(&exp->idle);
		plat_mutex_unlock(&exp->lock);
	}
}
