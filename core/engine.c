/* Engine life cycle, lookups, the worker thread and fault injection. */
#include "core/engine.h"
#include "core/handler.h"
#include "core/ops.h"
#include "core/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_reply_set(struct cmd_reply *r, int code, const char *fmt, ...)
{
	va_list ap;

	r->ret_code = code;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->info, sizeof(r->info), fmt, ap);
		va_end(ap);
	}
	return code;
}

struct resource *engine_find_resource(struct engine *eng, const char *name)
{
	for (struct resource *r = eng->resources; r; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

struct device *engine_find_minor(struct engine *eng, unsigned minor)
{
	for (struct resource *r = eng->resources; r; r = r->next)
		for (struct device *d = r->devices; d; d = d->next)
			if (d->minor == minor)
				return d;
	return NULL;
}

struct device *resource_find_volume(struct resource *res, unsigned volume)
{
	for (struct device *d = res->devices; d; d = d->next)
		if (d->volume == volume)
			return d;
	return NULL;
}

bool engine_should_fault(struct engine *eng, const struct device *dev,
			 enum drbd_fault type)
{
	static __thread uint64_t x;
	uint32_t mask = __atomic_load_n(&eng->fault_mask, __ATOMIC_RELAXED);
	uint64_t devs = __atomic_load_n(&eng->fault_devs, __ATOMIC_RELAXED);

	if (!(mask & (1u << type)))
		return false;
	if (devs && (dev->minor >= 64 || !(devs & (1ull << dev->minor))))
		return false;
	if (!x) {
		plat_random_bytes(&x, sizeof(x));
		x |= 1;
	}
	/* xorshift64: fault injection needs speed, not strength. */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	if (x % 100 >= __atomic_load_n(&eng->fault_rate, __ATOMIC_RELAXED))
		return false;
	__atomic_add_fetch(&eng->faults_injected, 1, __ATOMIC_RELAXED);
	return true;
}

void engine_state_changed(struct engine *eng)
{
	eng->state_gen++;
	plat_cond_broadcast(&eng->state_changed);
}

void engine_kick_worker(struct engine *eng)
{
	plat_mutex_lock(&eng->lock);
	plat_cond_broadcast(&eng->worker_wake);
	plat_mutex_unlock(&eng->lock);
}

/* Detaches the devices whose disk failed; returns one whose
 * local-io-error handler is due first (it detaches on the next pass).
 * eng->lock held. */
static struct device *failed_device_step(struct engine *eng)
{
	for (struct resource *r = eng->resources; r; r = r->next)
		for (struct device *d = r->devices; d; d = d->next) {
			if (!d->failed_pending)
				continue;
			if (d->local_io_error_due) {
				d->local_io_error_due = false;
				return d;
			}
			device_detach_failed(d);
		}
	return NULL;
}

/* The worker finishes what the I/O path may not do itself: a device whose
 * backing disk failed under on-io-error=detach is detached here, after its
 * in-flight requests have drained (the I/O path holds no engine lock). */
static void *worker_main(void *arg)
{
	struct engine *eng = arg;

	plat_mutex_lock(&eng->lock);
	while (!eng->stopping) {
		struct device *helper = failed_device_step(eng);
		if (helper) {
			/* the handler takes eng->lock itself (core/handler.h) */
			plat_mutex_unlock(&eng->lock);
			handler_run(helper->res, "local-io-error", helper, NULL);
			plat_mutex_lock(&eng->lock);
			continue;
		}
		plat_cond_timedwait(&eng->worker_wake, &eng->lock, 1000);
	}
	plat_mutex_unlock(&eng->lock);
	return NULL;
}

int engine_init(struct engine *eng)
{
	memset(eng, 0, sizeof(*eng));
	plat_mutex_init(&eng->lock);
	plat_cond_init(&eng->worker_wake);
	plat_cond_init(&eng->state_changed);
	return plat_thread_start(&eng->worker, worker_main, eng, "udrbd-worker");
}

void engine_fini(struct engine *eng)
{
	struct cmd_reply r;

	plat_mutex_lock(&eng->lock);
	while (eng->resources)
		resource_down(eng->resources, true, &r);
	eng->stopping = true;
	plat_cond_broadcast(&eng->worker_wake);
	plat_mutex_unlock(&eng->lock);
	plat_thread_join(eng->worker, NULL);
	plat_cond_destroy(&eng->state_changed);
	plat_cond_destroy(&eng->worker_wake);
	plat_mutex_destroy(&eng->lock);
}
