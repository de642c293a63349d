/* The resync-speed controller and request shaping of a SyncTarget
 * (drbd-metadata-resync.md §6.2, §6.3). Pure: the resync worker feeds it
 * what came back each 100 ms tick and gets how much to request. */
#ifndef UDRBD_CORE_RESYNC_CTRL_H
#define UDRBD_CORE_RESYNC_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#define RS_TICK_MS 100
#define RS_PLAN_MAX 300			/* c-plan-ahead max 300 (30 s) */
#define RS_EXTENT_SECT (16u << 11)	/* 16 MiB resync extent (8.4) */

/* The peer-device options it obeys; units as drbd.conf's (§6.3). */
struct rs_conf {
	uint32_t resync_rate;		/* KiB/s, fixed-rate mode */
	uint32_t c_plan_ahead;		/* 0.1 s; 0 = fixed rate */
	uint32_t c_delay_target;	/* 0.1 s */
	uint32_t c_fill_target;		/* sectors; 0 = delay-target mode */
	uint32_t c_max_rate;		/* KiB/s */
	uint32_t c_min_rate;		/* KiB/s */
};

void rs_conf_default(struct rs_conf *c);

struct rs_ctrl {
	int32_t plan[RS_PLAN_MAX];	/* FIFO, head at plan[head] */
	uint32_t steps, head;
	int64_t plan_total;
	int64_t in_flight;		/* sectors requested, not yet answered */
};

void rs_ctrl_init(struct rs_ctrl *r, const struct rs_conf *c);
/* One tick: sect_in sectors came back since the last. Returns how many
 * 4 KiB requests to issue now (§6.3 steps 1-6); the caller adds what it
 * then sends with rs_ctrl_sent. */
uint32_t rs_ctrl_tick(struct rs_ctrl *r, const struct rs_conf *c, uint32_t sect_in);
void rs_ctrl_sent(struct rs_ctrl *r, uint32_t sectors);

/* Shapes one resync request from the dirty bit `bit` (4 KiB per bit):
 * merges following dirty bits while the size stays a power of two with
 * the start aligned to it, within max_sect and one 16 MiB extent, and
 * within the device (dev_sect). test(ctx, bit) says whether a bit is set.
 * Returns the request length in sectors. */
uint32_t rs_shape_request(uint64_t bit, uint64_t dev_sect, uint32_t max_sect,
			  bool (*test)(void *ctx, uint64_t bit), void *ctx);

#endif
