/* Option values of drbdsetup's configuration commands. */
#include "ctl/cmd_config.h"
#include "md/al.h"

#include <stdlib.h>
#include <string.h>

/* Resource options of new-resource and resource-options: kept and shown
 * (ctl/res_opts.c); the engine acts on none of them yet. */
const struct opt_spec ctl_res_opts[] = {
	{ "cpu-mask", true }, { "on-no-data-accessible", true },
	{ "auto-promote", true }, { "peer-ack-window", true },
	{ "peer-ack-delay", true }, { "twopc-timeout", true },
	{ "twopc-retry-timeout", true }, { "auto-promote-timeout", true },
	{ "max-io-depth", true }, { "quorum", true }, { "on-no-quorum", true },
	{ "quorum-minimum-redundancy", true }, { "on-suspended-primary-outdated", true },
	{ "set-defaults", false },
	{ NULL, false },
};

const struct opt_spec ctl_disk_opts[] = {
	{ "size", true }, { "on-io-error", true }, { "disk-barrier", true },
	{ "disk-flushes", true }, { "disk-drain", true }, { "md-flushes", true },
	{ "al-extents", true }, { "al-updates", true }, { "discard-zeroes-if-aligned", true },
	{ "disable-write-same", true }, { "resync-after", true }, { "read-balancing", true },
	{ "rs-discard-granularity", true }, { "disk-timeout", true }, { "max-bio-bvecs", true },
	{ "set-defaults", false },
	{ NULL, false },
};

bool ctl_parse_uint(const char *s, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!s || !strcmp(s, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

int ctl_bad_opt(struct ctl_req *q, const char *name, const char *value)
{
	strbuf_printf(&q->err, "Option --%s: invalid argument '%s'\n", name, value);
	return 20;
}

static bool parse_on_io_error(const char *v, enum on_io_error *out)
{
	static const char *const names[] = {
		[EP_PASS_ON] = "pass_on",
		[EP_CALL_HELPER] = "call-local-io-error",
		[EP_DETACH] = "detach",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i])) {
			*out = (enum on_io_error)i;
			return true;
		}
	return false;
}

int ctl_disk_options(struct ctl_req *q, const struct args *a, struct disk_conf *c)
{
	for (int i = 0; i < a->nopts; i++) {
		const char *n = a->opt[i].name, *v = a->opt[i].value;
		uint64_t num = 0;
		bool ok = true;

		if (!strcmp(n, "set-defaults"))
			disk_conf_default(c);
		else if (!strcmp(n, "size"))
			ok = args_parse_num(v, 512, 0, 1ull << 41, &c->size_sect);
		else if (!strcmp(n, "on-io-error"))
			ok = parse_on_io_error(v, &c->on_io_error);
		else if (!strcmp(n, "al-extents")) {
			ok = args_parse_num(v, 1, AL_EXTENTS_MIN, AL_EXTENTS_MAX, &num);
			c->al_extents = (uint32_t)num;
		} else if (!strcmp(n, "al-updates"))
			ok = parse_bool(v, &c->al_updates);
		else if (!strcmp(n, "md-flushes"))
			ok = parse_bool(v, &c->md_flushes);
		else if (!strcmp(n, "disk-flushes"))
			ok = parse_bool(v, &c->disk_flushes);
		/* Others are accepted for drbdadm's sake and not yet acted on. */
		if (!ok)
			return ctl_bad_opt(q, n, v ? v : "");
	}
	return 0;
}
