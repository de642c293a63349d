/* Cluster-wide state changes we ask for (drbd-wire-protocol.md §14): 8.4
 * asks its peer before it enters VerifyS or StartingSyncS/T, and the peer
 * answers on the meta socket with an SS_* code. One request at a time per
 * connection; the asking thread (a drbdsetup command) sleeps on
 * repl_cond until the meta thread hands it the answer. */
#include "core/conn_int.h"
#include "wire/config.h"

int conn_request_state(struct connection *c, struct peer_device *pd, uint32_t mask,
		       uint32_t val)
{
	struct wire_req_state req = { mask, val };
	uint8_t buf[WIRE_HEADER_MAX + 8];
	/* 8.4 waits for the answer as long as the connection lives; we give
	 * it the net timeout, twice over (it is in 0.1 s). */
	uint64_t end = plat_now_ns() + (uint64_t)c->conf.timeout * 200000000ull;
	int n, rv;

	plat_mutex_lock(&c->repl_lock);
	if (c->sr_waiting) {
		plat_mutex_unlock(&c->repl_lock);
		return SS_CONCURRENT_ST_CHG;
	}
	c->sr_waiting = true;
	c->sr_answered = false;
	plat_mutex_unlock(&c->repl_lock);

	n = wire_req_state_encode(&c->proto, P_STATE_CHG_REQ, (uint16_t)pd->dev->volume, &req,
				  buf, sizeof(buf));
	rv = n < 0 || conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n) ? SS_NEED_CONNECTION : 0;

	plat_mutex_lock(&c->repl_lock);
	while (!rv && !c->sr_answered) {
		if (plat_now_ns() >= end) {
			rv = SS_TIMEOUT;
			break;
		}
		plat_cond_timedwait(&c->repl_cond, &c->repl_lock, 100);
	}
	if (!rv)
		rv = c->sr_result;
	c->sr_waiting = false;
	plat_mutex_unlock(&c->repl_lock);
	return rv;
}

int conn_rx_state_reply(struct connection *c, const uint8_t *pl, uint32_t len)
{
	int32_t rv;

	if (wire_req_state_reply_decode(pl, len, &rv))
		return -EPROTO;
	plat_mutex_lock(&c->repl_lock);
	if (c->sr_waiting) {
		c->sr_result = rv;
		c->sr_answered = true;
		plat_cond_broadcast(&c->repl_cond);
	} else {
		plat_warn("%s %s: a state change reply (%d) nobody asked for", c->res->name,
			  c->conf.name, rv);
	}
	plat_mutex_unlock(&c->repl_lock);
	return 0;
}

void conn_state_req_cancel(struct connection *c)
{
	plat_mutex_lock(&c->repl_lock);
	if (c->sr_waiting && !c->sr_answered) {
		c->sr_result = SS_NEED_CONNECTION;
		c->sr_answered = true;
		plat_cond_broadcast(&c->repl_cond);
	}
	plat_mutex_unlock(&c->repl_lock);
}
