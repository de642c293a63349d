/* The size two peers agree on (core/size.c, drbd-wire-protocol.md §6.8).
 * The kernel interop scenario "sizes" found udrbd keeping its own, larger
 * size against a kernel 8.4 on a 40 MiB disk: its resync asked for
 * sectors 79872+2048, past the kernel's 81840, and the kernel dropped the
 * connection ("error receiving RSDataRequest, e: -22"). */
#include "core/size.h"
#include "tests/tap.h"
#include "wire/config.h"

/* The kernel's P_SIZES payload in that scenario (no FF_WSAME, 32 bytes):
 * d_size 81840, u_size 0, c_size 81840, max_bio_size 1 MiB. */
static const uint8_t kernel_sizes[32] = {
	0, 0, 0, 0, 0, 0x01, 0x3f, 0xb0,	/* d_size */
	0, 0, 0, 0, 0, 0, 0, 0,			/* u_size */
	0, 0, 0, 0, 0, 0x01, 0x3f, 0xb0,	/* c_size */
	0, 0x10, 0, 0, 0, 0, 0, 0,		/* max_bio_size, order, dds */
};

TAP_TEST(larger_side_takes_the_kernels_size)
{
	struct wire_proto p = { .apv = 101 };
	struct wire_sizes sz;

	TAP_EQ(wire_sizes_decode(&p, kernel_sizes, sizeof(kernel_sizes), &sz), 0);
	TAP_EQ_U64(sz.d_size, 81840);
	/* udrbd on 64 MiB: 130992 usable sectors, agreed so far with itself */
	TAP_EQ_U64(size_agreed(130992, 0, 130992, sz.d_size, sz.u_size), 81840);
	/* and the kernel, with udrbd's d_size, reaches the same */
	TAP_EQ_U64(size_agreed(sz.d_size, 0, 81840, 130992, 0), 81840);
}

TAP_TEST(attach_keeps_the_last_agreed_size)
{
	/* udrbd's 64 MiB disk attached again after agreeing on the kernel's
	 * 81840 sectors: no peer yet, the agreed size stays */
	TAP_EQ_U64(size_agreed(130992, 0, 81840, 0, 0), 81840);
	/* fresh meta data (la-size 0): the whole disk */
	TAP_EQ_U64(size_agreed(130992, 0, 0, 0, 0), 130992);
	/* a user size below it */
	TAP_EQ_U64(size_agreed(130992, 65536, 0, 0, 0), 65536);
}

TAP_TEST(user_size_caps_both)
{
	TAP_EQ_U64(size_agreed(130992, 0, 0, 98224, 65536), 65536);
	TAP_EQ_U64(size_agreed(130992, 40960, 0, 98224, 65536), 40960);
	TAP_EQ_U64(size_agreed(130992, 200000, 0, 98224, 0), 98224);
}

TAP_TEST(diskless_side_uses_last_agreed)
{
	/* the peer diskless: the last agreed size, capped by our disk */
	TAP_EQ_U64(size_agreed(130992, 0, 98224, 0, 0), 98224);
	TAP_EQ_U64(size_agreed(81840, 0, 98224, 0, 0), 81840);
	/* nothing agreed before: whichever side has a disk */
	TAP_EQ_U64(size_agreed(0, 0, 0, 81840, 0), 81840);
	TAP_EQ_U64(size_agreed(0, 0, 0, 0, 0), 0);
}

int main(void)
{
	return tap_run();
}
