/* `drbdsetup show` and `show --json` against the drbd9-cli captures. */
#include <errno.h>

#include "ctl/fmt.h"
#include "golden.h"
#include "scenarios.h"

static void check(struct fixture *f, const char *dir)
{
	const struct ctl_resource *res[] = { &f->res };
	struct strbuf sb = STRBUF_INIT;
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/show.out", dir);
	TAP_EQ(ctl_fmt_show(&sb, res, 1, NULL, &(struct ctl_show_opts){ 0 }), 0);
	GOLDEN_CHECK(&sb, rel);
	strbuf_reset(&sb);
	snprintf(rel, sizeof(rel), "%s/show-json.out", dir);
	TAP_EQ(ctl_fmt_show(&sb, res, 1, NULL,
			    &(struct ctl_show_opts){ .json = true }), 0);
	GOLDEN_CHECK(&sb, rel);
	TAP_OK(!strbuf_failed(&sb), "out of memory");
	strbuf_free(&sb);
}

#define MOMENT(fn, dir)                                                       \
	TAP_TEST(fn)                                                          \
	{                                                                     \
		struct fixture f;                                             \
                                                                              \
		if (!golden_available())                                      \
			return;                                               \
		sc_##fn(&f);                                                  \
		check(&f, dir);                                               \
	}

SC_SHOW_MOMENTS(MOMENT)

/* net { cram-hmac-alg sha256; shared-secret "cap9-secret"; } */
TAP_TEST(s05_a_05_cram_hmac)
{
	struct fixture f;
	struct ctl_connection *c;

	if (!golden_available())
		return;
	fx_init(&f, 'a', D_UP_TO_DATE);
	c = fx_conn(&f, 'a', 'b', C_CONNECTED, L_ESTABLISHED,
		    D_UP_TO_DATE);
	ctl_peer_device_opts_default(&f.pd[0].opts);
	snprintf(c->opts.cram_hmac_alg, sizeof(c->opts.cram_hmac_alg), "sha256");
	snprintf(c->opts.shared_secret, sizeof(c->opts.shared_secret), "cap9-secret");
	check(&f, "s05-cram-hmac-auth/a/05-auth-ok-connected-uptodate");
}

/* net { verify-alg sha256; }, seen from node b. */
TAP_TEST(s06_b_08_verify_alg)
{
	struct fixture f;
	struct ctl_connection *c;

	if (!golden_available())
		return;
	fx_init(&f, 'b', D_UP_TO_DATE);
	c = fx_conn(&f, 'b', 'a', C_CONNECTED, L_ESTABLISHED,
		    D_UP_TO_DATE);
	snprintf(c->opts.verify_alg, sizeof(c->opts.verify_alg), "sha256");
	check(&f, "s06-verify/b/08-connected-before-verify");
}

TAP_TEST(nothing_configured)
{
	struct strbuf sb = STRBUF_INIT;

	if (!golden_available())
		return;
	TAP_EQ(ctl_fmt_show(&sb, NULL, 0, NULL, &(struct ctl_show_opts){ 0 }), 0);
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/drbdsetup-show.out");
	strbuf_reset(&sb);
	TAP_EQ(ctl_fmt_show(&sb, NULL, 0, NULL,
			    &(struct ctl_show_opts){ .json = true }), 0);
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/drbdsetup-show-json.out");
	strbuf_free(&sb);
}

/* Options away from their defaults, with --show-defaults' comments. */
TAP_TEST(option_rendering)
{
	struct fixture f;
	struct strbuf sb = STRBUF_INIT;
	const struct ctl_resource *res[] = { &f.res };
	const char *s;

	fx_init(&f, 'a', D_UP_TO_DATE);
	fx_conn(&f, 'a', 'b', C_CONNECTED, L_ESTABLISHED, D_UP_TO_DATE);
	f.conn[0].opts.protocol = CTL_PROT_A;
	f.conn[0].opts.two_primaries = true;
	snprintf(f.conn[0].opts.shared_secret, CTL_ALG_LEN, "a\"b\\c");
	f.dev.opts.resync_after = 3;
	f.dev.opts.disk_size = 2048;
	f.res.opts.quorum = 2;
	TAP_EQ(ctl_fmt_show(&sb, res, 1, "r0", &(struct ctl_show_opts){ 0 }), 0);
	s = strbuf_str(&sb);
	TAP_OK(strstr(s, "        quorum          \t2;\n"), "quorum count: %s", s ? s : "(null)");
	TAP_OK(strstr(s, "            protocol        \tA;\n"), "protocol");
	TAP_OK(strstr(s, "            allow-two-primaries\tyes;\n"), "bool");
	TAP_OK(strstr(s, "            shared-secret   \t\"a\\\"b\\\\c\";\n"), "quoting");
	TAP_OK(strstr(s, "                size            \t2048s; # bytes\n"), "size");
	TAP_OK(strstr(s, "                resync-after    \t3;\n"), "signed");
	strbuf_reset(&sb);
	TAP_EQ(ctl_fmt_show(&sb, res, 1, NULL,
			    &(struct ctl_show_opts){ .show_defaults = true }), 0);
	TAP_OK(strstr(strbuf_str(&sb), "ping-timeout    \t5; # 1/10 seconds, default\n"),
	       "default comment");
	TAP_OK(strstr(strbuf_str(&sb), "max-io-depth    \t8000; # default\n"), "default");
	strbuf_reset(&sb);
	TAP_EQ(ctl_fmt_show(&sb, res, 1, "nosuch", &(struct ctl_show_opts){ 0 }),
	       -ENOENT);
	strbuf_free(&sb);
}

int main(void)
{
	return tap_run();
}
