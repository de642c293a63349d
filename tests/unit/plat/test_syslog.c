/* RFC 5424 syslog: the exact datagram, and one sent through plat_log. */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

size_t plat_syslog_format(char *out, size_t len, int level,
			  const struct plat_walltime *t, const char *host,
			  const char *app, uint32_t pid, const char *msg);

TAP_TEST(format_utc)
{
	/* 2009-02-13T23:31:30Z is Unix time 1234567890. */
	struct plat_walltime t = { 1234567890, 42, 0 };
	char out[512];
	size_t n;

	n = plat_syslog_format(out, sizeof(out), PLAT_LOG_WARNING, &t, "node-a",
			       "udrbd", 4711, "r0: disk failed");
	TAP_STREQ(out, "<28>1 2009-02-13T23:31:30.000042+00:00 node-a udrbd 4711 - - "
		       "r0: disk failed");
	TAP_EQ(n, strlen(out));
}

TAP_TEST(format_offset_and_odd_tokens)
{
	/* Local time east and west of UTC, across midnight and a leap day. */
	struct plat_walltime east = { 951782400 - 1, 999999, 90 };
	struct plat_walltime west = { 951782400 + 60, 0, -330 };
	char out[512];

	plat_syslog_format(out, sizeof(out), PLAT_LOG_ERR, &east, "my host", "", 1, "m");
	TAP_STREQ(out, "<27>1 2000-02-29T01:29:59.999999+01:30 my_host - 1 - - m");
	plat_syslog_format(out, sizeof(out), PLAT_LOG_DEBUG, &west, NULL, "app", 2, "");
	TAP_STREQ(out, "<31>1 2000-02-28T18:31:00.000000-05:30 - app 2 - - ");
}

TAP_TEST(format_truncates)
{
	struct plat_walltime t = { 0, 0, 0 };
	char out[20];

	TAP_EQ(plat_syslog_format(out, sizeof(out), 6, &t, "h", "a", 1, "m"), 19);
	TAP_STREQ(out, "<30>1 1970-01-01T00");
}

/* PRI, VERSION and APP-NAME of a received datagram. */
static void check_datagram(const char *d)
{
	char app[64] = "", msg[256] = "";
	int pri = -1, ver = -1;

	TAP_EQ(sscanf(d, "<%d>%d %*s %*s %63s %*s - - %255[^\n]", &pri, &ver, app, msg), 4);
	TAP_EQ(pri, 3 * 8 + PLAT_LOG_NOTICE);
	TAP_EQ(ver, 1);
	TAP_STREQ(app, "udrbd-test");
	TAP_STREQ(msg, "hello syslog 7");
}

TAP_TEST(log_sends_udp)
{
	char buf[2048];
	plat_sock r;
	uint16_t port = 0;
	long n;

	TAP_EQ(plat_udp_bind("127.0.0.1", 0, &r), 0);
	TAP_EQ(plat_sock_local_port(r, &port), 0);
	TAP_EQ(plat_log_syslog_udp("127.0.0.1", port), 0);
	plat_log_set_ident("udrbd-test");
	plat_notice("hello syslog %d", 7);
	TAP_EQ(plat_sock_wait_readable(r, 10000), 1);
	n = plat_sock_recv_some(r, buf, sizeof(buf) - 1);
	TAP_OK(n > 0, "received %ld", n);
	buf[n > 0 ? n : 0] = 0;
	check_datagram(buf);
	plat_sock_close(r);
}

int main(void)
{
	plat_init();
	return tap_run();
}
