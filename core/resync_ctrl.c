/* Resync pacing and request shaping (core/resync_ctrl.h). The controller
 * keeps a plan of `steps` future ticks and spreads each correction over it,
 * so the amount in flight converges on c-fill-target (or on the rate that
 * keeps c-delay-target of latency) without oscillating (§6.3). */
#include "core/resync_ctrl.h"

#include <string.h>

void rs_conf_default(struct rs_conf *c)
{
	/* drbd.conf defaults (§6.3). */
	c->resync_rate = 250;
	c->c_plan_ahead = 20;
	c->c_delay_target = 10;
	c->c_fill_target = 100;
	c->c_max_rate = 102400;
	c->c_min_rate = 250;
}

void rs_ctrl_init(struct rs_ctrl *r, const struct rs_conf *c)
{
	memset(r, 0, sizeof(*r));
	r->steps = c->c_plan_ahead > RS_PLAN_MAX ? RS_PLAN_MAX : c->c_plan_ahead;
}

/* KiB/s over one 100 ms tick, in sectors: x 2 sectors/KiB x 0.1 s. */
static int64_t per_tick_sect(uint32_t kib_per_s)
{
	return (int64_t)kib_per_s * 2 / 10;
}

static int32_t plan_pop(struct rs_ctrl *r)
{
	int32_t v = r->plan[r->head];

	r->plan[r->head] = 0; /* the tail gets a fresh, empty slot */
	r->head = (r->head + 1) % r->steps;
	r->plan_total -= v;
	return v;
}

static int64_t planned_sectors(struct rs_ctrl *r, const struct rs_conf *c,
			       uint32_t sect_in)
{
	int64_t want, correction, cps, req;

	if (r->in_flight + sect_in == 0)
		/* Start: what the fixed rate would move over the whole plan. */
		want = per_tick_sect(c->resync_rate) * r->steps;
	else if (c->c_fill_target)
		want = c->c_fill_target;
	else
		want = (int64_t)sect_in * c->c_delay_target;
	correction = want - r->in_flight - r->plan_total;
	cps = correction / (int64_t)r->steps; /* truncates toward zero, as C does */
	for (uint32_t i = 0; i < r->steps; i++)
		r->plan[i] += (int32_t)cps;
	r->plan_total += cps * r->steps;
	req = (int64_t)sect_in + plan_pop(r);
	if (req < 0)
		req = 0;
	if (req > per_tick_sect(c->c_max_rate))
		req = per_tick_sect(c->c_max_rate);
	return req;
}

uint32_t rs_ctrl_tick(struct rs_ctrl *r, const struct rs_conf *c, uint32_t sect_in)
{
	r->in_flight -= sect_in;
	if (r->in_flight < 0)
		r->in_flight = 0;
	if (!r->steps)
		/* Fixed rate: resync-rate x 0.1 s in 4 KiB requests. */
		return c->resync_rate / 10 / 4;
	return (uint32_t)(planned_sectors(r, c, sect_in) / 8);
}

void rs_ctrl_sent(struct rs_ctrl *r, uint32_t sectors)
{
	r->in_flight += sectors;
}

uint32_t rs_shape_request(uint64_t bit, uint64_t dev_sect, uint32_t max_sect,
			  bool (*test)(void *ctx, uint64_t bit), void *ctx)
{
	uint64_t nbits = 1, sector = bit * 8;

	/* Double while the start stays aligned to the doubled size and every
	 * bit of the added half is dirty (§6.2 a-c). */
	for (;;) {
		uint64_t next = nbits * 2, end = (bit + next) * 8;
		bool ok = (bit % next) == 0 && next * 8 <= max_sect &&
			  sector / RS_EXTENT_SECT == (end - 1) / RS_EXTENT_SECT &&
			  end <= ((dev_sect + 7) / 8) * 8;
		for (uint64_t b = bit + nbits; ok && b < bit + next; b++)
			ok = test(ctx, b);
		if (!ok)
			break;
		nbits = next;
	}
	/* The last request is trimmed to the device end. */
	if (sector + nbits * 8 > dev_sect)
		return (uint32_t)(dev_sect - sector);
	return (uint32_t)(nbits * 8);
}
