/* The resync controller against the worked example of
 * drbd-metadata-resync.md §6.3, and request shaping per §6.2. */
#include "core/resync_ctrl.h"
#include "tests/tap.h"

TAP_TEST(worked_example_fill_mode)
{
	struct rs_conf c;
	struct rs_ctrl r;
	uint32_t n;

	rs_conf_default(&c);
	rs_ctrl_init(&r, &c);
	/* tick 1: want 1000, 50 per slot, pop 50 -> 6 requests (48 sectors) */
	n = rs_ctrl_tick(&r, &c, 0);
	TAP_EQ(n, 6);
	TAP_EQ(r.plan_total, 950);
	rs_ctrl_sent(&r, n * 8);
	/* tick 2: all 48 came back; want 100; cps -42; pop 8; 56 -> 7 */
	n = rs_ctrl_tick(&r, &c, 48);
	TAP_EQ(n, 7);
	TAP_EQ(r.plan_total, 102);
	TAP_EQ(r.in_flight, 0);
}

TAP_TEST(fixed_rate_mode)
{
	struct rs_conf c;
	struct rs_ctrl r;

	rs_conf_default(&c);
	c.c_plan_ahead = 0;
	c.resync_rate = 102400; /* 100 MiB/s: 10 MiB per tick */
	rs_ctrl_init(&r, &c);
	TAP_EQ(rs_ctrl_tick(&r, &c, 0), 2560);
}

TAP_TEST(converges_on_fill_target_and_respects_max_rate)
{
	struct rs_conf c;
	struct rs_ctrl r;

	rs_conf_default(&c);
	c.c_fill_target = 2048; /* 1 MiB in flight */
	rs_ctrl_init(&r, &c);
	/* A peer that answers each tick's requests two ticks later: what is
	 * in flight settles near the fill target instead of growing. */
	uint32_t sent[3] = { 0 };
	for (int t = 0; t < 200; t++) {
		uint32_t n = rs_ctrl_tick(&r, &c, sent[t % 3]);
		TAP_OK(n * 8 <= c.c_max_rate * 2 / 10, "above c-max-rate at tick %d", t);
		rs_ctrl_sent(&r, n * 8);
		sent[t % 3] = n * 8;
	}
	TAP_OK(r.in_flight >= 1024 && r.in_flight <= 4096,
	       "in flight %lld not near the fill target", (long long)r.in_flight);
}

static const uint8_t *dirty;

static bool test_bit(void *ctx, uint64_t bit)
{
	(void)ctx;
	return dirty[bit];
}

TAP_TEST(request_shaping)
{
	static uint8_t bits[8192];

	dirty = bits;
	for (int i = 0; i < 8192; i++)
		bits[i] = 1;
	/* all dirty: 1 MiB max, aligned */
	TAP_EQ(rs_shape_request(0, 1u << 30, 2048, test_bit, NULL), 2048);
	/* start at bit 3: alignment keeps it at 4 KiB */
	TAP_EQ(rs_shape_request(3, 1u << 30, 2048, test_bit, NULL), 8);
	/* bit 4: aligned to 4 bits, then 8 bits at bit 0 would not be aligned */
	TAP_EQ(rs_shape_request(4, 1u << 30, 2048, test_bit, NULL), 32);
	/* a clean bit stops merging */
	bits[2] = 0;
	TAP_EQ(rs_shape_request(0, 1u << 30, 2048, test_bit, NULL), 16);
	bits[2] = 1;
	/* never across a 16 MiB resync extent: bits 4096.. start a new one */
	TAP_EQ(rs_shape_request(4096 - 256, 1u << 30, 1u << 20, test_bit, NULL), 2048);
	/* trimmed to the device end: 9 sectors -> bits 0 and 1, 9 sectors */
	TAP_EQ(rs_shape_request(0, 9, 2048, test_bit, NULL), 9);
}

int main(void)
{
	return tap_run();
}
