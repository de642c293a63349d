/* conf/: parser, model, option checks, inheritance order and dump. The
 * expected outputs were taken from Debian's drbdadm 9.22 (the system test
 * tests/system/test_drbdadm.py compares whole corpora against it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/model.h"
#include "tests/tap.h"

static const char two_nodes[] =
	"global { usage-count no; }\n"
	"common { net { protocol C; } disk { resync-rate 1M; c-plan-ahead 0; } }\n"
	"resource r0 {\n"
	"  net { verify-alg crc32c; max-buffers 8k; }\n"
	"  volume 0 { device minor 10; disk /dev/vg/d0; meta-disk internal; }\n"
	"  volume 1 { device /dev/drbd11; disk /dev/vg/d1; meta-disk /dev/vg/md [2]; }\n"
	"  on alpha { node-id 0; address 10.0.0.1:7000; }\n"
	"  on beta { node-id 1; address ipv6 [fd00::2]:7000; }\n"
	"}\n";

static struct conf *load(const char *text, const char *host)
{
	struct conf *c = NULL;

	if (conf_load_string(text, "/t.conf", host, &c))
		return NULL;
	return c;
}

static char *dump(struct conf *c, struct conf_resource *r)
{
	FILE *f = tmpfile();
	long n;
	char *s;

	if (!f)
		return NULL;
	if (r)
		conf_dump_resource(c, r, f);
	else
		conf_dump_header(c, f);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = 0;
	fclose(f);
	return s;
}

TAP_TEST(model_of_two_nodes)
{
	struct conf *c = load(two_nodes, "alpha");
	struct conf_resource *r;
	struct conf_volume *v;

	TAP_OK(c != NULL, "parses");
	if (!c)
		return;
	r = conf_resource(c, "r0");
	TAP_OK(r && r->me && !r->ignore, "alpha is this host");
	TAP_STREQ(r->me->node_id, "0");
	v = conf_volume(&r->me->volumes, 1);
	TAP_OK(v != NULL, "volume 1 inherited into the host section");
	TAP_EQ(v->minor, 11);
	TAP_STREQ(v->meta_disk, "/dev/vg/md");
	TAP_STREQ(v->meta_index, "2");
	TAP_STREQ(r->hosts->next->addr.af, "ipv6");
	TAP_STREQ(r->hosts->next->addr.addr, "fd00::2");
	TAP_OK(r->conns && r->conns->implicit, "two hosts: one implicit connection");
	TAP_EQ(c->global.usage_count, CONF_UC_NO);
	conf_free(c);
}

/* Inherited options are put in front one by one: common's come out
 * reversed ahead of the resource's own (drbdadm's new-peer order). */
TAP_TEST(inheritance_order)
{
	struct conf *c = load(two_nodes, "alpha");
	struct conf_resource *r = c ? conf_resource(c, "r0") : NULL;
	struct conf_opt *o;
	char line[256] = "";

	if (!r) {
		TAP_OK(0, "parses");
		return;
	}
	conf_expand(c);
	conf_set_peers(c, r);
	conf_for_each(o, r->conns->net_opts.head) {
		strcat(line, o->name);
		strcat(line, "=");
		strcat(line, o->value);
		strcat(line, " ");
	}
	TAP_STREQ(line, "_name=beta max-buffers=8k verify-alg=crc32c protocol=C ");
	TAP_STREQ(r->me->volumes.head->device, "/dev/drbd10");
	o = r->conns->pds->pd_opts.head;
	TAP_OK(o && !strcmp(o->name, "c-plan-ahead"), "disk options reversed too");
	conf_free(c);
}

TAP_TEST(dump_matches_drbdadm)
{
	static const char want[] =
		"# resource r0 on alpha: not ignored, not stacked\n"
		"# defined at /t.conf:3\n"
		"resource r0 {\n"
		"    volume 0 {\n"
		"        device           minor 10;\n"
		"        disk             /dev/vg/d0;\n"
		"        meta-disk        internal;\n"
		"    }\n"
		"    volume 1 {\n"
		"        device           /dev/drbd11 minor 11;\n"
		"        disk             /dev/vg/d1;\n"
		"        meta-disk        /dev/vg/md [2];\n"
		"    }\n"
		"    on alpha {\n"
		"        node-id 0;\n"
		"        address          ipv4 10.0.0.1:7000;\n"
		"    }\n"
		"    on beta {\n"
		"        node-id 1;\n"
		"        address          ipv6 [fd00::2]:7000;\n"
		"    }\n"
		"    net {\n"
		"        verify-alg       crc32c;\n"
		"        max-buffers       8k;\n"
		"    }\n"
		"}\n\n";
	struct conf *c = load(two_nodes, "alpha");
	char *s = c ? dump(c, conf_resource(c, "r0")) : NULL;

	TAP_OK(s != NULL, "dumps");
	if (s)
		TAP_STREQ(s, want);
	free(s);
	s = c ? dump(c, NULL) : NULL;
	if (s)
		TAP_STREQ(s, "# /t.conf\nglobal {\n    usage-count no;\n}\n\ncommon {\n"
			  "    net {\n        protocol           C;\n    }\n    disk {\n"
			  "        resync-rate       1M;\n        c-plan-ahead       0;\n"
			  "    }\n}\n\n");
	free(s);
	conf_free(c);
}

TAP_TEST(other_host_ignores)
{
	struct conf *c = load(two_nodes, "gamma");

	TAP_OK(c && conf_resource(c, "r0")->ignore, "no section for gamma: ignored");
	conf_free(c);
	c = load(two_nodes, "BETA.example.com");
	TAP_OK(c && !conf_resource(c, "r0")->ignore, "host names match case-insensitively "
	       "and by their first label");
	conf_free(c);
}

static void refused(const char *text, const char *why)
{
	struct conf *c = NULL;
	int r = conf_load_string(text, "/bad.conf", "alpha", &c);

	TAP_OK(r == CONF_E_CONFIG_INVALID && !c, "%s", why);
	conf_free(c);
}

TAP_TEST(errors)
{
	refused("resource r { net { frobs 1; } }", "unknown option");
	refused("resource r { net { timeout 601; } on alpha { node-id 0; address 1.2.3.4:5; } }",
		"timeout above its maximum");
	refused("resource r { net { protocol D; } }", "enum value");
	refused("resource r { volume 0 { device minor 1; disk /d; } volume 1 { device minor 1; "
		"disk /e; } on alpha { node-id 0; address 1.2.3.4:5; } on b { node-id 1; "
		"address 1.2.3.5:5; } }", "duplicate minor");
	refused("resource r { on alpha { node-id 0; address 1.2.3.4:5; } on b { node-id 0; "
		"address 1.2.3.5:5; } }", "duplicate node-id");
	refused("resource r { on alpha { node-id 33; address 1.2.3.4:5; } }", "node-id range");
	refused("resource r { on alpha { node-id 0; address 1.2.3.4:0; } }", "port range");
	refused("resource r { handlers { split-brain \"open; } }", "unterminated string");
	refused("include \"/nonexistent/file.conf\";", "missing include");
	refused("resource r { on alpha { node-id 0; address 1.2.3.4:5; } } }", "extra brace");
	refused("resource r { connection-mesh { hosts alpha zeta; } on alpha { node-id 0; "
		"address 1.2.3.4:5; } }", "mesh names an unknown host");
}

TAP_TEST(units)
{
	unsigned long long v;

	TAP_OK(!conf_strtoull("1M", 'k', &v) && v == 1024, "1M in KiB");
	TAP_OK(!conf_strtoull("1G", '1', &v) && v == 1ULL << 30, "1G in bytes");
	TAP_OK(!conf_strtoull("3s", 'k', &v) && v == 2, "3 sectors round up to 2 KiB");
	TAP_OK(!conf_strtoull("100", 's', &v) && v == 100, "plain number in the default unit");
	TAP_OK(conf_strtoull("12q", '1', &v) != 0, "unknown suffix");
	TAP_OK(conf_strtoull("k", '1', &v) != 0, "no digits");
}

TAP_TEST(option_table)
{
	const struct conf_optdef *d;
	bool no;

	d = conf_optdef(CONF_SEC_PEER_DEVICE, "c-max-rate", NULL);
	TAP_OK(d && d->scale == 'k' && d->def == 102400, "c-max-rate in KiB/s, 100M default");
	TAP_OK(d && conf_opt_check(d, "5G") != NULL, "c-max-rate 5G is too big");
	d = conf_optdef(CONF_SEC_DISK, "no-disk-flushes", &no);
	TAP_OK(d && no && d->kind == CONF_BOOLEAN, "no- prefix");
	d = conf_optdef(CONF_SEC_DISK, "al-extents", NULL);
	TAP_OK(d && !conf_opt_check(d, "70000"), "al-extents is clamped, not refused");
	d = conf_optdef(CONF_SEC_RES, "quorum", NULL);
	TAP_OK(d && !conf_opt_check(d, "majority") && !conf_opt_check(d, "2") &&
	       conf_opt_check(d, "33"), "quorum: name or 1..32");
	d = conf_optdef(CONF_SEC_NET, "protocol", NULL);
	TAP_OK(d && !conf_opt_check(d, "c"), "protocol letters are case-insensitive");
	d = conf_optdef(CONF_SEC_NET, "shared-secret", NULL);
	TAP_OK(d && conf_opt_check(d, "0123456789012345678901234567890123456789"
				   "012345678901234567890123") != NULL, "64 bytes is too long");
}

TAP_TEST(windows_devices)
{
	static const char win[] =
		"resource w { on win { node-id 0; volume 1 { device \"K:\" minor 1; "
		"disk \"\\\\\\\\?\\\\Volume{0a5d6f3c-1f2e-4c9b-9d1a-0123456789ab}\"; "
		"meta-disk internal; } address 10.0.0.1:7000; } }";
	struct conf *c = NULL;
	struct conf_volume *v;
	int r;

	conf_set_windows(true);
	r = conf_load_string(win, "/w.conf", "win", &c);
	TAP_EQ(r, 0);
	v = c ? conf_volume(&conf_resource(c, "w")->me->volumes, 1) : NULL;
	TAP_OK(v && !strcmp(v->device, "K:") && v->minor == 1, "drive letter and minor");
	TAP_OK(v && !strcmp(v->disk, "\\\\?\\Volume{0a5d6f3c-1f2e-4c9b-9d1a-0123456789ab}"),
	       "volume GUID path unescaped");
	conf_free(c);
	c = NULL;
	/* WinDRBD refuses /dev names for this host; Linux refuses drive letters. */
	TAP_EQ(conf_load_string(two_nodes, "/t.conf", "alpha", &c), CONF_E_CONFIG_INVALID);
	conf_set_windows(false);
	TAP_EQ(conf_load_string(win, "/w.conf", "win", &c), CONF_E_CONFIG_INVALID);
}

int main(void)
{
	/* The Linux grammar (/dev/drbdN) unless a test says otherwise. */
	conf_set_windows(false);
	return tap_run();
}
