/* conf: the option table of drbd.conf sections (names, kinds, units,
 * ranges and defaults as drbd-utils 9.22 and the DRBD 9 kernel define
 * them; drbd-metadata-resync.md §8.5). Values stay strings in the model:
 * drbdadm hands them to drbdsetup as written ("8k" stays "8k"), so the
 * table only checks them. */
#include "conf/model.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const on_io_error[] = { "pass_on", "call-local-io-error", "detach", NULL };
static const char *const fencing[] = { "dont-care", "resource-only", "resource-and-stonith", NULL };
static const char *const asb0p[] = { "disconnect", "discard-younger-primary",
	"discard-older-primary", "discard-zero-changes", "discard-least-changes",
	"discard-local", "discard-remote", NULL };
static const char *const asb1p[] = { "disconnect", "consensus", "violently-as0p",
	"discard-secondary", "call-pri-lost-after-sb", NULL };
static const char *const asb2p[] = { "disconnect", "violently-as0p",
	"call-pri-lost-after-sb", NULL };
static const char *const rr_conflict[] = { "disconnect", "violently", "call-pri-lost",
	"retry-connect", "auto-discard", NULL };
static const char *const io_error_suspend[] = { "io-error", "suspend-io", NULL };
static const char *const susp_pri_outdated[] = { "disconnect", "force-secondary", NULL };
static const char *const on_congestion[] = { "block", "pull-ahead", "disconnect", NULL };
static const char *const read_balancing[] = { "prefer-local", "prefer-remote",
	"round-robin", "least-pending", "when-congested-remote", "32K-striping",
	"64K-striping", "128K-striping", "256K-striping", "512K-striping",
	"1M-striping", NULL };
static const char *const protocol[] = { "A", "B", "C", NULL };
static const char *const quorum[] = { "off", "majority", "all", NULL };

#define PEERS_MAX 32
#define SECRET_MAX 64	/* SHARED_SECRET_MAX: strings of up to 63 bytes */

#define NUM(n, s, sc, lo, hi, d, u, c) \
	{ .name = n, .section = s, .kind = CONF_NUMERIC, .scale = sc, .min = lo, \
	  .max = hi, .def = d, .unit = u, .cmd = c }
#define BOOL(n, s, d, c) \
	{ .name = n, .section = s, .kind = CONF_BOOLEAN, .def = d, .cmd = c }
#define ENUM(n, s, e, d, c) \
	{ .name = n, .section = s, .kind = CONF_ENUM, .enums = e, .def = d, .cmd = c }
#define STR(n, s, l, c) \
	{ .name = n, .section = s, .kind = CONF_STRING, .max_len = l, .cmd = c }

#define D CONF_SEC_DISK
#define P CONF_SEC_PEER_DEVICE
#define N CONF_SEC_NET
#define R CONF_SEC_RES
#define S CONF_SEC_STARTUP
#define H CONF_SEC_HANDLERS

static const struct conf_optdef table[] = {
	NUM("size", D, 's', 0, 2LL << 40, 0, "bytes", "attach"),
	ENUM("on-io-error", D, on_io_error, 2, "attach"),
	BOOL("disk-barrier", D, 0, "attach"),
	BOOL("disk-flushes", D, 1, "attach"),
	BOOL("disk-drain", D, 1, "attach"),
	BOOL("md-flushes", D, 1, "attach"),
	/* A resource/volume name, resolved after parsing. */
	STR("resync-after", D, 0, "attach"),
	{ .name = "al-extents", .section = D, .kind = CONF_NUMERIC, .scale = '1',
	  .min = 67, .max = 0xfffe, .def = 1237, .clamp = true, .cmd = "attach" },
	BOOL("al-updates", D, 1, "attach"),
	BOOL("discard-zeroes-if-aligned", D, 1, "attach"),
	BOOL("disable-write-same", D, 0, "attach"),
	NUM("disk-timeout", D, '1', 0, 6000, 0, "1/10 seconds", "attach"),
	ENUM("read-balancing", D, read_balancing, 0, "attach"),
	NUM("rs-discard-granularity", D, '1', 0, 1 << 20, 0, "bytes", "attach"),

	NUM("resync-rate", P, 'k', 1, 8 << 20, 250, "bytes/second", "peer-device-options"),
	NUM("c-plan-ahead", P, '1', 0, 300, 20, "1/10 seconds", "peer-device-options"),
	NUM("c-delay-target", P, '1', 1, 100, 10, "1/10 seconds", "peer-device-options"),
	NUM("c-fill-target", P, 's', 0, 1 << 20, 100, "bytes", "peer-device-options"),
	NUM("c-max-rate", P, 'k', 0, 4 << 20, 102400, "bytes/second", "peer-device-options"),
	NUM("c-min-rate", P, 'k', 0, 4 << 20, 250, "bytes/second", "peer-device-options"),
	BOOL("bitmap", P, 1, "peer-device-options"),

	STR("transport", N, 0, "new-peer"),
	ENUM("protocol", N, protocol, 2, "new-peer"),
	NUM("timeout", N, '1', 1, 600, 60, "1/10 seconds", "new-peer"),
	NUM("max-epoch-size", N, '1', 1, 20000, 2048, NULL, "new-peer"),
	NUM("connect-int", N, '1', 1, 120, 10, "seconds", "new-peer"),
	NUM("ping-int", N, '1', 1, 120, 10, "seconds", "new-peer"),
	NUM("sndbuf-size", N, '1', 0, 10 << 20, 0, "bytes", "new-peer"),
	NUM("rcvbuf-size", N, '1', 0, 10 << 20, 0, "bytes", "new-peer"),
	NUM("ko-count", N, '1', 0, 200, 7, NULL, "new-peer"),
	BOOL("allow-two-primaries", N, 0, "new-peer"),
	STR("cram-hmac-alg", N, SECRET_MAX, "new-peer"),
	STR("shared-secret", N, SECRET_MAX, "new-peer"),
	ENUM("after-sb-0pri", N, asb0p, 0, "new-peer"),
	ENUM("after-sb-1pri", N, asb1p, 0, "new-peer"),
	ENUM("after-sb-2pri", N, asb2p, 0, "new-peer"),
	BOOL("always-asbp", N, 0, "new-peer"),
	ENUM("rr-conflict", N, rr_conflict, 0, "new-peer"),
	NUM("ping-timeout", N, '1', 1, 300, 5, "1/10 seconds", "new-peer"),
	STR("data-integrity-alg", N, SECRET_MAX, "new-peer"),
	BOOL("tcp-cork", N, 1, "new-peer"),
	ENUM("on-congestion", N, on_congestion, 0, "new-peer"),
	NUM("congestion-fill", N, 's', 0, 10 << 21, 0, "bytes", "new-peer"),
	NUM("congestion-extents", N, '1', 67, 0xfffe, 1237, NULL, "new-peer"),
	STR("csums-alg", N, SECRET_MAX, "new-peer"),
	BOOL("csums-after-crash-only", N, 0, "new-peer"),
	STR("verify-alg", N, SECRET_MAX, "new-peer"),
	BOOL("use-rle", N, 1, "new-peer"),
	NUM("socket-check-timeout", N, '1', 0, 300, 0, "1/10 seconds", "new-peer"),
	ENUM("fencing", N, fencing, 0, "new-peer"),
	NUM("max-buffers", N, '1', 32, 131072, 2048, NULL, "new-peer"),
	BOOL("allow-remote-read", N, 1, "new-peer"),
	STR("_name", N, SECRET_MAX, "new-peer"),

	STR("cpu-mask", R, 32, "new-resource"),
	ENUM("on-no-data-accessible", R, io_error_suspend, 0, "new-resource"),
	BOOL("auto-promote", R, 1, "new-resource"),
	NUM("peer-ack-window", R, 's', 2048, 204800, 4096, "bytes", "new-resource"),
	NUM("peer-ack-delay", R, '1', 1, 10000, 100, "milliseconds", "new-resource"),
	NUM("twopc-timeout", R, '1', 50, 600, 300, "1/10 seconds", "new-resource"),
	NUM("twopc-retry-timeout", R, '1', 1, 50, 1, "1/10 seconds", "new-resource"),
	NUM("auto-promote-timeout", R, '1', 0, 600, 20, "1/10 seconds", "new-resource"),
	NUM("max-io-depth", R, '1', 4, 0xffffffffLL, 8000, NULL, "new-resource"),
	{ .name = "quorum", .section = R, .kind = CONF_ENUM_NUM, .enums = quorum,
	  .min = 1, .max = PEERS_MAX, .cmd = "new-resource" },
	ENUM("on-no-quorum", R, io_error_suspend, 1, "new-resource"),
	{ .name = "quorum-minimum-redundancy", .section = R, .kind = CONF_ENUM_NUM,
	  .enums = quorum, .min = 1, .max = PEERS_MAX, .cmd = "new-resource" },
	ENUM("on-suspended-primary-outdated", R, susp_pri_outdated, 0, "new-resource"),

	NUM("wfc-timeout", S, '1', 0, 300000, 0, "seconds", NULL),
	NUM("degr-wfc-timeout", S, '1', 0, 300000, 0, "seconds", NULL),
	NUM("outdated-wfc-timeout", S, '1', 0, 300000, 0, "seconds", NULL),
	BOOL("wait-after-sb", S, 0, NULL),

	STR("pri-on-incon-degr", H, 0, NULL),
	STR("pri-lost-after-sb", H, 0, NULL),
	STR("pri-lost", H, 0, NULL),
	STR("initial-split-brain", H, 0, NULL),
	STR("split-brain", H, 0, NULL),
	STR("outdate-peer", H, 0, NULL),
	STR("fence-peer", H, 0, NULL),
	STR("unfence-peer", H, 0, NULL),
	STR("local-io-error", H, 0, NULL),
	STR("before-resync-target", H, 0, NULL),
	STR("after-resync-target", H, 0, NULL),
	STR("before-resync-source", H, 0, NULL),
	STR("out-of-sync", H, 0, NULL),
	STR("quorum-lost", H, 0, NULL),
	STR("disconnected", H, 0, NULL),
};

const struct conf_optdef *conf_optdef_at(size_t i)
{
	return i < sizeof(table) / sizeof(table[0]) ? &table[i] : NULL;
}

const struct conf_optdef *conf_optdef(enum conf_section sec, const char *name,
				      bool *no_prefix)
{
	size_t i;
	bool no = !strncmp(name, "no-", 3);

	if (no)
		name += 3;
	if (no_prefix)
		*no_prefix = no;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].section == sec && !strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* drbd-utils' unit rules: the number is in def_unit unless a suffix
 * (K, M, G: powers of 1024 bytes; s: 512-byte sectors) says otherwise;
 * converting down rounds up. */
int conf_strtoull(const char *s, char def_unit, unsigned long long *out)
{
	int shift = 0;
	unsigned long long v = 0;
	const char *p = s;

	if (def_unit == 'k' || def_unit == 'K')
		shift = -10;
	else if (def_unit == 's')
		shift = -9;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	switch (*p) {
	case 0: *out = v; return 0;
	case 'K': case 'k': shift += 10; break;
	case 'M': case 'm': shift += 20; break;
	case 'G': case 'g': shift += 30; break;
	case 's': shift += 9; break;
	default: return -1;
	}
	if (p[1])
		return -1;
	if (shift < 0) {
		*out = (v + (1ULL << -shift) - 1) >> -shift;
		return 0;
	}
	if (v > (~0ULL >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static bool in_enums(const char *const *e, const char *v, bool nocase)
{
	for (; *e; e++)
		if (nocase ? !strcasecmp(*e, v) : !strcmp(*e, v))
			return true;
	return false;
}

const char *conf_opt_check(const struct conf_optdef *def, const char *value)
{
	unsigned long long v;

	switch (def->kind) {
	case CONF_NUMERIC:
		if (conf_strtoull(value, def->scale, &v))
			return "not a number";
		if (def->clamp)
			return NULL;
		if ((long long)v < def->min && def->min >= 0)
			return "too small";
		if (v > (unsigned long long)def->max)
			return "too big";
		return NULL;
	case CONF_BOOLEAN:
		return strcmp(value, "yes") && strcmp(value, "no") ? "not 'yes' or 'no'" : NULL;
	case CONF_ENUM:
		/* The protocol letter is the one case-insensitive enum. */
		return in_enums(def->enums, value, !strcmp(def->name, "protocol"))
			? NULL : "not valid";
	case CONF_ENUM_NUM:
		if (in_enums(def->enums, value, false))
			return NULL;
		if (conf_strtoull(value, '1', &v))
			return "not valid";
		if ((long long)v < def->min)
			return "too small";
		return (long long)v > def->max ? "too big" : NULL;
	case CONF_STRING:
		return def->max_len && strlen(value) >= def->max_len ? "too long" : NULL;
	}
	return NULL;
}
