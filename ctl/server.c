/* Control server: accepts drbdsetup clients on the control channel. */
#include "ctl/ctl.h"
#include "ctl/proto.h"

#include <stdlib.h>
#include <string.h>

struct ctl_server {
	struct engine *eng;
	struct plat_chan *listener;
	struct plat_thread *thread;
	bool stopping;
};

int ctl_flush(struct ctl_req *q)
{
	int err = 0;

	if (q->out.len)
		err = ctl_send_frame(q->chan, CTL_FRAME_STDOUT, q->out.buf, (uint32_t)q->out.len);
	if (!err && q->err.len)
		err = ctl_send_frame(q->chan, CTL_FRAME_STDERR, q->err.buf, (uint32_t)q->err.len);
	strbuf_reset(&q->out);
	strbuf_reset(&q->err);
	return err;
}

/* What a client that is not an administrator may run (the pipe's ACL
 * in plat/win32/chan.c lets it in for these): WinDRBD allows the same
 * to non-admins (windrbd-facts.md §1.1). */
static bool may_run(struct ctl_req *q)
{
	static const char *const read_only[] = { "status", "events2", "show" };

	if (plat_chan_peer_admin(q->chan))
		return true;
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		if (q->argc >= 2 && !strcmp(q->argv[1], read_only[i]))
			return true;
	plat_notice("control: refused '%s' to a client that is not an administrator",
		    q->argc >= 2 ? q->argv[1] : "");
	strbuf_printf(&q->err, "%s: Permission denied (only status, events2 and show are "
		      "open to non-administrators)\n", q->argc >= 2 ? q->argv[1] : "drbdsetup");
	return false;
}

static void *client_main(void *arg)
{
	struct ctl_req *q = arg;
	uint8_t code[4] = { 0 };
	int rc, err;

	err = ctl_recv_request(q->chan, &q->argc, &q->argv);
	if (err) {
		plat_warn("control: malformed request: %s", plat_strerror(err));
		goto out;
	}
	rc = may_run(q) ? ctl_dispatch(q) : 20;
	if (ctl_flush(q) == 0) {
		code[0] = (uint8_t)rc;
		code[1] = (uint8_t)(rc >> 8);
		ctl_send_frame(q->chan, CTL_FRAME_EXIT, code, sizeof(code));
	}
out:
	ctl_free_args(q->argc, q->argv);
	strbuf_free(&q->out);
	strbuf_free(&q->err);
	plat_chan_close(q->chan);
	free(q);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct ctl_server *s = arg;

	while (!s->stopping) {
		struct plat_chan *c;
		struct plat_thread *t;
		struct ctl_req *q;
		int err = plat_chan_accept(s->listener, &c);

		if (err) {
			if (s->stopping)
				break;
			plat_err("control: accept failed: %s", plat_strerror(err));
			plat_sleep_ms(100);
			continue;
		}
		q = calloc(1, sizeof(*q));
		if (!q) {
			plat_chan_close(c);
			continue;
		}
		q->eng = s->eng;
		q->chan = c;
		strbuf_init(&q->out);
		strbuf_init(&q->err);
		/* Detached by design: a client thread ends with its client. */
		if (plat_thread_start(&t, client_main, q, "udrbd-ctl")) {
			plat_chan_close(c);
			free(q);
			continue;
		}
		plat_thread_detach(t);
	}
	return NULL;
}

int ctl_server_start(struct engine *eng, const char *path, struct ctl_server **out)
{
	struct ctl_server *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->eng = eng;
	err = plat_chan_listen(path, &s->listener);
	if (err) {
		plat_err("control: cannot listen on %s: %s", path, plat_strerror(err));
		free(s);
		return err;
	}
	err = plat_thread_start(&s->thread, accept_main, s, "udrbd-ctl-acc");
	if (err) {
		plat_chan_close(s->listener);
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

void ctl_server_stop(struct ctl_server *s)
{
	if (!s)
		return;
	s->stopping = true;
	plat_chan_shutdown(s->listener);
	plat_thread_join(s->thread, NULL);
	plat_chan_close(s->listener);
	free(s);
}
