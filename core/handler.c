/* The usermode helper calls (core/handler.h). A call copies what the
 * helper's environment needs under eng->lock, then runs the helper
 * without it, on its own thread unless the caller waits. */
#include "core/handler.h"
#include "core/uuid84.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HANDLER_ENV_MAX 64
#define HANDLER_HISTORY 64

struct handler_job {
	struct engine *eng;
	char prog[HANDLER_PROGRAM_MAX];
	char name[HANDLER_NAME_MAX];
	char res[RES_NAME_MAX];
	char where[RES_NAME_MAX + CONN_NAME_MAX + 16];	/* log prefix */
	char envbuf[4096];
	size_t envlen;
	char *envp[HANDLER_ENV_MAX + 1];
	size_t nenv;
	struct handler_event ev;
};

static char program[HANDLER_PROGRAM_MAX] = "drbdadm";

/* Under eng->lock: the event history and the helpers still running. */
static struct handler_event history[HANDLER_HISTORY];
static uint64_t last_seq;
static unsigned running;

void handler_set_program(const char *path)
{
	snprintf(program, sizeof(program), "%s", path);
}

const char *handler_program(void)
{
	return program;
}

static void env_add(struct handler_job *j, const char *fmt, ...) PLAT_PRINTF(2, 3);
static void env_add(struct handler_job *j, const char *fmt, ...)
{
	size_t room = sizeof(j->envbuf) - j->envlen;
	va_list ap;
	int n;

	if (j->nenv >= HANDLER_ENV_MAX)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->envbuf + j->envlen, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return;
	j->envp[j->nenv++] = j->envbuf + j->envlen;
	j->envlen += (size_t)n + 1;
}

static void env_device(struct handler_job *j, const struct device *d, bool indexed)
{
	if (indexed) {
		env_add(j, "DRBD_MINOR_%u=%u", d->volume, d->minor);
		if (d->md && d->backing_path)
			env_add(j, "DRBD_BACKING_DEV_%u=%s", d->volume, d->backing_path);
		return;
	}
	env_add(j, "DRBD_MINOR=%u", d->minor);
	env_add(j, "DRBD_VOLUME=%u", d->volume);
	if (d->md && d->backing_path)
		env_add(j, "DRBD_BACKING_DEV=%s", d->backing_path);
}

static void env_connection(struct handler_job *j, const struct connection *c, bool alone)
{
	const struct path *p = c->paths;

	if (p) {
		env_add(j, "DRBD_MY_ADDRESS=%s", p->local_host);
		env_add(j, "DRBD_MY_AF=%s", p->ipv6 ? "ipv6" : "ipv4");
		env_add(j, "DRBD_PEER_ADDRESS=%s", p->peer_host);
		env_add(j, "DRBD_PEER_AF=%s", p->ipv6 ? "ipv6" : "ipv4");
	}
	env_add(j, "DRBD_PEER_NODE_ID=%d", c->peer_node_id);
	/* DRBD decides on the UUIDs once Connected; our cstate says so only
	 * after the handshake. */
	env_add(j, "DRBD_CSTATE=%s",
		drbd_conn_state_name(c->handshaking ? C_CONNECTED : c->cstate));
	for (const struct peer_device *pd = c->peer_devices; alone && pd; pd = pd->next)
		env_device(j, pd->dev, true);
}

/* Under eng->lock: everything the helper's thread needs, copied. */
static void job_prepare(struct handler_job *j, struct resource *res, const char *name,
			struct device *dev, struct connection *c)
{
	struct handler_event *e = &j->ev;

	j->eng = res->eng;
	snprintf(j->prog, sizeof(j->prog), "%s", program);
	snprintf(j->name, sizeof(j->name), "%s", name);
	snprintf(j->res, sizeof(j->res), "%s", res->name);
	/* The object DRBD names its log line after (magic_printk). */
	if (dev && c)
		snprintf(j->where, sizeof(j->where), "%s/%u %s", res->name, dev->volume,
			 c->conf.name);
	else if (dev)
		snprintf(j->where, sizeof(j->where), "%s/%u", res->name, dev->volume);
	else
		snprintf(j->where, sizeof(j->where), "%s %s", res->name, c ? c->conf.name : "");
	if (dev)
		env_device(j, dev, false);
	if (c)
		env_connection(j, c, !dev);
	j->envp[j->nenv] = NULL;

	snprintf(e->resource, sizeof(e->resource), "%s", res->name);
	snprintf(e->conn_name, sizeof(e->conn_name), "%s", c ? c->conf.name : "");
	e->peer_node_id = c ? c->peer_node_id : -1;
	e->volume = dev ? (int)dev->volume : -1;
	e->minor = dev ? (int)dev->minor : -1;
	snprintf(e->helper, sizeof(e->helper), "%s", name);
}

static void record(struct handler_job *j, bool response, unsigned status)
{
	struct handler_event *e;

	plat_mutex_lock(&j->eng->lock);
	e = &history[last_seq % HANDLER_HISTORY];
	*e = j->ev;
	e->seq = ++last_seq;
	e->response = response;
	e->status = status;
	engine_state_changed(j->eng);
	plat_mutex_unlock(&j->eng->lock);
}

/* drbd_khelper's log lines and events; the exit code, 0 when the helper
 * could not run (DRBD ignores that case too). */
static int job_exec(struct handler_job *j)
{
	char *argv[] = { j->prog, j->name, j->res, NULL };
	int code = 0, err;

	plat_info("%s: helper command: %s %s", j->where, j->prog, j->name);
	record(j, false, 0);
	err = plat_spawn_env(argv, j->envp, &code);
	if (err) {
		plat_err("%s: could not call %s user-space helper %s: %s", j->where, j->name,
			 j->prog, plat_strerror(err));
		code = 0;
	} else if (code) {
		plat_warn("%s: helper command: %s %s exit code %d (0x%x)", j->where, j->prog,
			  j->name, code, (unsigned)code << 8);
	} else {
		plat_info("%s: helper command: %s %s exit code 0", j->where, j->prog, j->name);
	}
	record(j, true, (unsigned)code << 8);
	return code;
}

static struct handler_job *job_new(struct resource *res, const char *name,
				   struct device *dev, struct connection *c)
{
	struct handler_job *j;

	if (!strcmp(program, "disabled") || !(j = calloc(1, sizeof(*j))))
		return NULL;
	plat_mutex_lock(&res->eng->lock);
	job_prepare(j, res, name, dev, c);
	running++;
	plat_mutex_unlock(&res->eng->lock);
	return j;
}

static void job_end(struct handler_job *j)
{
	struct engine *eng = j->eng;

	free(j);
	plat_mutex_lock(&eng->lock);
	running--;
	engine_state_changed(eng);
	plat_mutex_unlock(&eng->lock);
}

static void *job_thread(void *arg)
{
	struct handler_job *j = arg;

	job_exec(j);
	job_end(j);
	return NULL;
}

int handler_run(struct resource *res, const char *name, struct device *dev,
		struct connection *c)
{
	struct handler_job *j = job_new(res, name, dev, c);
	struct plat_thread *t;
	int err;

	if (!j)
		return strcmp(program, "disabled") ? -ENOMEM : 0;
	err = plat_thread_start(&t, job_thread, j, "udrbd-helper");
	if (err) {
		plat_err("%s: cannot start the %s helper: %s", j->where, name,
			 plat_strerror(err));
		job_end(j);
		return err;
	}
	plat_thread_detach(t);
	return 0;
}

int handler_call(struct resource *res, const char *name, struct device *dev,
		 struct connection *c)
{
	struct handler_job *j = job_new(res, name, dev, c);
	int code;

	if (!j)
		return 0;
	code = job_exec(j);
	job_end(j);
	return code;
}

void handler_after_handshake(struct connection *c, struct device *dev,
			     const struct hs_decision *dec)
{
	/* DRBD waits for initial-split-brain (its khelper runs synchronously),
	 * so it always comes before split-brain. */
	if (dec->split_brain)
		handler_call(c->res, "initial-split-brain", dev, c);
	if (dec->split_brain_unresolved)
		handler_run(c->res, "split-brain", dev, c);
	/* rr-conflict's call-pri-lost names the other helper (§5). */
	if (dec->call_pri_lost)
		handler_run(c->res, dec->split_brain ? "pri-lost-after-sb" : "pri-lost", dev, c);
}

void handler_drain(struct engine *eng)
{
	plat_mutex_lock(&eng->lock);
	while (running)
		plat_cond_wait(&eng->state_changed, &eng->lock);
	plat_mutex_unlock(&eng->lock);
}

uint64_t handler_last_event(void)
{
	return last_seq;
}

size_t handler_events_since(uint64_t *seq, struct handler_event *ev, size_t max)
{
	uint64_t from = *seq + 1, first_kept;
	size_t n = 0;

	first_kept = last_seq > HANDLER_HISTORY ? last_seq - HANDLER_HISTORY + 1 : 1;
	if (from < first_kept)
		from = first_kept;
	for (; from <= last_seq && n < max; from++)
		ev[n++] = history[(from - 1) % HANDLER_HISTORY];
	if (n)
		*seq = ev[n - 1].seq;
	return n;
}
