/* Clocks, randomness, host facts and error strings. */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

TAP_TEST(monotonic_never_goes_back)
{
	uint64_t prev = plat_now_ns(), now;

	for (int i = 0; i < 100000; i++) {
		now = plat_now_ns();
		if (now < prev)
			break;
		prev = now;
	}
	TAP_OK(now >= prev, "plat_now_ns went back");
}

TAP_TEST(sleep_advances_monotonic)
{
	uint64_t t0 = plat_now_ns();

	plat_sleep_ms(20);
	TAP_OK(plat_now_ns() - t0 >= 15000000u, "a 20 ms sleep moved the clock");
}

TAP_TEST(walltime_is_plausible)
{
	struct plat_walltime t;

	plat_walltime(&t);
	/* After 2024-01-01 and within a day's offset of UTC. */
	TAP_OK(t.sec > 1704067200, "sec %lld", (long long)t.sec);
	TAP_OK(t.usec < 1000000u, "usec %u", t.usec);
	TAP_OK(t.utc_offset_min > -24 * 60 && t.utc_offset_min < 24 * 60,
	       "offset %d", t.utc_offset_min);
}

TAP_TEST(random_bytes_differ)
{
	uint8_t a[64] = { 0 }, b[64] = { 0 }, zero[64] = { 0 };

	TAP_EQ(plat_random_bytes(a, sizeof(a)), 0);
	TAP_EQ(plat_random_bytes(b, sizeof(b)), 0);
	TAP_OK(memcmp(a, b, sizeof(a)) != 0, "two draws are equal");
	TAP_OK(memcmp(a, zero, sizeof(a)) != 0, "a draw is all zero");
}

TAP_TEST(hostname_and_pid)
{
	char host[256] = "";

	TAP_EQ(plat_hostname(host, sizeof(host)), 0);
	TAP_OK(host[0] != 0, "empty host name");
	TAP_OK(plat_pid() != 0, "pid 0");
}

TAP_TEST(strerror_knows_network_codes)
{
	/* mingw's C runtime says "Unknown error" for these. */
	TAP_STREQ(plat_strerror(-ETIMEDOUT), "Connection timed out");
	TAP_STREQ(plat_strerror(-ECONNRESET), "Connection reset by peer");
	TAP_STREQ(plat_strerror(-EOPNOTSUPP), "Operation not supported");
	TAP_STREQ(plat_strerror(-ENOENT), "No such file or directory");
	TAP_OK(plat_strerror(-123456) != NULL, "never NULL");
}

TAP_TEST(init_again_is_harmless)
{
	TAP_EQ(plat_init(), 0);
}

int main(void)
{
	plat_init();
	return tap_run();
}
